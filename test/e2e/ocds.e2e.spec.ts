import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { generateHistory } from '../support/generated-history.js';
import { recordPackageErrors, releasePackageErrors } from '../support/ocds-schema.js';
import { TestApp } from '../support/test-app.js';

const PREFIX = 'ocds-e2e001';
const PUBLISHER = 'Bela Pengadaan (uji)';
const PROBLEM = 'application/problem+json';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** Pages a client follows in this session; the market below has far fewer. */
const FOLLOW_PAGES_MAX = 200;

describe('a member of the public reads the OCDS open data over HTTP (e2e)', () => {
  let dataDir: string;
  let app: TestApp;
  let events: RecordedEvent[];
  let orderIds: string[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bela-ocds-e2e-'));
    await generateHistory(dataDir, { seed: 'ocds-e2e', targetEvents: 1_000, vendorCount: 20 });
    app = await TestApp.start({ dataDir, env: { OCDS_PREFIX: PREFIX, OCDS_PUBLISHER_NAME: PUBLISHER } });
    events = await app.store.readAll({ maxCount: 10_000 });
    orderIds = events.filter((event) => event.type === 'OrderPlaced').map((event) => (event.data as { orderId: string }).orderId);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string) => app.request('GET', path);

  /** Follows Link rel="next" from a first page; returns every page's body. */
  async function follow(path: string): Promise<any[]> {
    const bodies: any[] = [];
    let next: string | null = path;
    for (let page = 0; next !== null && page < FOLLOW_PAGES_MAX; page += 1) {
      const response = await get(next);
      expect(response.status).toBe(200);
      bodies.push(response.body);
      const link = response.headers.get('link');
      const target = link === null ? null : new URL(/^<([^>]+)>; rel="next"$/.exec(link)![1]!);
      next = target === null ? null : `${target.pathname}${target.search}`;
    }
    expect(next).toBeNull();
    return bodies;
  }

  it("opens one order's release package and record package without a key", async () => {
    const ocid = `${PREFIX}-${orderIds[0]}`;
    const releases = await get(`/public/ocds/releases/${ocid}`);
    expect(releases.status).toBe(200);
    expect(releases.headers.get('content-type')).toContain('application/json');
    expect(releasePackageErrors(releases.body)).toEqual([]);
    expect(releases.body).toMatchObject({ version: '1.1', publisher: { name: PUBLISHER }, license: expect.stringContaining('creativecommons.org') });
    expect(releases.body.releases[0]).toMatchObject({ ocid, tag: ['tender'], tender: { procurementMethod: 'direct' } });
    const again = await get(`/public/ocds/releases/${ocid}`);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(releases.body));
    const records = await get(`/public/ocds/records/${ocid}`);
    expect(records.status).toBe(200);
    expect(recordPackageErrors(records.body)).toEqual([]);
    expect(records.body.records[0].compiledRelease.tag).toEqual(['compiled']);
  });

  it('pages through the whole ledger by period: every release once, every ocid once, each page valid', async () => {
    const releasePages = await follow('/public/ocds/release-packages?limit=60');
    expect(releasePages.length).toBeGreaterThan(1);
    for (const page of releasePages) expect(releasePackageErrors(page)).toEqual([]);
    const releaseIds = releasePages.flatMap((page) => page.releases.map((release: { id: string }) => release.id));
    expect(new Set(releaseIds).size).toBe(releaseIds.length);
    expect(releaseIds.length).toBe(events.filter((event) => event.streamId.startsWith('order-')).length);
    const recordPages = await follow('/public/ocds/record-packages?limit=25');
    for (const page of recordPages) expect(recordPackageErrors(page)).toEqual([]);
    const ocids = recordPages.flatMap((page) => page.records.map((record: { ocid: string }) => record.ocid));
    expect(ocids.sort()).toEqual(orderIds.map((orderId) => `${PREFIX}-${orderId}`).sort());
    const from = encodeURIComponent(events[0]!.created.toISOString());
    const to = encodeURIComponent(events.at(-1)!.created.toISOString());
    const bounded = await follow(`/public/ocds/release-packages?from=${from}&to=${to}&limit=200`);
    expect(bounded.flatMap((page) => page.releases.map((release: { id: string }) => release.id))).toEqual(releaseIds);
  });

  it('links every package to a publication policy it can read', async () => {
    const pkg = (await get(`/public/ocds/releases/${PREFIX}-${orderIds[0]}`)).body;
    const policy = await get(new URL(pkg.publicationPolicy).pathname);
    expect(policy.status).toBe(200);
    expect(policy.headers.get('content-type')).toContain('text/plain');
    expect(policy.body).toContain(PREFIX);
  });

  it('answers an unknown or foreign ocid with 404 OCID_NOT_FOUND', async () => {
    for (const ocid of [`${PREFIX}-${UNKNOWN_ID}`, `ocds-other1-${orderIds[0]}`, 'not-an-ocid', `${PREFIX}-${orderIds[0]}-x`]) {
      for (const path of [`/public/ocds/releases/${encodeURIComponent(ocid)}`, `/public/ocds/records/${encodeURIComponent(ocid)}`]) {
        const response = await get(path);
        expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 404, expect.stringContaining(PROBLEM)]);
        expect(response.body.code).toBe('OCID_NOT_FOUND');
      }
    }
  });

  it('answers bad periods with 400 problems naming the parameter, and an empty period with 404', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['to=2026-11-01', 'to'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'],
      ['limit=0', 'limit'],
      ['limit=100000', 'limit'],
      ['cursor=-1', 'cursor'],
    ];
    for (const [query, field] of cases) {
      for (const path of ['release-packages', 'record-packages']) {
        const response = await get(`/public/ocds/${path}?${query}`);
        expect([query, response.status, response.headers.get('content-type')]).toEqual([query, 400, expect.stringContaining(PROBLEM)]);
        expect(response.body.code).toBe('INVALID_OCDS_PERIOD');
        expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      }
    }
    expect((await get('/public/ocds/release-packages?page=2')).status).toBe(400);
    const empty = await get('/public/ocds/release-packages?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z');
    expect([empty.status, empty.body.code]).toEqual([404, 'NO_RELEASES_IN_PERIOD']);
  });

  it('publishes no personal data in any OCDS answer', async () => {
    const personal = new Set<string>();
    for (const event of events) {
      const data = event.data as Record<string, any>;
      if (event.type === 'CardIssued') [data.holderName, `"${data.cardLast4}"`].forEach((value) => personal.add(value));
      if (event.type === 'OrderPlaced') personal.add(data.buyer.officialName);
      if (event.type === 'VendorRegistered') [data.npwp, data.contact.email, data.contact.phone].forEach((value) => personal.add(value));
    }
    const texts = [
      ...(await follow('/public/ocds/release-packages?limit=200')).map((body) => JSON.stringify(body)),
      ...(await follow('/public/ocds/record-packages?limit=100')).map((body) => JSON.stringify(body)),
    ];
    for (const text of texts) {
      for (const value of personal) expect(text.includes(value) ? value : null).toBeNull();
      expect(text.match(/(?<!\d)\d{16}(?!\d)/g)).toBeNull();
      expect(text.match(/[\w.+-]+@[\w-]+\.[\w.]+/g)).toBeNull();
    }
  });
});
