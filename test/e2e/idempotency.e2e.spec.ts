import { randomUUID } from 'node:crypto';
import { OPD, issueCard, orderBody, pollUntil, registerOpd, sellingVendor, uniqueNib } from '../support/purchase-session.js';
import type { HttpResponse } from '../support/test-app.js';
import { TestApp } from '../support/test-app.js';

const CONCURRENT_DUPLICATES = 6;
const CARD_LIMIT_RUPIAH = 10_000_000;

/** A response body as first answered: a replay differs only in its `replayed` flag. */
function asFirstAnswered(response: HttpResponse): unknown {
  return { ...response.body, replayed: false };
}

function vendorRegistration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nib: uniqueNib(),
    npwp: '012345678901234',
    name: 'CV Maju Bersama',
    legalForm: 'koperasi',
    kabupatenKotaCode: '3673',
    contact: { email: 'maju@bersama.id', phone: '+62 254 123456' },
    ...overrides,
  };
}

describe('Idempotency-Key on command endpoints (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let buyer: string;
  let vendor: Awaited<ReturnType<typeof sellingVendor>>;
  let cardId: string;

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
    buyer = app.issueKey('buyer', { opdCode: OPD });
    vendor = await sellingVendor(app, admin, [50_000]);
    cardId = await issueCard(app, admin, CARD_LIMIT_RUPIAH);
  });
  afterAll(async () => {
    await app.close();
  });

  const withKey = (key: string): Record<string, string> => ({ 'idempotency-key': key });

  it('refuses every creating request without a key: 400 IDEMPOTENCY_KEY_REQUIRED, problem+json, nothing written', async () => {
    const creating: [string, string, string, unknown][] = [
      ['POST', '/vendors', admin, vendorRegistration()],
      [
        'POST',
        `/vendors/${vendor.vendorId}/listings`,
        vendor.vendorToken,
        { title: 'Air mineral', category: 'makan-minum', unit: 'dus', priceRupiah: 40_000, isDomesticProduct: true },
      ],
      ['POST', '/cards', admin, { opdCode: OPD, holderName: 'Siti', cardLast4: '4821', limitRupiah: 1_000_000, expiresOn: '2099-12-31' }],
      ['POST', `/cards/${cardId}/statements`, admin, { statementReference: 'BNI-KKP/2026-11/X', amountRupiah: 1 }],
      ['POST', '/orders', buyer, orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }])],
    ];
    const before = await app.eventCount();
    for (const [method, path, token, body] of creating) {
      const refused = await app.request(method, path, { token, body, idempotencyKey: false });
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.detail).toMatch(/Idempotency-Key/);
      expect(refused.body.detail).toMatch(/retry/);
    }
    expect(await app.eventCount()).toBe(before);

    // Commands that neither create nor move money still accept a request without a key.
    const registered = await app.request('POST', '/vendors', { token: admin, body: vendorRegistration() });
    const verified = await app.request('POST', `/vendors/${registered.body.vendorId}/verify`, { token: admin, idempotencyKey: false });
    expect(verified.status).toBe(200);
  });

  it('refuses a malformed key with 400 and writes nothing; the quoted sf-string form names the same key as the bare one', async () => {
    const before = await app.eventCount();
    for (const bad of ['', 'has space', 'k'.repeat(129), '"unterminated', '"a"b"', 'ünïcode', '"has space"']) {
      const refused = await app.request('POST', '/vendors', { token: admin, body: vendorRegistration(), headers: withKey(bad) });
      expect({ bad, status: refused.status, code: refused.body.code }).toEqual({ bad, status: 400, code: 'INVALID_HEADER' });
    }
    expect(await app.eventCount()).toBe(before);

    const key = `quoted-${randomUUID()}`;
    const body = vendorRegistration();
    const quoted = await app.request('POST', '/vendors', { token: admin, body, headers: withKey(`"${key}"`) });
    expect(quoted.status).toBe(201);
    const bare = await app.request('POST', '/vendors', { token: admin, body, headers: withKey(key) });
    expect(bare.status).toBe(201);
    expect(bare.headers.get('idempotent-replayed')).toBe('true');
    expect(bare.body.vendorId).toBe(quoted.body.vendorId);
  });

  it('answers a retried order with the first response, and places one order with one card hold', async () => {
    const key = `order-${randomUUID()}`;
    const body = orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 3 }]);
    const first = await app.request('POST', '/orders', { token: buyer, body, headers: withKey(key) });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const orderId: string = first.body.orderId;
    await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
    const eventsAfterFirst = await app.eventCount();

    const retry = await app.request('POST', '/orders', { token: buyer, body, headers: withKey(key) });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retry.body.replayed).toBe(true);
    expect(asFirstAnswered(retry)).toEqual(first.body);
    expect(await app.eventCount()).toBe(eventsAfterFirst);

    const card = await app.request('GET', `/cards/${cardId}`, { token: admin });
    const holdsForOrder = card.body.holds.filter((hold: { orderId?: string }) => hold.orderId === orderId);
    expect(holdsForOrder).toHaveLength(1);
    expect((await app.store.readStream(`order-${orderId}`)).filter((event) => event.type === 'OrderPlaced')).toHaveLength(1);
  });

  it('treats the same JSON with its members in another order as the same request (a replay, not a 409)', async () => {
    const key = `reordered-${randomUUID()}`;
    const body = orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 2 }]);
    const first = await app.request('POST', '/orders', { token: buyer, body, headers: withKey(key) });
    expect(first.status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    reordered.lines = body.lines.map((line) => ({ quantity: line.quantity, listingId: line.listingId }));
    const retry = await app.request('POST', '/orders', { token: buyer, rawBody: JSON.stringify(reordered), headers: withKey(key) });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.orderId).toBe(first.body.orderId);
    // The payment process manager is done with it before the next session counts events.
    await pollUntil(app, buyer, `/orders/${first.body.orderId}`, (order) => order.status === 'authorised');
  });

  it('refuses a key reused for another request with 409 IDEMPOTENCY_KEY_REUSED, whatever endpoint or stream it would touch', async () => {
    const key = `reused-${randomUUID()}`;
    await registerOpd(app, admin);
    const issued = await app.request('POST', '/cards', {
      token: admin,
      body: { opdCode: OPD, holderName: 'Siti', cardLast4: '1234', limitRupiah: 1_000_000, expiresOn: '2099-12-31' },
      headers: withKey(key),
    });
    expect(issued.status).toBe(201);
    const before = await app.eventCount();
    const otherRequests: [string, unknown][] = [
      // Another card: another stream than the first request's.
      ['/cards', { opdCode: OPD, holderName: 'Budi', cardLast4: '5678', limitRupiah: 2_000_000, expiresOn: '2099-12-31' }],
      [`/cards/${cardId}/statements`, { statementReference: 'BNI-KKP/2026-11/REUSE', amountRupiah: 1 }],
      ['/vendors', vendorRegistration()],
    ];
    for (const [path, body] of otherRequests) {
      const refused = await app.request('POST', path, { token: admin, body, headers: withKey(key) });
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await app.eventCount()).toBe(before);
  });

  it("answers concurrent duplicates with the first request's result, and places one order", async () => {
    const key = `concurrent-${randomUUID()}`;
    const body = orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]);
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT_DUPLICATES }, () => app.request('POST', '/orders', { token: buyer, body, headers: withKey(key) })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(CONCURRENT_DUPLICATES).fill(201));
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    const first = answers.find((answer) => answer.headers.get('idempotent-replayed') === null)!;
    for (const answer of answers) expect(asFirstAnswered(answer)).toEqual(first.body);
    const orderId: string = first.body.orderId;
    await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
    expect(await app.store.readStream(`order-${orderId}`).then((events) => events.filter((event) => event.type === 'OrderPlaced'))).toHaveLength(1);
    const card = await app.request('GET', `/cards/${cardId}`, { token: admin });
    expect(card.body.holds.filter((hold: { orderId?: string }) => hold.orderId === orderId)).toHaveLength(1);
  });

  it('lets two API keys use the same key string independently', async () => {
    const otherBuyer = app.issueKey('buyer', { opdCode: OPD });
    const key = `shared-${randomUUID()}`;
    const body = orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]);
    const mine = await app.request('POST', '/orders', { token: buyer, body, headers: withKey(key) });
    const theirs = await app.request('POST', '/orders', { token: otherBuyer, body: { ...body, officialName: 'Rina Wati' }, headers: withKey(key) });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.orderId).not.toBe(mine.body.orderId);
    for (const orderId of [mine.body.orderId, theirs.body.orderId]) {
      await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
    }
  });

  it('keeps a refusal: the same request with the same key gets the same 4xx answer back, and writes nothing', async () => {
    const key = `refused-${randomUUID()}`;
    const unknownCard = { ...orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]), cardId: randomUUID() };
    const before = await app.eventCount();
    const first = await app.request('POST', '/orders', { token: buyer, body: unknownCard, headers: withKey(key) });
    expect(first.status).toBeGreaterThanOrEqual(400);
    expect(first.status).toBeLessThan(500);
    const retry = await app.request('POST', '/orders', { token: buyer, body: unknownCard, headers: withKey(key) });
    expect(retry.status).toBe(first.status);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toContain('application/problem+json');
    expect(retry.body).toEqual(first.body);
    expect(await app.eventCount()).toBe(before);
  });
});
