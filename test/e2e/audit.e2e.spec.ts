import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { READ_MODEL_WAIT_MS_MAX } from '../../src/read-models/read-model-query.service.js';
import { generateHistory } from '../support/generated-history.js';
import { projectionsCaughtUp } from '../support/projections-caught-up.js';
import { TestApp } from '../support/test-app.js';

/** The longest wait a read grants; the projections have caught up before. */
const WAIT_MS = READ_MODEL_WAIT_MS_MAX;
const EXPORT_PAGES_MAX = 100;
const NDJSON_TIMEOUT_MS = 30_000;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface NdjsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly lines: Record<string, any>[];
  readonly text: string;
}

describe('auditors: export and as-of over HTTP (e2e)', () => {
  let dataDir: string;
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let buyer: string;
  let vendor: string;
  let head: string;
  let events: RecordedEvent[];
  let cardId: string;
  let cardEvents: RecordedEvent[];

  const get = (path: string, token?: string) => app.request('GET', path, token ? { token } : {});

  /** TestApp parses any *json type as one document; NDJSON is read line by line here. */
  async function ndjson(path: string, token?: string): Promise<NdjsonResponse> {
    const response = await fetch(`${app.baseUrl}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(NDJSON_TIMEOUT_MS),
    });
    const text = await response.text();
    const isNdjson = (response.headers.get('content-type') ?? '').startsWith('application/x-ndjson');
    return {
      status: response.status,
      headers: response.headers,
      text,
      lines: isNdjson
        ? text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line))
        : [],
    };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bela-audit-e2e-'));
    const history = await generateHistory(dataDir, { seed: 'audit-e2e', targetEvents: 2_000, vendorCount: 30 });
    head = history.headPosition;
    app = await TestApp.start({ dataDir });
    admin = app.issueKey('admin');
    auditor = app.issueKey('auditor');
    buyer = app.issueKey('buyer', { opdCode: '36-SETDA' });
    vendor = app.issueKey('vendor', { vendorId: UNKNOWN_ID });
    events = await app.store.readAll({ maxCount: 10_000 });
    const counts = new Map<string, number>();
    for (const event of events) if (event.streamId.startsWith('card-')) counts.set(event.streamId, (counts.get(event.streamId) ?? 0) + 1);
    const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    cardId = busiest.slice('card-'.length);
    cardEvents = events.filter((event) => event.streamId === busiest);
    await projectionsCaughtUp(app, admin, head);
    for (const probe of ['/admin/journal/trial-balance', '/admin/cards']) {
      expect((await get(`${probe}?waitForPosition=${head}&waitMs=${WAIT_MS}`, admin)).status).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an auditor exports every event as NDJSON, page after page, resuming from the last position', async () => {
    expect(events.length).toBeGreaterThan(2_000);
    const lines: Record<string, any>[] = [];
    let fromPosition = '0';
    for (let page = 0; page < EXPORT_PAGES_MAX; page += 1) {
      const response = await ndjson(`/audit/events?fromPosition=${fromPosition}&limit=1000`, auditor);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(response.headers.get('x-head-position')).toBe(head);
      lines.push(...response.lines);
      if (response.lines.length < 1000) break;
      fromPosition = (BigInt(response.lines.at(-1)!.position) + 1n).toString();
    }
    expect(lines.map((line) => line.id)).toEqual(events.map((event) => event.id));
    expect(lines[0]).toMatchObject({ position: events[0]!.position.toString(), streamId: events[0]!.streamId, type: events[0]!.type, data: events[0]!.data });
    expect(lines[0]!.metadata.actor).toEqual(events[0]!.metadata.actor);
  });

  it('an admin may export too, by time; the default page holds the whole small store', async () => {
    const whole = await ndjson('/audit/events', admin);
    expect(whole.status).toBe(200);
    expect(whole.lines).toHaveLength(events.length);
    const from = events[100]!.created.toISOString();
    const to = events[200]!.created.toISOString();
    const timed = await ndjson(`/audit/events?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, admin);
    expect(timed.lines.map((line) => line.id)).toEqual(
      events.filter((event) => event.created.toISOString() >= from && event.created.toISOString() <= to).map((event) => event.id),
    );
  });

  it('anyone reads the public export: public views only, no personal data', async () => {
    const response = await ndjson('/public/events?limit=10000');
    expect(response.status).toBe(200);
    expect(response.lines.map((line) => line.id)).toEqual(events.map((event) => event.id));
    for (const key of ['holderName', 'cardLast4', 'contact', 'officialName', '"npwp"', 'saltHex', 'metadata', 'actor'])
      expect({ key, found: response.text.includes(key) }).toEqual({ key, found: false });
    const holderNames = new Set(
      events.flatMap((event) => (typeof (event.data as any).holderName === 'string' ? [(event.data as any).holderName as string] : [])),
    );
    expect(holderNames.size).toBeGreaterThan(0);
    expect([...holderNames].filter((name) => response.text.includes(name))).toEqual([]);
    expect((await ndjson('/public/events?limit=10001')).status).toBe(400);
  });

  it('/audit/* is for auditors and admins: buyers and vendors 403, anonymous 401', async () => {
    const paths = [
      '/audit/events',
      `/audit/as-of/cards/${cardId}?position=${head}`,
      `/audit/as-of/orders/${UNKNOWN_ID}?position=1`,
      `/audit/as-of/vendors/${UNKNOWN_ID}?position=1`,
      `/audit/as-of/listings/${UNKNOWN_ID}?position=1`,
      `/audit/as-of/balances?position=${head}`,
    ];
    for (const path of paths) {
      expect({ path, status: (await get(path, buyer)).status }).toEqual({ path, status: 403 });
      expect({ path, status: (await get(path, vendor)).status }).toEqual({ path, status: 403 });
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 401 });
    }
  });

  it('bad parameters are 400 problem+json naming the parameter', async () => {
    const cases: [string, string, string][] = [
      ['/audit/events?fromPosition=-1', 'INVALID_EXPORT_RANGE', 'fromPosition'],
      ['/audit/events?from=2025-02-30T00:00:00Z', 'INVALID_EXPORT_RANGE', 'from'],
      ['/audit/events?fromPosition=9&toPosition=3', 'INVALID_EXPORT_RANGE', 'toPosition'],
      ['/audit/events?limit=0', 'VALIDATION_FAILED', 'limit'],
      [`/audit/as-of/cards/${cardId}?at=2025-01-01T00:00:00Z&position=1`, 'INVALID_AS_OF', 'at'],
      [`/audit/as-of/cards/${cardId}?at=yesterday`, 'INVALID_AS_OF', 'at'],
      [`/audit/as-of/cards/${cardId}?position=-1`, 'INVALID_AS_OF', 'position'],
      [`/audit/as-of/cards/${cardId}`, 'INVALID_AS_OF', 'at'],
      ['/audit/as-of/balances?at=2025-13-01T00:00:00Z', 'INVALID_AS_OF', 'at'],
      ['/audit/as-of/balances?position=1&limit=1001', 'VALIDATION_FAILED', 'limit'],
      ['/admin/journal/balances?asOf=2025-01-01T00:00:00Z', 'VALIDATION_FAILED', 'asOf'],
      ['/admin/cards?asOf=2025-01-01T00:00:00Z', 'VALIDATION_FAILED', 'asOf'],
    ];
    for (const [path, code, field] of cases) {
      const response = await get(path, auditor);
      expect({
        path,
        status: response.status,
        problem: response.headers.get('content-type')?.startsWith('application/problem+json'),
        code: response.body.code,
      }).toEqual({ path, status: 400, problem: true, code });
      expect({ path, fields: response.body.errors.map((error: { field: string }) => error.field) }).toEqual({ path, fields: expect.arrayContaining([field]) });
    }
    const moved = await get('/admin/journal/trial-balance?asOf=2025-01-01T00:00:00Z', auditor);
    expect(JSON.stringify(moved.body.errors)).toContain('/audit/as-of/balances');
    expect((await get('/audit/as-of/cards/not-a-uuid?position=1', auditor)).body.code).toBe('INVALID_ID');
  });

  it('a card as of a past position differs from now; before its first event it is 404 NOT_YET_CREATED', async () => {
    const middle = cardEvents[Math.floor(cardEvents.length / 2)]!;
    const past = await get(`/audit/as-of/cards/${cardId}?position=${middle.position}`, auditor);
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({
      kind: 'card',
      id: cardId,
      asOf: { position: middle.position.toString() },
      lastEvent: { position: middle.position.toString(), revision: middle.revision.toString() },
    });
    const now = await get(`/cards/${cardId}`, auditor);
    const atHead = await get(`/audit/as-of/cards/${cardId}?at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, auditor);
    expect(atHead.body.state).toEqual(now.body);
    expect(past.body.state.revision).not.toBe(now.body.revision);

    const before = await get(`/audit/as-of/cards/${cardId}?position=${cardEvents[0]!.position - 1n}`, auditor);
    expect(before.status).toBe(404);
    expect(before.body).toMatchObject({ code: 'NOT_YET_CREATED', kind: 'card', firstPosition: cardEvents[0]!.position.toString() });
    expect((await get(`/audit/as-of/cards/${UNKNOWN_ID}?position=${head}`, auditor)).body.code).toBe('CARD_NOT_FOUND');
  });

  it('orders, vendors and listings as of the head are what their live endpoints show', async () => {
    for (const [kind, prefix, live] of [
      ['orders', 'order-', '/orders/'],
      ['vendors', 'vendor-', '/vendors/'],
      ['listings', 'listing-', '/listings/'],
    ] as const) {
      const id = events.find((event) => event.streamId.startsWith(prefix))!.streamId.slice(prefix.length);
      const asOf = await get(`/audit/as-of/${kind}/${id}?position=${head}`, auditor);
      const current = await get(`${live}${id}`, auditor);
      expect({ kind, status: asOf.status }).toEqual({ kind, status: 200 });
      expect(asOf.body.state).toEqual(current.body);
    }
  });

  it("the balances as of the head equal the live read models'; an earlier point differs", async () => {
    const asOf = await get(`/audit/as-of/balances?position=${head}&limit=1000`, auditor);
    expect(asOf.status).toBe(200);
    const { totalDebitRupiah, totalCreditRupiah, netRupiah, accounts, balanced } = (await get('/admin/journal/trial-balance', auditor)).body;
    expect(asOf.body.trialBalance).toMatchObject({ totalDebitRupiah, totalCreditRupiah, netRupiah, accounts, balanced });
    const live = (await get('/admin/cards?limit=500&sort=cardId', auditor)).body.items as Record<string, unknown>[];
    const byId = new Map(live.map((card) => [card.cardId, card]));
    expect(asOf.body.cards.length).toBe(live.length);
    for (const card of asOf.body.cards) {
      expect(card).toMatchObject({
        limitRupiah: byId.get(card.cardId)!.limitRupiah,
        heldRupiah: byId.get(card.cardId)!.heldRupiah,
        capturedUnsettledRupiah: byId.get(card.cardId)!.capturedUnsettledRupiah,
        availableRupiah: byId.get(card.cardId)!.availableRupiah,
      });
    }
    const earlier = await get(`/audit/as-of/balances?position=${BigInt(head) / 2n}`, admin);
    expect(earlier.status).toBe(200);
    expect(earlier.body.trialBalance.balanced).toBe(true);
    expect(earlier.body.trialBalance.totalDebitRupiah).toBeLessThan(totalDebitRupiah);
  });
});
