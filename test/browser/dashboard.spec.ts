import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BANTEN_KABUPATEN_KOTA, PROVINCES } from '../../src/vendors/domain/regions.js';
import { axeViolations, collectProblems, launchChromium, openPage, screenshot, seriousOrWorse } from './support/browser.js';
import { type SeededApp, startSeededApp } from './support/seeded-app.js';

const rupiah = (amount: number): string => new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(amount);
const regionLabel = (code: string): string => BANTEN_KABUPATEN_KOTA[code] ?? `Luar Banten (${PROVINCES[code.slice(0, 2)] ?? code})`;
const count = (value: number): string => new Intl.NumberFormat('id-ID').format(value);
/** What the dashboard's table shows per page (src/web/pages/transaksi.ts). */
const TRANSACTION_PAGE_SIZE = 25;
const PAGES = [
  { name: 'ringkasan', path: '/' },
  { name: 'transaksi', path: '/transaksi.html' },
  { name: 'penyedia', path: '/penyedia.html' },
  { name: 'katalog', path: '/katalog.html' },
  { name: 'tanda-bahaya', path: '/tanda-bahaya.html' },
  { name: 'verifikasi', path: '/verifikasi.html' },
];

describe('public dashboard in headless Chromium over a seeded ledger (browser)', () => {
  let seeded: SeededApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  const api = async (path: string): Promise<any> => {
    const response = await seeded.app.request('GET', path);
    expect(response.status).toBe(200);
    return response.body;
  };
  const url = (path: string): string => `${seeded.app.baseUrl}${path}`;
  /** Text of every match (table alternatives sit in closed <details>: textContent, not innerText). */
  const texts = async (selector: string): Promise<string[]> => (await page.locator(selector).allTextContents()).map((text) => text.trim());

  beforeAll(async () => {
    seeded = await startSeededApp('dashboard-browser');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await seeded?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'id-ID', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = collectProblems(page);
  });

  afterEach(async () => {
    await context.close();
  });

  it('Ringkasan loads with its figures equal to the API, charts with table alternatives, no script or CSP errors', async () => {
    await openPage(page, url('/'));
    const summary = await api('/public/summary');
    expect(summary.counts.paidOrders).toBeGreaterThan(0);
    expect(await page.locator('#angka-total').innerText()).toBe(rupiah(summary.spending.amountRupiah));
    expect(await page.locator('#angka-transaksi').innerText()).toBe(count(summary.counts.paidOrders));
    expect(await page.locator('#angka-penyedia').innerText()).toBe(count(summary.counts.verifiedVendors));
    expect(await page.locator('#angka-produk').innerText()).toBe(count(summary.counts.activeListings));
    expect(await page.locator('#angka-opd').innerText()).toBe(count(summary.counts.opds));
    expect(await page.locator('#target-umk strong').getAttribute('data-value')).toBe(String(summary.spending.umkKoperasiSharePercent));
    expect(await page.locator('#target-lokal strong').getAttribute('data-value')).toBe(String(summary.spending.localSharePercent));
    // Five charts, each with its data as a table; the region table lists the API's groups.
    expect(await page.locator('canvas[role="img"][aria-label]').count()).toBe(5);
    expect(await page.locator('details.chart-table table').count()).toBe(5);
    const byRegion = await api('/public/spending?by=kabupaten-kota&sort=-amountRupiah&limit=10');
    const regionRows = await texts('#grafik-wilayah tbody tr td:first-child');
    expect(regionRows).toEqual(byRegion.items.map((group: { key: string }) => regionLabel(group.key)));
    const regionAmounts = await texts('#grafik-wilayah tbody tr td:nth-child(2)');
    expect(regionAmounts).toEqual(byRegion.items.map((group: { amountRupiah: number }) => rupiah(group.amountRupiah)));
    expect(problems).toEqual([]);
  });

  it('Transaksi: the table shows the API page; filtering by kabupaten/kota and category narrows it; paging goes on', async () => {
    await openPage(page, url('/transaksi.html'));
    const all = await api(`/public/transactions?limit=${TRANSACTION_PAGE_SIZE}`);
    expect(await page.locator('#tabel-transaksi tbody tr').count()).toBe(all.items.length);
    expect(await texts('#tabel-transaksi tbody tr td:nth-child(7)')).toEqual(all.items.map((item: { totalRupiah: number }) => rupiah(item.totalRupiah)));

    const first = all.items[0];
    await page.selectOption('#f-wilayah', first.kabupatenKotaCode);
    await page.selectOption('#f-kategori', first.categories[0]);
    await Promise.all([page.waitForURL(/kabupatenKotaCode=/), page.getByRole('button', { name: 'Terapkan' }).click()]);
    await page.waitForSelector('body[data-ready="true"]');
    const filtered = await api(
      `/public/transactions?kabupatenKotaCode=${first.kabupatenKotaCode}&category=${first.categories[0]}&limit=${TRANSACTION_PAGE_SIZE}`,
    );
    expect(filtered.items.length).toBeGreaterThan(0);
    const regions = await texts('#tabel-transaksi tbody tr td:nth-child(4)');
    expect(regions).toHaveLength(filtered.items.length);
    expect(new Set(regions)).toEqual(new Set([BANTEN_KABUPATEN_KOTA[first.kabupatenKotaCode]]));
    expect(await texts('#tabel-transaksi tbody tr td:nth-child(2)')).toEqual(filtered.items.map((item: { orderId: string }) => item.orderId.slice(0, 8)));

    // Paging over the unfiltered list: page 2 is the API's page after the first cursor.
    await openPage(page, url('/transaksi.html'));
    expect(all.nextCursor).not.toBeNull();
    await page.getByRole('button', { name: 'Berikutnya' }).click();
    await page.locator('#halaman', { hasText: 'Halaman 2' }).waitFor();
    const second = await api(`/public/transactions?limit=${TRANSACTION_PAGE_SIZE}&cursor=${encodeURIComponent(all.nextCursor)}`);
    await page
      .locator('#tabel-transaksi tbody tr td:nth-child(2)')
      .first()
      .filter({ hasText: second.items[0].orderId.slice(0, 8) })
      .waitFor();
    expect(await texts('#tabel-transaksi tbody tr td:nth-child(2)')).toEqual(second.items.map((item: { orderId: string }) => item.orderId.slice(0, 8)));
    expect(problems).toEqual([]);
  });

  it('Penyedia: open a vendor from the list; its sales and price histories match the API', async () => {
    await openPage(page, url('/penyedia.html'));
    const vendors = await api('/public/vendors?limit=25');
    const top = vendors.items[0];
    await Promise.all([page.waitForURL(/penyedia\.html\?id=/), page.getByRole('link', { name: top.name, exact: true }).first().click()]);
    await page.waitForSelector('body[data-ready="true"]');
    const profile = await api(`/public/vendors/${top.vendorId}`);
    expect(await page.locator('h1').innerText()).toBe(profile.vendor.name);
    expect(await page.locator('#penjualan-total').innerText()).toBe(rupiah(profile.sales.totals.amountRupiah));
    expect(profile.sales.totals.amountRupiah).toBe(top.salesRupiah);
    expect(await page.locator('#pilih-produk option').count()).toBe(profile.listings.items.length);
    // Choosing another listing redraws its price history; the table alternative lists its prices.
    const listing = profile.listings.items[profile.listings.items.length - 1];
    await page.selectOption('#pilih-produk', listing.listingId);
    const prices = await texts('#grafik-harga tbody tr td:nth-child(2)');
    expect(prices).toEqual(listing.priceHistory.map((point: { priceRupiah: number }) => rupiah(point.priceRupiah)));
    await screenshot(page, 'penyedia-profil');
    expect(problems).toEqual([]);
  });

  it('Katalog: a search by keyword and category shows what the API finds, with a price history on demand', async () => {
    const sample = (await api('/public/catalog?limit=1&sort=-priceChangedAt')).items[0];
    const word =
      String(sample.title)
        .split(/\s+/)
        .find((part: string) => part.length >= 4) ?? sample.title;
    await openPage(page, url('/katalog.html'));
    await page.fill('#k-q', word);
    await page.selectOption('#k-kategori', sample.category);
    await Promise.all([page.waitForURL(/q=/), page.getByRole('button', { name: 'Cari', exact: true }).click()]);
    await page.waitForSelector('body[data-ready="true"]');
    const found = await api(`/public/catalog?q=${encodeURIComponent(word)}&category=${sample.category}&limit=24`);
    expect(found.items.length).toBeGreaterThan(0);
    expect(await texts('#hasil .card-title')).toEqual(found.items.map((item: { title: string }) => item.title));
    const card = page.locator('#hasil .card', { hasText: sample.title }).first();
    await card.locator('summary').click();
    const history = (await api(`/public/catalog/${sample.listingId}?limit=100`)).prices.items;
    await card.locator('tbody tr').first().waitFor();
    expect(await card.locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual(history.map((point: { priceRupiah: number }) => rupiah(point.priceRupiah)));
    expect(problems).toEqual([]);
  });

  it('Tanda bahaya: the page lists the red flags the API reports, and filters them by rule', async () => {
    const flags = await api('/public/red-flags?limit=25');
    expect(flags.items.length).toBeGreaterThan(0);
    await openPage(page, url('/tanda-bahaya.html'));
    expect(await page.locator('#tabel-tanda tbody tr').count()).toBe(flags.items.length);
    expect(await texts('#tabel-tanda tbody tr td:nth-child(6)')).toEqual(
      flags.items.map((flag: { amountRupiah: number | null }) => (flag.amountRupiah === null ? '–' : rupiah(flag.amountRupiah))),
    );
    const rule = flags.items[flags.items.length - 1].rule;
    await page.selectOption('#t-aturan', rule);
    await Promise.all([page.waitForURL(/rule=/), page.getByRole('button', { name: 'Terapkan' }).click()]);
    await page.waitForSelector('body[data-ready="true"]');
    const filtered = await api(`/public/red-flags?rule=${rule}&limit=25`);
    expect(await page.locator('#tabel-tanda tbody tr').count()).toBe(filtered.items.length);
    // Each row links the orders that raised it: the same orders, in the same order, as the API's page.
    const shortIds = (orderIds: string[] | null) => (orderIds ?? []).map((id) => id.slice(0, 8)).join('');
    expect(await texts('#tabel-tanda tbody tr td:nth-child(8)')).toEqual(filtered.items.map((flag: { orderIds: string[] | null }) => shortIds(flag.orderIds)));
    expect(problems).toEqual([]);
  });

  it.each(PAGES)('$name: a screenshot on a desktop and a phone; axe-core finds no serious or critical violation', async ({ name, path }) => {
    await openPage(page, url(path));
    await screenshot(page, name);
    const desktop = seriousOrWorse(await axeViolations(page));
    // A phone opens the page at its own size.
    await page.setViewportSize({ width: 390, height: 844 });
    await openPage(page, url(path));
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, `${name}-ponsel`);
    const phone = seriousOrWorse(await axeViolations(page));
    expect({ desktop, phone }).toEqual({ desktop: [], phone: [] });
    // A page whose service part has not landed asks for it once and shows "Belum tersedia".
    const unavailable = (await page.locator('#belum-tersedia').count()) > 0;
    expect(problems.filter((problem) => !(unavailable && /status of 404|HTTP 404/.test(problem)))).toEqual([]);
  });

  it('keyboard: the skip link comes first and moves to the content; focus is visible', async () => {
    await openPage(page, url('/transaksi.html'));
    await page.keyboard.press('Tab');
    // Evaluated in the page (strings: the test itself compiles without the DOM library).
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Langsung ke isi');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('location.hash')).toBe('#isi');
  });
});
