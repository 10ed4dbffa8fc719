import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { DomainError } from '../../src/kernel/errors.js';
import { ocidOf } from '../../src/ocds/ocid.js';
import { OcdsExporter } from '../../src/ocds/ocds-exporter.js';
import type { PeriodPageRequest } from '../../src/ocds/ocds-period.js';
import type { OcdsPublication } from '../../src/ocds/ocds-publication.js';
import type { OcdsRecordPackage, OcdsRelease, OcdsReleasePackage } from '../../src/ocds/ocds-release.types.js';
import { generateHistory, readEverything } from '../support/generated-history.js';
import { recordPackageErrors, releasePackageErrors } from '../support/ocds-schema.js';
import { PROJECT_ROOT } from '../support/test-app.js';

const TARGET_EVENTS = 2_000;
const VENDORS = 30;
const SUITE_STEP_MS = 5 * 60_000;
const CLI_JS = join(PROJECT_ROOT, 'dist', 'src', 'cli.js');
const CLI_TIMEOUT_MS = 120_000;
/** Pages a whole-ledger walk may take in this suite (2,000 events hold far fewer releases than this many pages). */
const WALK_PAGES_MAX = 1_000;
const PUBLICATION: OcdsPublication = {
  ocidPrefix: 'ocds-demo00',
  publisher: { name: 'Bela Pengadaan (LKPP)' },
  licenseUrl: 'https://creativecommons.org/licenses/by/4.0/',
  publicationPolicyUrl: 'http://127.0.0.1:3000/public/ocds/publication-policy',
  baseUrl: 'http://127.0.0.1:3000',
};

/** Every page of a period, following the cursors. */
async function walk<P>(request: PeriodPageRequest, page: (request: PeriodPageRequest) => Promise<{ package: P; nextCursor?: bigint }>): Promise<P[]> {
  const packages: P[] = [];
  let next: PeriodPageRequest = request;
  for (let count = 0; count < WALK_PAGES_MAX; count += 1) {
    const answer = await page(next);
    packages.push(answer.package);
    if (answer.nextCursor === undefined) return packages;
    next = { ...request, cursor: answer.nextCursor };
  }
  throw new Error(`more than ${WALK_PAGES_MAX} pages`);
}

/**
 * The personal data the generated market wrote: cardholders' and officials' names, card digits,
 * vendors' contacts and NPWPs (a sole trader's NPWP is the owner's NIK).
 */
function personalValues(events: readonly RecordedEvent[]): string[] {
  const values = new Set<string>();
  for (const event of events) {
    const data = event.data as Record<string, any>;
    if (event.type === 'CardIssued') {
      values.add(data.holderName);
      values.add(`"${data.cardLast4}"`);
    }
    if (event.type === 'OrderPlaced') values.add(data.buyer.officialName);
    if (event.type === 'VendorRegistered' || event.type === 'VendorProfileUpdated') {
      values.add(data.contact.email);
      values.add(data.contact.phone);
    }
    if (event.type === 'VendorRegistered') values.add(data.npwp);
  }
  return [...values].filter((value) => typeof value === 'string' && value.length > 0);
}

function expectNoPersonalData(text: string, personal: readonly string[]): void {
  for (const value of personal) expect(text.includes(value) ? value : null).toBeNull();
  expect(text.match(/(?<!\d)\d{16}(?!\d)/g)).toBeNull();
  expect(text.match(/[\w.+-]+@[\w-]+\.[\w.]+/g)).toBeNull();
  expect(text.match(/(\+62|\b08)[\d -]{8,}/g)).toBeNull();
  for (const field of ['holderName', 'cardLast4', 'officialName', 'contact', 'npwp', 'reason', 'note', 'bastNumber']) expect(text).not.toContain(`"${field}"`);
}

describe('OCDS export over a generated market (integration)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let exporter: OcdsExporter;
  let events: RecordedEvent[];
  let orderIds: string[];
  let orderEventCount: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-ocds-'));
    await generateHistory(dir, { seed: 'ocds-export', targetEvents: TARGET_EVENTS, vendorCount: VENDORS });
    store = SqliteEventStore.open(join(dir, 'events.db'));
    exporter = new OcdsExporter(store, PUBLICATION);
    events = await readEverything(store);
    orderIds = events.filter((event) => event.type === 'OrderPlaced').map((event) => (event.data as { orderId: string }).orderId);
    orderEventCount = events.filter((event) => event.streamId.startsWith('order-')).length;
  }, SUITE_STEP_MS);

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the market holds orders in every end state', () => {
    const types = new Set(events.map((event) => event.type));
    for (const type of ['OrderPaid', 'OrderRejected', 'OrderCancelled', 'OrderAccepted', 'OrderShipped', 'OrderReceived']) expect(types).toContain(type);
    expect(orderIds.length).toBeGreaterThan(50);
  });

  it("each order's release and record packages validate, one release per order event, ocids unique", async () => {
    const ocids = new Set<string>();
    const releaseIds = new Set<string>();
    let releaseCount = 0;
    for (const orderId of orderIds) {
      const ocid = ocidOf(PUBLICATION.ocidPrefix, orderId);
      const releases = await exporter.releasePackageOfOrder(ocid);
      expect(releasePackageErrors(releases)).toEqual([]);
      expect(new Set(releases.releases.map((release) => release.ocid))).toEqual(new Set([ocid]));
      const records = await exporter.recordPackageOfOrder(ocid);
      expect(recordPackageErrors(records)).toEqual([]);
      expect(records.records[0]!.releases).toEqual(releases.releases);
      ocids.add(ocid);
      for (const release of releases.releases) releaseIds.add(release.id);
      releaseCount += releases.releases.length;
    }
    expect(ocids.size).toBe(orderIds.length);
    expect(releaseIds.size).toBe(releaseCount);
    expect(releaseCount).toBe(orderEventCount);
  });

  it('the whole ledger, paged by period, validates and holds each release exactly once; records each ocid once', async () => {
    const releasePages = await walk({ limit: 97 }, (request) => exporter.releasePackageOfPeriod(request));
    expect(releasePages.length).toBeGreaterThan(1);
    for (const page of releasePages) expect(releasePackageErrors(page)).toEqual([]);
    const ids = releasePages.flatMap((page) => page.releases.map((release) => release.id));
    expect(ids.length).toBe(orderEventCount);
    expect(new Set(ids).size).toBe(ids.length);
    const recordPages = await walk({ limit: 41 }, (request) => exporter.recordPackageOfPeriod(request));
    expect(recordPages.length).toBeGreaterThan(1);
    for (const page of recordPages) expect(recordPackageErrors(page)).toEqual([]);
    const ocids = recordPages.flatMap((page) => page.records.map((record) => record.ocid));
    expect(new Set(ocids)).toEqual(new Set(orderIds.map((orderId) => ocidOf(PUBLICATION.ocidPrefix, orderId))));
    expect(ocids.length).toBe(orderIds.length);
  });

  it('a period holds the releases of the order events recorded in it, and records as they stood at its end', async () => {
    const orderEvents = events.filter((event) => event.streamId.startsWith('order-'));
    const from = orderEvents[Math.floor(orderEvents.length / 3)]!.created;
    const to = orderEvents[Math.floor((2 * orderEvents.length) / 3)]!.created;
    const inPeriod = orderEvents.filter((event) => event.created >= from && event.created <= to);
    const pages = await walk({ from, to, limit: 200 }, (request) => exporter.releasePackageOfPeriod(request));
    const releases: OcdsRelease[] = pages.flatMap((page) => [...page.releases]);
    expect(releases.map((release) => release.id)).toEqual(
      inPeriod.map((event) => `${PUBLICATION.ocidPrefix}-${event.streamId.slice('order-'.length)}-${event.revision}`),
    );
    for (const page of pages) {
      expect(releasePackageErrors(page)).toEqual([]);
      expect(page.publishedDate).toBe(
        page.releases
          .map((release) => release.date)
          .sort()
          .at(-1),
      );
    }
    const records = (await walk({ from, to, limit: 100 }, (request) => exporter.recordPackageOfPeriod(request))).flatMap((page) => [...page.records]);
    expect(new Set(records.map((record) => record.ocid))).toEqual(new Set(releases.map((release) => release.ocid)));
    for (const record of records) for (const release of record.releases) expect(Date.parse(release.date)).toBeLessThanOrEqual(to.getTime());
    const after = new Date(events.at(-1)!.created.getTime() + 1_000);
    await expect(exporter.releasePackageOfPeriod({ from: after, limit: 10 })).rejects.toMatchObject({ code: 'NO_RELEASES_IN_PERIOD' });
  });

  it('an unknown or foreign ocid is OCID_NOT_FOUND', async () => {
    for (const ocid of [ocidOf(PUBLICATION.ocidPrefix, '00000000-0000-4000-8000-000000000000'), `ocds-other1-${orderIds[0]}`, 'nonsense']) {
      const error = await exporter.releasePackageOfOrder(ocid).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'OCID_NOT_FOUND', kind: 'not_found' });
      await expect(exporter.recordPackageOfOrder(ocid)).rejects.toMatchObject({ code: 'OCID_NOT_FOUND' });
    }
  });

  it('the CLI exports the same bytes twice; its packages validate and carry no personal data', () => {
    const cli = (args: string[]): string => {
      execFileSync(process.execPath, [CLI_JS, 'ocds', 'export', ...args, '--data-dir', dir], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: CLI_TIMEOUT_MS,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '' },
      });
      return readFileSync(args[args.indexOf('--out') + 1]!, 'utf8');
    };
    const personal = personalValues(events);
    expect(personal.length).toBeGreaterThan(10);
    const releases = [cli(['--kind', 'release', '--out', join(dir, 'r1.json')]), cli(['--kind', 'release', '--out', join(dir, 'r2.json')])];
    expect(releases[1]).toBe(releases[0]);
    const releasePackage = JSON.parse(releases[0]!) as OcdsReleasePackage;
    expect(releasePackageErrors(releasePackage)).toEqual([]);
    expect(releasePackage.releases.length).toBe(orderEventCount);
    expect(releasePackage.releases[0]!.ocid.startsWith('ocds-demo00-')).toBe(true);
    const records = [cli(['--kind', 'record', '--out', join(dir, 'c1.json')]), cli(['--kind', 'record', '--out', join(dir, 'c2.json')])];
    expect(records[1]).toBe(records[0]);
    const recordPackage = JSON.parse(records[0]!) as OcdsRecordPackage;
    expect(recordPackageErrors(recordPackage)).toEqual([]);
    expect(recordPackage.records.length).toBe(orderIds.length);
    const one = JSON.parse(cli(['--kind', 'record', '--order', orderIds[0]!, '--out', join(dir, 'one.json')])) as OcdsRecordPackage;
    expect(one.records.map((record) => record.ocid)).toEqual([ocidOf('ocds-demo00', orderIds[0]!)]);
    for (const text of [...releases, ...records]) expectNoPersonalData(text, personal);
  });
});
