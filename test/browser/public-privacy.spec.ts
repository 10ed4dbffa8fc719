import type { Browser } from 'playwright-core';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { launchChromium, openPage } from './support/browser.js';
import { type SeededApp, startSeededApp } from './support/seeded-app.js';

const READ_BATCH = 5_000;
const PAGES_MAX = 200;
/** Detail endpoints scanned per kind of id (every vendor; a sample of orders and listings). */
const DETAILS_PER_KIND_MAX = 40;
const DASHBOARD_PAGES = ['/', '/transaksi.html', '/penyedia.html', '/katalog.html', '/tanda-bahaya.html', '/verifikasi.html'];

const NIK_LIKE = /(?<!\d)\d{16}(?!\d)/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /(\+62|\b0)[\s-]?8?\d{2,3}[\s-]?\d{3,4}[\s-]?\d{3,5}\b/;
/** Fields that hold personal data in the events: none of them may appear by name in a public answer. */
const PERSONAL_KEYS = ['officialName', 'holderName', 'cardLast4', 'email', 'phone', 'contact', 'npwp', 'nik'];

interface Secrets {
  readonly names: Set<string>;
  readonly last4: Set<string>;
  readonly emails: Set<string>;
  readonly phones: Set<string>;
}

/** The personal data the seed wrote: cardholder and official names, card last-4, vendor contacts. */
function secretsOf(events: readonly RecordedEvent[]): Secrets {
  const secrets: Secrets = { names: new Set(), last4: new Set(), emails: new Set(), phones: new Set() };
  for (const event of events) {
    const data = event.data as Record<string, any>;
    if (typeof data.holderName === 'string') secrets.names.add(data.holderName);
    if (typeof data.cardLast4 === 'string') secrets.last4.add(data.cardLast4);
    if (typeof data.buyer?.officialName === 'string') secrets.names.add(data.buyer.officialName);
    if (typeof data.contact?.email === 'string') secrets.emails.add(data.contact.email);
    if (typeof data.contact?.phone === 'string') secrets.phones.add(data.contact.phone);
  }
  return secrets;
}

/** Every personal datum found in one text (a JSON answer or a page's HTML). */
function leaks(where: string, text: string, secrets: Secrets): string[] {
  const found: string[] = [];
  for (const name of secrets.names) if (text.includes(name)) found.push(`${where}: name "${name}"`);
  for (const email of secrets.emails) if (text.includes(email)) found.push(`${where}: email ${email}`);
  for (const phone of secrets.phones) if (text.includes(phone)) found.push(`${where}: phone ${phone}`);
  for (const pattern of [NIK_LIKE, EMAIL, PHONE]) {
    const match = pattern.exec(text);
    if (match) found.push(`${where}: ${pattern.source} matched "${match[0]}"`);
  }
  for (const key of PERSONAL_KEYS) if (text.includes(`"${key}"`)) found.push(`${where}: field ${key}`);
  // A card's last four digits as a value of their own ("1234"), not inside an amount or a code.
  for (const last4 of secrets.last4) if (text.includes(`"${last4}"`) || new RegExp(`(?:\\*|•|x)\\s?${last4}\\b`).test(text)) found.push(`${where}: card last-4 ${last4}`);
  return found;
}

describe('no personal data in any public endpoint or the dashboard, over a seeded ledger (browser)', () => {
  let seeded: SeededApp;
  let secrets: Secrets;

  beforeAll(async () => {
    seeded = await startSeededApp('privacy-scan');
    const events = await seeded.app.store.readAll({ maxCount: READ_BATCH });
    expect(events.length).toBeLessThan(READ_BATCH);
    secrets = secretsOf(events);
  }, 180_000);

  afterAll(async () => {
    await seeded?.close();
  });

  it('the seed holds the personal data the scan looks for', () => {
    expect(secrets.names.size).toBeGreaterThan(0);
    expect(secrets.last4.size).toBeGreaterThan(0);
    expect(secrets.emails.size).toBeGreaterThan(0);
    expect(secrets.phones.size).toBeGreaterThan(0);
  });

  it('every public GET in the OpenAPI document, every page of it, answers without personal data', async () => {
    const get = async (path: string) => seeded.app.request('GET', path);
    const paths = Object.entries((await get('/docs-json')).body.paths as Record<string, Record<string, unknown>>)
      .filter(([path, methods]) => /^\/(public|log)\//.test(path) && 'get' in methods)
      .map(([path]) => path);
    expect(paths.length).toBeGreaterThanOrEqual(8);
    const samples: Record<string, string[]> = {
      orderId: (await get('/public/transactions?limit=500')).body.items.map((item: { orderId: string }) => item.orderId).slice(0, DETAILS_PER_KIND_MAX),
      vendorId: (await get('/public/vendors?limit=500')).body.items.map((item: { vendorId: string }) => item.vendorId).slice(0, DETAILS_PER_KIND_MAX),
      listingId: (await get('/public/catalog?limit=500')).body.items.map((item: { listingId: string }) => item.listingId).slice(0, DETAILS_PER_KIND_MAX),
    };
    const found: string[] = [];
    const scanned: string[] = [];
    const scan = async (path: string): Promise<any> => {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
      found.push(...leaks(path, text, secrets));
      scanned.push(path);
      return response.body;
    };
    const scanAllPages = async (path: string): Promise<void> => {
      let cursor: string | null = null;
      for (let page = 0; page < PAGES_MAX; page += 1) {
        const separator = path.includes('?') ? '&' : '?';
        const body = await scan(`${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`);
        cursor = typeof body === 'object' && body !== null ? (body.nextCursor ?? null) : null;
        if (!cursor) return;
      }
      throw new Error(`more than ${PAGES_MAX} pages of ${path}`);
    };
    for (const path of paths) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      if (params.length === 0) {
        if (path === '/public/spending') {
          for (const by of ['opd', 'kabupaten-kota', 'vendor', 'category', 'month', 'scale', 'locality']) await scanAllPages(`${path}?by=${by}&limit=500`);
        } else if (path === '/public/events') {
          await scan(`${path}?limit=${READ_BATCH}`);
        } else {
          await scanAllPages(path.includes('?') ? path : `${path}${/transactions|vendors|catalog/.test(path) ? '?limit=500' : ''}`);
        }
        continue;
      }
      // A path with an id is scanned with sample ids; a new kind of id must be added here.
      expect({ path, params: params.filter((param) => !(param in samples)) }).toEqual({ path, params: [] });
      for (const id of samples[params[0]!]!) await scan(path.replace(`{${params[0]}}`, id));
    }
    expect(scanned.length).toBeGreaterThan(paths.length);
    expect(found).toEqual([]);
  });

  it('the dashboard pages, as rendered with their data, show no personal data', async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      const vendorId = (await seeded.app.request('GET', '/public/vendors?limit=1')).body.items[0].vendorId;
      const orderId = (await seeded.app.request('GET', '/public/transactions?limit=1')).body.items[0].orderId;
      const found: string[] = [];
      for (const path of [...DASHBOARD_PAGES, `/penyedia.html?id=${vendorId}`, `/verifikasi.html?order=${orderId}`]) {
        await openPage(page, `${seeded.app.baseUrl}${path}`);
        // The HTML as rendered: the tables behind "Lihat sebagai tabel" are in it, open or not.
        found.push(...leaks(path, await page.content(), secrets));
      }
      expect(found).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
