import type { Browser } from 'playwright-core';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { launchChromium, openPage } from './support/browser.js';
import { type SeededApp, startSeededApp } from './support/seeded-app.js';

const READ_BATCH = 5_000;
const PUBLIC_EVENTS_LINES = 1_000;
const LOG_LEAVES_PAGE = 1_000;
const PAGES_MAX = 200;
/** Detail endpoints scanned per kind of id (every vendor; a sample of orders and listings). */
const DETAILS_PER_KIND_MAX = 40;
const LOG_POLLS_MAX = 150;
const LOG_POLL_INTERVAL_MS = 200;
const DASHBOARD_PAGES = ['/', '/transaksi.html', '/penyedia.html', '/katalog.html', '/tanda-bahaya.html', '/verifikasi.html'];

// Standing alone: not inside a hash, an id or a cursor (hex, base64 and UUIDs are full of digit runs).
const NIK_LIKE = /(?<![0-9A-Za-z_-])\d{16}(?![0-9A-Za-z_-])/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /(?<![0-9A-Za-z_-])(\+62[\s-]?\d{2,4}[\s-]?\d{3,4}[\s-]?\d{0,5}|08\d{2}[\s-]?\d{3,4}[\s-]?\d{3,5})(?![0-9A-Za-z_-])/;
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
  // A card's last four digits leave only through the cardLast4 field (checked above) or written
  // masked ("**** 1234"); as bare numbers they are indistinguishable from positions and revisions.
  for (const last4 of secrets.last4) if (new RegExp(`(?:\\*|•|x|X){2,}[\\s-]?${last4}(?!\\d)`).test(text)) found.push(`${where}: card last-4 ${last4}`);
  return found;
}

/**
 * Over the built service: every public GET its OpenAPI document lists (the transparency log and
 * OCDS included), each page of it, and every dashboard page as rendered with its data.
 */
describe('no personal data in any public endpoint or the dashboard, over a seeded ledger (browser)', () => {
  let seeded: SeededApp;
  let secrets: Secrets;

  const get = async (path: string): Promise<{ status: number; text: string; json: any; link: string | null }> => {
    const response = await fetch(`${seeded.app.baseUrl}${path}`);
    const text = await response.text();
    // JSON answers are parsed (for paging); NDJSON, text and tiles are scanned as text only.
    const json = /^application\/(problem\+)?json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined;
    return { status: response.status, text, json, link: response.headers.get('link') };
  };

  beforeAll(async () => {
    seeded = await startSeededApp('privacy-scan');
    const events = await seeded.app.store.readAll({ maxCount: READ_BATCH });
    expect(events.length).toBeLessThan(READ_BATCH);
    secrets = secretsOf(events);
  }, 180_000);

  afterAll(async () => {
    await seeded?.close();
  });

  it('the seed holds the personal data the scan looks for, and the scan finds each kind when it is there', () => {
    expect(secrets.names.size).toBeGreaterThan(0);
    expect(secrets.last4.size).toBeGreaterThan(0);
    expect(secrets.emails.size).toBeGreaterThan(0);
    expect(secrets.phones.size).toBeGreaterThan(0);
    const [name] = secrets.names;
    const [email] = secrets.emails;
    const [phone] = secrets.phones;
    const [last4] = secrets.last4;
    const planted = [
      `{"buyer":"${name}"}`,
      `kontak ${email}`,
      `telepon ${phone}`,
      'NIK 3601234567890123',
      `kartu **** ${last4}`,
      '{"holderName":"x"}',
      'HP 0812-3456-7890',
    ];
    for (const text of planted) expect({ text, found: leaks('probe', text, secrets).length > 0 }).toEqual({ text, found: true });
  });

  it('every public GET in the OpenAPI document, every page of it, answers without personal data', async () => {
    const head = await waitForLog();
    const paths = Object.entries((await get('/docs-json')).json.paths as Record<string, Record<string, unknown>>)
      .filter(([path, methods]) => /^\/(public|log)\//.test(path) && 'get' in methods)
      .map(([path]) => path);
    const ids = (items: any[], field: string): string[] => items.map((item) => String(item[field])).slice(0, DETAILS_PER_KIND_MAX);
    const orderIds = ids((await get('/public/transactions?limit=500')).json.items, 'orderId');
    const vendorIds = ids((await get('/public/vendors?limit=500')).json.items, 'vendorId');
    const listingIds = ids((await get('/public/catalog?limit=500')).json.items, 'listingId');
    const ocids = ids((await get('/public/ocds/release-packages')).json.releases, 'ocid');
    const flagIds = ids((await get('/public/red-flags?limit=500')).json.items, 'flagId');
    const leafIndexes = Array.from({ length: DETAILS_PER_KIND_MAX }, (_, index) => String(Math.floor((index * head) / DETAILS_PER_KIND_MAX)));
    const leafPages = Array.from(
      { length: Math.ceil(head / LOG_LEAVES_PAGE) },
      (_, page) => `/log/leaves?start=${page * LOG_LEAVES_PAGE}&end=${Math.min(head, (page + 1) * LOG_LEAVES_PAGE)}`,
    );
    /** The requests that cover each public path; a path missing here (a new endpoint) fails the test until it is added. */
    const requests: Record<string, string[]> = {
      '/public/summary': ['/public/summary'],
      '/public/spending': ['opd', 'kabupaten-kota', 'vendor', 'category', 'month', 'scale', 'locality'].map((by) => `/public/spending?by=${by}&limit=500`),
      '/public/spending/targets': ['/public/spending/targets'],
      '/public/transactions': ['/public/transactions?limit=500'],
      '/public/transactions/{orderId}': orderIds.map((id) => `/public/transactions/${id}`),
      '/public/vendors': ['/public/vendors?limit=500'],
      '/public/vendors/{vendorId}': vendorIds.map((id) => `/public/vendors/${id}`),
      '/public/catalog': ['/public/catalog?limit=500'],
      '/public/catalog/{listingId}': listingIds.map((id) => `/public/catalog/${id}?limit=500`),
      '/public/events': [`/public/events?limit=${PUBLIC_EVENTS_LINES}`, `/public/events?limit=${PUBLIC_EVENTS_LINES}&fromPosition=${PUBLIC_EVENTS_LINES}`],
      '/public/ocds/releases/{ocid}': ocids.map((ocid) => `/public/ocds/releases/${encodeURIComponent(ocid)}`),
      '/public/ocds/records/{ocid}': ocids.map((ocid) => `/public/ocds/records/${encodeURIComponent(ocid)}`),
      '/public/ocds/release-packages': ['/public/ocds/release-packages'],
      '/public/ocds/record-packages': ['/public/ocds/record-packages'],
      '/public/ocds/publication-policy': ['/public/ocds/publication-policy'],
      '/public/red-flags': ['/public/red-flags?limit=500'],
      '/public/red-flags/{flagId}': flagIds.map((id) => `/public/red-flags/${id}`),
      '/log/checkpoint': ['/log/checkpoint'],
      '/log/key': ['/log/key'],
      '/log/proofs/inclusion': leafIndexes.map((index) => `/log/proofs/inclusion?leafIndex=${index}`),
      '/log/proofs/stream': [
        ...orderIds.map((id) => `/log/proofs/stream?streamId=order-${id}`),
        ...vendorIds.map((id) => `/log/proofs/stream?streamId=vendor-${id}`),
      ],
      '/log/proofs/consistency': ['/log/proofs/consistency?from=1'],
      '/log/leaves': leafPages,
      '/log/tile/{path}': ['/log/tile/entries/000', '/log/tile/0/000'],
    };
    expect(paths.filter((path) => !(path in requests))).toEqual([]);
    const found: string[] = [];
    let scanned = 0;
    for (const path of paths) {
      for (const first of requests[path]!) {
        let next: string | null = first;
        for (let page = 0; next && page < PAGES_MAX; page += 1) {
          const response = await get(next);
          expect({ url: next, status: response.status }).toEqual({ url: next, status: 200 });
          found.push(...leaks(next, response.text, secrets));
          scanned += 1;
          next = nextPage(next, response.json, response.link);
        }
      }
    }
    expect(scanned).toBeGreaterThan(paths.length);
    expect(found).toEqual([]);
  });

  it('the dashboard pages, as rendered with their data, show no personal data', async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      const vendorId = (await get('/public/vendors?limit=1')).json.items[0].vendorId;
      const orderId = (await get('/public/transactions?status=paid&limit=1')).json.items[0].orderId;
      await waitForLog();
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

  /** Waits (bounded) until the log has signed a checkpoint over every event; its tree size. */
  async function waitForLog(): Promise<number> {
    // Positions in the embedded store are dense from 1: the head position is the number of events.
    const head = await eventCount();
    for (let poll = 0; poll < LOG_POLLS_MAX; poll += 1) {
      const checkpoint = await get('/log/checkpoint');
      const size = Number(checkpoint.text.split('\n')[1]);
      if (checkpoint.status === 200 && size >= head) return size;
      await new Promise((resolve) => setTimeout(resolve, LOG_POLL_INTERVAL_MS));
    }
    throw new Error(`the log did not sign a checkpoint over ${head} events after ${LOG_POLLS_MAX} polls`);
  }

  async function eventCount(): Promise<number> {
    return Number(await seeded.app.store.headPosition());
  }
});

/** The next page of a paged answer: a nextCursor in the body, or an OCDS Link rel="next" (its path, on this service). */
function nextPage(current: string, body: any, link: string | null): string | null {
  if (body && typeof body === 'object' && typeof body.nextCursor === 'string') {
    const url = new URL(current, 'http://service');
    url.searchParams.set('cursor', body.nextCursor);
    return `${url.pathname}${url.search}`;
  }
  const next = link ? /<([^>]+)>;\s*rel="next"/.exec(link) : null;
  if (!next) return null;
  const url = new URL(next[1]!, 'http://service');
  return `${url.pathname}${url.search}`;
}
