import { randomUUID } from 'node:crypto';
import { OPD, OTHER_OPD, SellingVendor, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

/** More pages than the test's orders: following nextCursor must end before it. */
const PAGES_MAX = 10;

describe('GET /orders: vendors and buyers list their own orders, admins and auditors all (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let buyerX: string;
  let buyerY: string;
  let vendorA: SellingVendor;
  let vendorB: SellingVendor;
  /** orderId -> [OPD, vendor] of every order placed. */
  const placed = new Map<string, [string, string]>();

  const list = (path: string, token?: string) => app.request('GET', path, token ? { token } : {});

  async function place(buyer: string, opdCode: string, cardId: string, vendor: SellingVendor): Promise<void> {
    const response = await app.request('POST', '/orders', {
      token: buyer,
      headers: { 'idempotency-key': randomUUID() },
      body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]),
    });
    expect(response.status).toBe(201);
    placed.set(response.body.orderId, [opdCode, vendor.vendorId]);
  }

  /** Every order id the key lists, following nextCursor one order a page (bounded). */
  async function listedIds(token: string, query = ''): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < PAGES_MAX; page += 1) {
      const response = await list(`/orders?limit=1${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      expect(response.status).toBe(200);
      ids.push(...response.body.items.map((item: { orderId: string }) => item.orderId));
      cursor = response.body.nextCursor;
      if (!cursor) return ids.sort();
    }
    throw new Error(`more than ${PAGES_MAX} pages`);
  }

  const expected = (keep: (opdCode: string, vendorId: string) => boolean): string[] =>
    [...placed]
      .filter(([, [opdCode, vendorId]]) => keep(opdCode, vendorId))
      .map(([orderId]) => orderId)
      .sort();

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
    auditor = app.issueKey('auditor');
    buyerX = await buyerKey(app, admin, OPD);
    buyerY = await buyerKey(app, admin, OTHER_OPD);
    vendorA = await sellingVendor(app, admin, [10_000]);
    vendorB = await sellingVendor(app, admin, [20_000]);
    const cardX = await issueCard(app, admin, 10_000_000, OPD);
    const cardY = await issueCard(app, admin, 10_000_000, OTHER_OPD);
    await place(buyerX, OPD, cardX, vendorA);
    await place(buyerX, OPD, cardX, vendorA);
    await place(buyerX, OPD, cardX, vendorB);
    await place(buyerY, OTHER_OPD, cardY, vendorA);
    await pollUntil(app, admin, '/orders?limit=10', (body: { items: unknown[] }) => body.items.length === placed.size);
  });
  afterAll(async () => {
    await app.close();
  });

  it("a vendor sees only its own orders, a buyer only its OPD's, page by page", async () => {
    expect(await listedIds(vendorA.vendorToken)).toEqual(expected((_opd, vendorId) => vendorId === vendorA.vendorId));
    expect(await listedIds(vendorB.vendorToken)).toEqual(expected((_opd, vendorId) => vendorId === vendorB.vendorId));
    expect(await listedIds(buyerX)).toEqual(expected((opdCode) => opdCode === OPD));
    expect(await listedIds(buyerY)).toEqual(expected((opdCode) => opdCode === OTHER_OPD));
    expect((await listedIds(vendorA.vendorToken)).length).toBe(3);
    expect((await listedIds(buyerY)).length).toBe(1);
  });

  it('admins and auditors see every order', async () => {
    for (const token of [admin, auditor]) expect(await listedIds(token)).toEqual(expected(() => true));
  });

  it("filters narrow within the key's own orders", async () => {
    expect(await listedIds(vendorA.vendorToken, `&opdCode=${OTHER_OPD}`)).toEqual(
      expected((opdCode, vendorId) => opdCode === OTHER_OPD && vendorId === vendorA.vendorId),
    );
    expect(await listedIds(buyerX, `&vendorId=${vendorB.vendorId}`)).toEqual(expected((opdCode, vendorId) => opdCode === OPD && vendorId === vendorB.vendorId));
    expect(await listedIds(vendorA.vendorToken, `&vendorId=${vendorA.vendorId}`)).toEqual(expected((_opd, vendorId) => vendorId === vendorA.vendorId));
  });

  it("asking for another vendor's or OPD's orders is 403 OUT_OF_SCOPE; no key is 401; bad filters 400", async () => {
    for (const [path, token] of [
      [`/orders?vendorId=${vendorB.vendorId}`, vendorA.vendorToken],
      [`/orders?opdCode=${OTHER_OPD}`, buyerX],
    ] as const) {
      const response = await list(path, token);
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 403, code: 'OUT_OF_SCOPE' });
    }
    expect((await list('/orders')).status).toBe(401);
    expect((await list('/orders?status=nonsense', buyerX)).status).toBe(400);
  });
});
