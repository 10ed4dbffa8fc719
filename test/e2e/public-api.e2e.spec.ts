import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHistory } from '../support/generated-history.js';
import { projectionsCaughtUp } from '../support/projections-caught-up.js';
import { TestApp } from '../support/test-app.js';

const PAGES_MAX = 100;
const TRANSACTION_FIELDS = [
  'categories',
  'kabupatenKotaCode',
  'kabupatenKotaName',
  'opdCode',
  'opdName',
  'orderId',
  'paidAt',
  'paidRupiah',
  'placedAt',
  'status',
  'totalRupiah',
  'vendorId',
  'vendorName',
  'vendorScale',
];
const PROBLEM = 'application/problem+json';

describe('public API: figures, transactions, vendors, catalog, caching and rate limits (e2e)', () => {
  let dataDir: string;
  let app: TestApp;

  const get = (path: string, headers?: Record<string, string>) => app.request('GET', path, headers ? { headers } : {});
  const ok = async (path: string): Promise<any> => {
    const response = await get(path);
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return response.body;
  };
  async function allPages(path: string): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < PAGES_MAX; page += 1) {
      const separator = path.includes('?') ? '&' : '?';
      const body = await ok(`${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`more than ${PAGES_MAX} pages of ${path}`);
  }
  const sum = (items: readonly { amountRupiah: number }[]) => items.reduce((total, item) => total + item.amountRupiah, 0);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bela-public-api-'));
    const history = await generateHistory(dataDir, { seed: 'public-api-e2e', targetEvents: 1_500, vendorCount: 30, ordersPerDay: 30 });
    app = await TestApp.start({ dataDir, env: { PUBLIC_RATE_LIMIT_MAX: '100000' } });
    await projectionsCaughtUp(app, app.issueKey('admin'), history.headPosition);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GET /public/summary: totals agree with every breakdown and with the transactions', async () => {
    const summary = await ok('/public/summary');
    expect(summary.spending.amountRupiah).toBeGreaterThan(0);
    expect(summary.targetPercent).toBe(40);
    for (const by of ['kabupaten-kota', 'opd', 'vendor', 'category', 'month']) {
      const groups = await allPages(`/public/spending?by=${by}&limit=500`);
      expect({ by, amountRupiah: sum(groups) }).toEqual({ by, amountRupiah: summary.spending.amountRupiah });
    }
    const paid = await allPages('/public/transactions?status=paid&limit=500');
    expect(paid).toHaveLength(summary.counts.paidOrders);
    expect(paid.reduce((total, item) => total + item.paidRupiah, 0)).toBe(summary.spending.amountRupiah);
    expect(await allPages('/public/transactions?limit=500')).toHaveLength(summary.counts.orders);
    const targets = await ok('/public/spending/targets');
    expect(targets.overall.umkKoperasiSharePercent).toBe(summary.spending.umkKoperasiSharePercent);
    expect(targets.overall.localSharePercent).toBe(summary.spending.localSharePercent);
  });

  it('GET /public/transactions: public facts only, newest first, every filter narrows to what it names', async () => {
    const page = await ok('/public/transactions?limit=50');
    expect(page.items.length).toBe(50);
    for (const item of page.items) expect(Object.keys(item).sort()).toEqual(TRANSACTION_FIELDS);
    const placed = page.items.map((item: { placedAt: string }) => item.placedAt);
    expect(placed).toEqual([...placed].sort().reverse());
    const sample = page.items[0];
    const checks: [string, (item: any) => boolean][] = [
      [`kabupatenKotaCode=${sample.kabupatenKotaCode}`, (item) => item.kabupatenKotaCode === sample.kabupatenKotaCode],
      [`category=${sample.categories[0]}`, (item) => item.categories.includes(sample.categories[0])],
      [`vendorId=${sample.vendorId}`, (item) => item.vendorId === sample.vendorId],
      [`opdCode=${sample.opdCode}`, (item) => item.opdCode === sample.opdCode],
      ['status=cancelled', (item) => item.status === 'cancelled'],
      [`placedFrom=${encodeURIComponent(sample.placedAt)}`, (item) => item.placedAt >= sample.placedAt],
      ['minTotalRupiah=10000000', (item) => item.totalRupiah >= 10_000_000],
    ];
    for (const [filter, holds] of checks) {
      const items = await allPages(`/public/transactions?${filter}&limit=500`);
      expect({ filter, found: items.length > 0 }).toEqual({ filter, found: true });
      expect({ filter, bad: items.filter((item) => !holds(item)).map((item) => item.orderId) }).toEqual({ filter, bad: [] });
    }
  });

  it('GET /public/transactions/:orderId: its facts, lines and events with their public view; 404 and 400 as problems', async () => {
    const [sample] = (await ok('/public/transactions?status=paid&limit=1')).items;
    const detail = await ok(`/public/transactions/${sample.orderId}`);
    expect(detail.transaction).toMatchObject({ orderId: sample.orderId, status: 'paid', totalRupiah: sample.totalRupiah, opdName: sample.opdName });
    expect(detail.lines.length).toBeGreaterThan(0);
    expect(detail.lines.reduce((total: number, line: { lineTotalRupiah: number }) => total + line.lineTotalRupiah, 0)).toBeLessThanOrEqual(sample.totalRupiah);
    expect(detail.events.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderPaid']));
    for (const event of detail.events) expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const placed = detail.events.find((event: { type: string }) => event.type === 'OrderPlaced');
    expect(JSON.stringify(placed.publicView)).not.toContain('officialName');
    const missing = await get('/public/transactions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain(PROBLEM);
    expect((await get('/public/transactions/not-a-uuid')).status).toBe(400);
  });

  it('GET /public/vendors and /public/vendors/:id: the public profile, sales equal to the spending figures, listings with price histories', async () => {
    const vendors = await allPages('/public/vendors?limit=500');
    expect(vendors.length).toBe((await ok('/public/summary')).counts.vendors);
    const top = vendors[0];
    expect(vendors.map((vendor) => vendor.salesRupiah)).toEqual([...vendors.map((vendor) => vendor.salesRupiah)].sort((a, b) => b - a));
    const profile = await ok(`/public/vendors/${top.vendorId}`);
    expect(Object.keys(profile.vendor).sort()).toEqual([
      'isLocal',
      'kabupatenKotaCode',
      'kabupatenKotaName',
      'legalForm',
      'name',
      'registeredAt',
      'scale',
      'status',
      'vendorId',
      'verifiedAt',
    ]);
    const spending = await ok(`/public/spending?by=vendor&vendorId=${top.vendorId}`);
    expect(profile.sales.totals.amountRupiah).toBe(spending.totals.amountRupiah);
    expect(profile.sales.totals.amountRupiah).toBe(top.salesRupiah);
    expect(sum(profile.sales.byMonth)).toBe(top.salesRupiah);
    expect(sum(profile.sales.byCategory)).toBe(top.salesRupiah);
    expect(profile.listings.items.length).toBeGreaterThan(0);
    for (const listing of profile.listings.items) {
      expect(listing.priceHistory.length).toBeGreaterThan(0);
      expect(listing.priceHistory[listing.priceHistory.length - 1].priceRupiah).toBe(listing.priceRupiah);
    }
    const found = await ok(`/public/vendors?q=${encodeURIComponent(top.name.slice(0, 6).toLowerCase())}`);
    expect(found.items.map((vendor: { vendorId: string }) => vendor.vendorId)).toContain(top.vendorId);
    expect((await get('/public/vendors/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('GET /public/catalog: search and every filter; keyset pages without repeats; a listing with its price history', async () => {
    const all = await allPages('/public/catalog?limit=37');
    expect(new Set(all.map((item) => item.listingId)).size).toBe(all.length);
    const sample = all.find((item) => item.priceChangeCount > 0) ?? all[0];
    const word = String(sample.title).split(/\s+/)[0]!.toLowerCase();
    const checks: [string, (item: any) => boolean][] = [
      [`q=${encodeURIComponent(word)}`, (item) => `${item.title} ${item.vendorName}`.toLowerCase().includes(word)],
      [`category=${sample.category}`, (item) => item.category === sample.category],
      [`kabupatenKotaCode=${sample.kabupatenKotaCode}`, (item) => item.kabupatenKotaCode === sample.kabupatenKotaCode],
      [`vendorId=${sample.vendorId}`, (item) => item.vendorId === sample.vendorId],
      [`minPriceRupiah=${sample.priceRupiah}&maxPriceRupiah=${sample.priceRupiah}`, (item) => item.priceRupiah === sample.priceRupiah],
    ];
    for (const [filter, holds] of checks) {
      const items = await allPages(`/public/catalog?${filter}&limit=500`);
      expect({ filter, found: items.some((item) => item.listingId === sample.listingId) }).toEqual({ filter, found: true });
      expect({ filter, bad: items.filter((item) => !holds(item)).map((item) => item.listingId) }).toEqual({ filter, bad: [] });
    }
    const vendor = await ok(`/public/vendors/${sample.vendorId}`);
    expect(vendor.vendor.kabupatenKotaCode).toBe(sample.kabupatenKotaCode);
    const listing = await ok(`/public/catalog/${sample.listingId}`);
    expect(listing.listing).toMatchObject({ listingId: sample.listingId, priceRupiah: sample.priceRupiah });
    expect(listing.prices.items.length).toBe(sample.priceChangeCount + 1);
    expect(listing.prices.items[listing.prices.items.length - 1].priceRupiah).toBe(sample.priceRupiah);
    expect(Object.keys(listing.prices.items[0]).sort()).toEqual(['effectiveAt', 'position', 'previousPriceRupiah', 'priceRupiah']);
    expect((await get('/public/catalog/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('bad input is a 400 problem, never a 500; public queries take no waitForPosition', async () => {
    const bad = [
      '/public/transactions?status=bogus',
      '/public/transactions?kabupatenKotaCode=36',
      '/public/transactions?placedFrom=yesterday',
      '/public/transactions?limit=0',
      '/public/transactions?limit=501',
      '/public/transactions?cursor=not-a-cursor',
      '/public/transactions?sort=opdName',
      '/public/transactions?waitForPosition=1',
      '/public/transactions?unknown=1',
      '/public/catalog?minPriceRupiah=-1',
      '/public/catalog?maxPriceRupiah=abc',
      `/public/catalog?q=${'x'.repeat(101)}`,
      '/public/catalog?category=senjata',
      '/public/catalog?vendorId=42',
      '/public/vendors?isLocal=maybe',
      '/public/spending?waitForPosition=1',
      '/public/red-flags?waitForPosition=1',
      '/public/red-flags?waitMs=100',
      '/public/red-flags/00000000-0000-4000-8000-000000000000?waitForPosition=0',
      '/public/spending/targets?waitForPosition=1&waitMs=60000',
      '/public/summary?x=1',
    ];
    for (const path of bad) {
      const response = await get(path);
      expect({ path, status: response.status, type: response.headers.get('content-type')?.split(';')[0] }).toEqual({ path, status: 400, type: PROBLEM });
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    // A cursor of another query is refused; hostile search text is only text.
    const first = await ok('/public/catalog?limit=2&sort=priceRupiah');
    expect((await get(`/public/catalog?limit=2&cursor=${first.nextCursor}`)).status).toBe(400);
    expect((await ok(`/public/catalog?q=${encodeURIComponent("%' OR 1=1 --")}`)).items).toEqual([]);
  });

  it('ETag over the body and a short Cache-Control; If-None-Match answers 304 without a body', async () => {
    for (const path of ['/public/summary', '/public/transactions?limit=5', '/public/catalog?q=a', '/public/spending?by=month', '/public/spending/targets']) {
      const first = await get(path);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(first.headers.get('cache-control')).toBe('public, max-age=30');
      expect(first.headers.get('x-read-model-position')).toMatch(/^\d+$/);
      const again = await get(path, { 'if-none-match': etag! });
      expect({ path, status: again.status, body: again.body }).toEqual({ path, status: 304, body: '' });
      expect(again.headers.get('etag')).toBe(etag);
      expect((await get(path, { 'if-none-match': '"something-else"' })).status).toBe(200);
    }
    const one = (await get('/public/transactions?limit=5')).headers.get('etag');
    const other = (await get('/public/transactions?limit=6')).headers.get('etag');
    expect(one).not.toBe(other);
  });

  it('rate limit per address: past the limit a 429 problem with Retry-After; other paths are not counted', async () => {
    const limited = await TestApp.start({
      dataDir: mkdtempSync(join(tmpdir(), 'bela-public-limit-')),
      env: { PUBLIC_RATE_LIMIT_MAX: '3', PUBLIC_RATE_LIMIT_WINDOW_MS: '60000' },
    });
    try {
      for (let request = 0; request < 3; request += 1) expect((await limited.request('GET', '/public/summary')).status).toBe(200);
      const refused = await limited.request('GET', '/public/catalog');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain(PROBLEM);
      expect(refused.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited.request('GET', '/health')).status).toBe(200);
    } finally {
      await limited.close();
      rmSync(limited.dataDir, { recursive: true, force: true });
    }
  });
});
