import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_MODEL_WAIT_MS_MAX } from '../../src/read-models/read-model-query.service.js';
import { generateHistory } from '../support/generated-history.js';
import { projectionsCaughtUp } from '../support/projections-caught-up.js';
import { TestApp } from '../support/test-app.js';

/** The longest wait a read grants; the projections have caught up before each such read. */
const WAIT_MS = READ_MODEL_WAIT_MS_MAX;
const PROJECTIONS = ['vendors', 'catalog', 'orders', 'cards', 'journal', 'spending', 'red-flags', 'opds'];
/** One endpoint per projection, to wait on with waitForPosition (public endpoints never wait: spending is polled). */
const PROBES: Record<string, string> = {
  vendors: '/admin/vendors',
  catalog: '/admin/listings',
  orders: '/admin/orders',
  cards: '/admin/cards',
  journal: '/admin/journal/trial-balance',
  'red-flags': '/admin/red-flags',
  opds: '/opds',
};
const PAGES_MAX = 200;

describe('admin and public read-model queries (e2e)', () => {
  let dataDir: string;
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let head: string;

  const get = (path: string, token?: string, headers?: Record<string, string>) =>
    app.request('GET', path, { ...(token ? { token } : {}), ...(headers ? { headers } : {}) });

  /** Every page of a list, following nextCursor (bounded). */
  async function allPages(path: string, token: string): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < PAGES_MAX; page += 1) {
      const separator = path.includes('?') ? '&' : '?';
      const response = await get(`${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      expect(response.status).toBe(200);
      items.push(...response.body.items);
      cursor = response.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`more than ${PAGES_MAX} pages of ${path}`);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bela-admin-queries-'));
    const history = await generateHistory(dataDir, { seed: 'admin-queries-e2e', targetEvents: 3_000, vendorCount: 40, ordersPerDay: 25 });
    head = history.headPosition;
    app = await TestApp.start({ dataDir });
    admin = app.issueKey('admin');
    auditor = app.issueKey('auditor');
    await projectionsCaughtUp(app, admin, head);
    for (const probe of Object.values(PROBES)) {
      const response = await get(`${probe}?waitForPosition=${head}&waitMs=${WAIT_MS}`, admin);
      expect(response.status).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GET /admin/projections: every projection caught up, with position and lag; admins and auditors only', async () => {
    const response = await get('/admin/projections', auditor);
    expect(response.status).toBe(200);
    expect(response.body.projections.map((p: { name: string }) => p.name)).toEqual(PROJECTIONS);
    for (const status of response.body.projections) {
      // catalog 2 (listings by vendor status), orders 2 (the timeline keyed by position); the others are at their first version.
      expect(status).toMatchObject({ state: 'running', consecutiveFailures: 0, version: ['catalog', 'orders'].includes(status.name) ? 2 : 1 });
      expect(BigInt(status.position)).toBeGreaterThanOrEqual(BigInt(head));
      expect(typeof status.lagEvents).toBe('number');
      expect(Object.values(status.tables).some((rows) => (rows as number) > 0)).toBe(true);
    }
    expect((await get('/admin/projections')).status).toBe(401);
    expect((await get('/admin/projections', app.issueKey('buyer', { opdCode: '36-SETDA' }))).status).toBe(403);
  });

  it('the process manager replays the generated history as no-ops: the service wrote nothing new', async () => {
    expect((await app.store.headPosition()).toString()).toBe(head);
  });

  it('vendors: filters, sort, cursor pagination through every page, CSV', async () => {
    const all = await get('/admin/vendors?status=verified&limit=500', admin);
    expect(all.status).toBe(200);
    expect(all.headers.get('x-read-model-position')).toBe(head);
    const verified = all.body.items;
    expect(verified.length).toBeGreaterThan(10);
    expect(verified.every((vendor: { status: string }) => vendor.status === 'verified')).toBe(true);

    const paged = await allPages('/admin/vendors?status=verified&sort=-registeredAt&limit=7', admin);
    expect(paged.map((vendor) => vendor.vendorId).sort()).toEqual(verified.map((vendor: { vendorId: string }) => vendor.vendorId).sort());
    const times = paged.map((vendor) => vendor.registeredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const local = await get('/admin/vendors?isLocal=true&kabupatenKotaCode=3673&limit=500', auditor);
    expect(
      local.body.items.every((vendor: { isLocal: boolean; kabupatenKotaCode: string }) => vendor.isLocal === true && vendor.kabupatenKotaCode === '3673'),
    ).toBe(true);

    const csv = await get('/admin/vendors?status=verified&format=csv&limit=5', admin);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (csv.body as string).trim().split('\r\n');
    expect(rows[0]).toContain('vendorId,status,name');
    expect(rows).toHaveLength(6);
    expect(csv.headers.get('x-next-cursor')).toBeTruthy();
    const byAccept = await get('/admin/vendors?limit=2', admin, { accept: 'text/csv' });
    expect(byAccept.headers.get('content-type')).toContain('text/csv');
  });

  it('refuses bad paging with 400 problem+json: limit over 500, a forged cursor, a cursor of another query, an unknown sort or filter', async () => {
    expect((await get('/admin/vendors?limit=501', admin)).body.code).toBe('INVALID_LIMIT');
    expect((await get('/admin/vendors?limit=0', admin)).status).toBe(400);
    expect((await get('/admin/vendors?cursor=bm90LWEtY3Vyc29y', admin)).body.code).toBe('INVALID_CURSOR');
    const first = await get('/admin/vendors?status=verified&limit=2', admin);
    const other = await get(`/admin/vendors?status=pending&limit=2&cursor=${first.body.nextCursor}`, admin);
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('INVALID_CURSOR');
    expect((await get('/admin/vendors?sort=npwp', admin)).body.code).toBe('INVALID_SORT');
    const unknown = await get('/admin/vendors?colour=red', admin);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('listings and price history', async () => {
    const listings = await get('/admin/listings?category=atk&sort=-priceRupiah&limit=20', admin);
    expect(listings.status).toBe(200);
    const prices = listings.body.items.map((listing: { priceRupiah: number }) => listing.priceRupiah);
    expect([...prices].sort((a, b) => b - a)).toEqual(prices);
    expect(listings.body.items.every((listing: { category: string }) => listing.category === 'atk')).toBe(true);
    const cheap = await get('/admin/listings?maxPriceRupiah=20000&status=active&limit=500', admin);
    expect(cheap.body.items.every((listing: { priceRupiah: number }) => listing.priceRupiah <= 20_000)).toBe(true);
    const repriced = await get('/admin/listings?sort=-priceChangedAt&limit=1', admin);
    const listingId = repriced.body.items[0].listingId;
    const history = await get(`/admin/listings/${listingId}/prices`, auditor);
    expect(history.body.items.length).toBe(repriced.body.items[0].priceChangeCount + 1);
    expect(history.body.items[0].previousPriceRupiah).toBeNull();
  });

  it('orders: filters, detail with lines, timeline with the card hold; 404 for an unknown order', async () => {
    const paid = await get('/admin/orders?status=paid&limit=50', admin);
    expect(paid.body.items.length).toBe(50);
    expect(
      paid.body.items.every(
        (order: { status: string; paidRupiah: number; totalRupiah: number }) => order.status === 'paid' && order.paidRupiah === order.totalRupiah,
      ),
    ).toBe(true);
    const order = paid.body.items[0];
    const byOpd = await allPages(`/admin/orders?opdCode=${order.opdCode}&limit=100`, admin);
    expect(byOpd.every((candidate) => candidate.opdCode === order.opdCode)).toBe(true);
    expect(byOpd.map((candidate) => candidate.orderId)).toContain(order.orderId);
    // Every order is credited to its OPD's registered kabupaten/kota.
    const opd = await get(`/opds/${order.opdCode}`);
    expect(opd.status).toBe(200);
    expect(byOpd.every((candidate) => candidate.buyerKabupatenKotaCode === opd.body.kabupatenKotaCode && candidate.opdName === opd.body.name)).toBe(true);
    expect((await get(`/admin/orders?opdCode=OPD-${order.opdCode}`, admin)).status).toBe(400);

    const detail = await get(`/admin/orders/${order.orderId}`, auditor);
    expect(detail.body.lines.length).toBe(order.lineCount);
    expect(detail.body.lines.reduce((sum: number, line: { lineTotalRupiah: number }) => sum + line.lineTotalRupiah, 0)).toBe(order.itemsRupiah);

    const timeline = await get(`/admin/orders/${order.orderId}/timeline`, admin);
    const types = timeline.body.items.map((entry: { type: string }) => entry.type);
    expect(types).toEqual([
      'OrderPlaced',
      'AuthorisationApproved',
      'OrderAuthorised',
      'OrderAccepted',
      'OrderShipped',
      'OrderReceived',
      'AuthorisationCaptured',
      'OrderPaid',
    ]);
    const missing = await get('/admin/orders/00000000-0000-5000-8000-000000000000', admin);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ORDER_NOT_FOUND');
  });

  it('cards and holds: available = limit - held - captured-unsettled', async () => {
    const cards = await allPages('/admin/cards?limit=500', admin);
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) expect(card.availableRupiah).toBe(card.limitRupiah - card.heldRupiah - card.capturedUnsettledRupiah);
    const voided = await get('/admin/card-holds?status=voided&limit=10', auditor);
    expect(voided.body.items.length).toBeGreaterThan(0);
    expect(voided.body.items.every((hold: { status: string }) => hold.status === 'voided')).toBe(true);
    const cardHolds = await get(`/admin/card-holds?cardId=${cards[0].cardId}&limit=500`, admin);
    expect(cardHolds.body.items.every((hold: { cardId: string }) => hold.cardId === cards[0].cardId)).toBe(true);
  });

  it('journal: entries, lines and balances per account; the trial balance nets to zero', async () => {
    const settlements = await get('/admin/journal/entries?kind=settlement&limit=20', admin);
    expect(settlements.body.items.length).toBeGreaterThan(0);
    const entry = settlements.body.items[0];
    const lines = await get(`/admin/journal/lines?position=${entry.position}`, admin);
    expect(lines.body.items.map((line: { account: string }) => line.account)).toEqual([
      'card-available',
      'card-captured-unsettled',
      'bank-settled',
      'opd-treasury',
    ]);
    const held = await get('/admin/journal/balances?account=card-held&limit=500', auditor);
    expect(held.body.items.every((balance: { balanceRupiah: number }) => balance.balanceRupiah === 0)).toBe(true);
    const trial = await get('/admin/journal/trial-balance', auditor);
    expect(trial.body).toMatchObject({ netRupiah: 0, unbalancedEntries: 0, balanced: true });
    expect(trial.body.totalDebitRupiah).toBe(trial.body.totalCreditRupiah);
    const csv = await get('/admin/journal/entries?format=csv&limit=3', admin);
    expect((csv.body as string).split('\r\n')[0]).toBe('position,cardId,kind,orderId,reference,amountRupiah,debitRupiah,creditRupiah,occurredAt,eventType');
  });

  it('public spending: every dimension without a key, groups summing to the totals, the 40% target; no personal data', async () => {
    for (const by of ['opd', 'kabupaten-kota', 'vendor', 'category', 'month', 'scale', 'locality']) {
      const response = await get(`/public/spending?by=${by}&limit=500`);
      expect(response.status).toBe(200);
      const sum = response.body.items.reduce((total: number, item: { amountRupiah: number }) => total + item.amountRupiah, 0);
      expect(sum).toBe(response.body.totals.amountRupiah);
      expect(response.body.targetPercent).toBe(40);
      const text = JSON.stringify(response.body);
      expect(text).not.toMatch(/holderName|officialName|npwp|cardLast4/);
    }
    const paged = await allPages('/public/spending?by=vendor&limit=9', admin);
    const whole = await get('/public/spending?by=vendor&limit=500');
    expect(paged.map((item) => item.key).sort()).toEqual(whole.body.items.map((item: { key: string }) => item.key).sort());
    const local = await get('/public/spending?by=locality&isLocal=true');
    expect(local.body.items.map((item: { key: string }) => item.key)).toEqual(['banten']);
    const targets = await get('/public/spending/targets');
    expect(targets.body.overall).toMatchObject({ umkKoperasiSharePercent: expect.any(Number), localSharePercent: expect.any(Number) });
    expect(targets.body.byKabupatenKota.items.length).toBeGreaterThan(0);
    expect(targets.body.byOpd.items[0]).toHaveProperty('meetsUmkKoperasiTarget');
    const csv = await get('/public/spending?by=category&format=csv');
    expect((csv.body as string).startsWith('key,label,amountRupiah')).toBe(true);
  });

  it('read-your-writes: waitForPosition waits for a fresh write, or answers 503 READ_MODEL_STALE', async () => {
    const registration = {
      nib: '3601000000042',
      npwp: '012345678901234',
      name: 'Koperasi Baru Lahir',
      legalForm: 'koperasi',
      kabupatenKotaCode: '3601',
      contact: { email: 'baru@contoh.id', phone: '+62 253 1' },
    };
    const written = await app.request('POST', '/vendors', { token: admin, body: registration });
    expect(written.status).toBe(201);
    const fresh = await get(`/admin/vendors?nib=3601000000042&waitForPosition=${written.body.position}&waitMs=${READ_MODEL_WAIT_MS_MAX}`, admin);
    expect(fresh.status).toBe(200);
    expect(fresh.body.items).toEqual([expect.objectContaining({ vendorId: written.body.vendorId, status: 'pending' })]);
    expect(BigInt(fresh.headers.get('x-read-model-position')!)).toBeGreaterThanOrEqual(BigInt(written.body.position));

    // A position the store has not reached is refused at once, naming the head; no wait is longer than the cap.
    const future = BigInt(written.body.position) + 1_000_000n;
    const beyond = await get(`/admin/vendors?waitForPosition=${future}&waitMs=50`, admin);
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ code: 'POSITION_BEYOND_HEAD', headPosition: (await app.store.headPosition()).toString() });
    const tooLong = await get(`/admin/vendors?waitMs=${READ_MODEL_WAIT_MS_MAX + 1}&waitForPosition=1`, admin);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'waitMs' })]);
  });

  it('rebuild: one projection or all (admin only), then the same rows again', async () => {
    const before = await get('/admin/vendors?limit=500&sort=vendorId', admin);
    expect((await app.request('POST', '/admin/projections/vendors/rebuild', { token: auditor })).status).toBe(403);
    const rebuilt = await app.request('POST', '/admin/projections/vendors/rebuild', { token: admin });
    expect(rebuilt.status).toBe(202);
    expect(rebuilt.body.projections.map((p: { name: string }) => p.name)).toEqual(['vendors']);
    const headNow = (await app.store.headPosition()).toString();
    await projectionsCaughtUp(app, admin, headNow);
    const after = await get(`/admin/vendors?limit=500&sort=vendorId&waitForPosition=${headNow}&waitMs=${WAIT_MS}`, admin);
    expect(after.body.items).toEqual(before.body.items);

    const trialBefore = await get('/admin/journal/trial-balance', admin);
    const all = await app.request('POST', '/admin/projections/rebuild', { token: admin });
    expect(all.status).toBe(202);
    expect(all.body.projections).toHaveLength(PROJECTIONS.length);
    const trialAfter = await get(`/admin/journal/trial-balance?waitForPosition=${headNow}&waitMs=${WAIT_MS}`, admin);
    expect(trialAfter.body).toEqual(trialBefore.body);
    const unknown = await app.request('POST', '/admin/projections/nonsense/rebuild', { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PROJECTION_NOT_FOUND');
  });

  it('documents the read-model endpoints in OpenAPI', async () => {
    const paths = Object.keys((await get('/docs-json')).body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/admin/projections',
        '/admin/projections/rebuild',
        '/admin/projections/{name}/rebuild',
        '/admin/vendors',
        '/admin/listings',
        '/admin/listings/{listingId}/prices',
        '/admin/orders',
        '/admin/orders/{orderId}',
        '/admin/orders/{orderId}/timeline',
        '/admin/cards',
        '/admin/card-holds',
        '/admin/journal/entries',
        '/admin/journal/lines',
        '/admin/journal/balances',
        '/admin/journal/trial-balance',
        '/public/spending',
        '/public/spending/targets',
      ]),
    );
  });
});
