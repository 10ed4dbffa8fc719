/**
 * The HTTP phases of the performance report, against the built service on a fresh store:
 * create listing, place order, orders authorised end to end, whole purchases, and projection
 * lag at a fixed write rate. Each command is sent from CONNECTIONS concurrent loops.
 */
import Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { CONNECTIONS, HttpClient, closedLoop } from './support/http-load.js';
import { BenchService, issueKey } from './support/service.js';
import { LatencySummary, perSecond, round, sleep, summarise } from './support/stats.js';

const OPD = '3673-DINKES';
/** Orders spread over this many cards, so placement is measured apart from one card's growing history (the hot-card section measures that). */
const CARD_COUNT = 64;
const CARD_LIMIT_RUPIAH = 100_000_000_000;
const PRICE_RUPIAH = 35_000;
let nextShippingRupiah = 0;
const POLL_INTERVAL_MS = 100;
const PURCHASE_POLL_INTERVAL_MS = 50;
/** Bounds on every wait for the process managers; a run that hits one reports the backlog left. */
const AUTHORISATION_WAIT_MS_MAX = 15 * 60_000;
const PURCHASE_STEP_WAIT_MS_MAX = 5 * 60_000;
const LAG_CATCH_UP_WAIT_MS_MAX = 60_000;
const BACKLOG_PROBE_DELAY_MS = 1_000;
const ORDER_PAGE_LIMIT = 500;
const ORDER_PAGES_MAX = 1_000;

export interface HttpPhaseSizes {
  readonly listings: number;
  readonly orders: number;
  readonly purchases: number;
  readonly lagWritesPerSecond: number;
  readonly lagSeconds: number;
  /** Listings, then orders, sent to the service run under --cpu-prof. */
  readonly profileCommands: number;
}

export interface CommandRate {
  readonly commands: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
}

export interface AuthorisationFigures {
  readonly orders: number;
  readonly authorised: number;
  readonly declined: number;
  /** From the first placement sent until the read model showed no order still placed. */
  readonly elapsedMs: number;
  readonly perSecond: number;
  /** After the last placement answered, until every order was authorised or declined. */
  readonly lastDecisionAfterLoadMs: number;
  /** Orders not yet authorised or declined in the read model 1 s after the last placement answered. */
  readonly backlogAfter1s: number;
  /** The same moment in the event store: OrderPlaced events without an OrderAuthorised or OrderDeclined yet. */
  readonly backlogInStoreAfter1s: number;
  readonly finished: boolean;
}

export interface PurchaseFigures {
  readonly started: number;
  readonly completed: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
}

export interface LagFigures {
  readonly targetWritesPerSecond: number;
  readonly writes: number;
  readonly achievedWritesPerSecond: number;
  readonly lag: LatencySummary;
  /** Time between two reads of /admin/projections: the resolution of the lag figures. */
  readonly pollIntervalMs: number;
}

export interface Market {
  readonly adminToken: string;
  readonly buyerToken: string;
  readonly vendorId: string;
  readonly vendorToken: string;
  readonly listingId: string;
  readonly cardIds: readonly string[];
}

function nib(): string {
  return `91${String(randomInt(0, 10 ** 11)).padStart(11, '0')}`;
}

export function listingBody(index: number) {
  return { title: `Nasi kotak paket ${index}`, category: 'makan-minum', unit: 'kotak', priceRupiah: PRICE_RUPIAH, isDomesticProduct: true };
}

/**
 * Each order's shipping differs, so totals differ as in real traffic: a burst of equal totals
 * from one OPD to one vendor is the duplicate-payment pattern, and each such order raises a red
 * flag against every earlier one in its window (up to 200), which measures the red-flags rules,
 * not placement.
 */
function orderBody(market: Market, cardIndex: number) {
  return {
    officialName: 'Budi Santoso',
    vendorId: market.vendorId,
    cardId: market.cardIds[cardIndex % market.cardIds.length]!,
    lines: [{ listingId: market.listingId, quantity: 1 }],
    shippingRupiah: nextShippingRupiah++,
  };
}

/** A registered OPD, a verified koperasi with one listing, CARD_COUNT cards of the OPD, and admin, vendor and buyer keys. */
export async function openMarket(service: BenchService, http: HttpClient): Promise<Market> {
  const adminToken = await issueKey(service.dataDir, 'admin');
  await http.expect(201, 'POST', '/opds', adminToken, { opdCode: OPD, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' });
  const buyerToken = await issueKey(service.dataDir, 'buyer', { opdCode: OPD });
  const vendor = await http.expect(201, 'POST', '/vendors', adminToken, {
    nib: nib(),
    npwp: '012345678901234',
    name: 'Koperasi Sari Rasa Serang',
    legalForm: 'koperasi',
    kabupatenKotaCode: '3673',
    contact: { email: 'sari@rasa.id', phone: '+62 254 123456' },
  });
  const vendorId: string = vendor.body.vendorId;
  await http.expect(200, 'POST', `/vendors/${vendorId}/verify`, adminToken);
  const vendorToken = await issueKey(service.dataDir, 'vendor', { vendorId });
  const listing = await http.expect(201, 'POST', `/vendors/${vendorId}/listings`, vendorToken, listingBody(0));
  const cardIds: string[] = [];
  for (let index = 0; index < CARD_COUNT; index += 1) {
    const card = await http.expect(201, 'POST', '/cards', adminToken, {
      opdCode: OPD,
      holderName: 'Siti Rahmawati',
      cardLast4: '4821',
      limitRupiah: CARD_LIMIT_RUPIAH,
      expiresOn: '2099-12-31',
    });
    cardIds.push(card.body.cardId);
  }
  return { adminToken, buyerToken, vendorId, vendorToken, listingId: listing.body.listingId, cardIds };
}

async function commandLoad(
  total: number,
  send: (index: number, worker: number) => Promise<{ status: number; latencyMs: number; body: any }>,
  expected: number,
  onAnswer?: (body: any) => void,
): Promise<CommandRate> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure = '';
  const elapsedMs = await closedLoop(total, CONNECTIONS, async (index, worker) => {
    const answer = await send(index, worker);
    latencies.push(answer.latencyMs);
    if (answer.status !== expected) {
      failed += 1;
      firstFailure ||= `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
      return;
    }
    onAnswer?.(answer.body);
  });
  if (failed > 0) console.warn(`  ${failed} of ${total} answers were not ${expected}; first: ${firstFailure}`);
  return { commands: total - failed, failed, elapsedMs: Math.round(elapsedMs), perSecond: perSecond(total - failed, elapsedMs), latency: summarise(latencies) };
}

export function createListings(http: HttpClient, market: Market, total: number): Promise<CommandRate> {
  return commandLoad(total, (index) => http.request('POST', `/vendors/${market.vendorId}/listings`, market.vendorToken, listingBody(index + 1)), 201);
}

/** A burst of placements over CONNECTIONS connections, each on its worker's card; `onPlaced` gets each order's position. */
export function placeOrderLoad(http: HttpClient, market: Market, total: number, onPlaced?: (position: bigint) => void): Promise<CommandRate> {
  return commandLoad(
    total,
    (_, worker) => http.request('POST', '/orders', market.buyerToken, orderBody(market, worker)),
    201,
    (body) => onPlaced?.(BigInt(body.position)),
  );
}

/** Orders in the read model with this status (paged; bounded by ORDER_PAGES_MAX). */
async function countOrders(http: HttpClient, adminToken: string, status: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  for (let page = 0; page < ORDER_PAGES_MAX; page += 1) {
    const query: string = `/admin/orders?status=${status}&limit=${ORDER_PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer: { body: { items: unknown[]; nextCursor: string | null } } = await http.expect(200, 'GET', query, adminToken);
    count += answer.body.items.length;
    cursor = answer.body.nextCursor;
    if (!cursor) break;
  }
  return count;
}

/** A burst of placements, then the time until the order-payment process manager decided every one. */
export async function placeOrders(
  http: HttpClient,
  market: Market,
  dataDir: string,
  total: number,
): Promise<{ placement: CommandRate; authorisation: AuthorisationFigures }> {
  let lastPosition = 0n;
  const loadStartedMs = performance.now();
  const placement = await placeOrderLoad(http, market, total, (position) => {
    if (position > lastPosition) lastPosition = position;
  });
  const loadEndedMs = performance.now();
  await sleep(Math.max(0, loadEndedMs + BACKLOG_PROBE_DELAY_MS - performance.now()));
  const backlogInStoreAfter1s = undecidedInStore(dataDir);
  const decidedAt1s = (await countOrders(http, market.adminToken, 'authorised')) + (await countOrders(http, market.adminToken, 'declined'));
  const backlogAfter1s = placement.commands - decidedAt1s;
  let finished = false;
  let doneMs = performance.now();
  while (performance.now() - loadEndedMs < AUTHORISATION_WAIT_MS_MAX) {
    const pending = await http.expect(200, 'GET', `/admin/orders?status=placed&limit=1&waitForPosition=${lastPosition}&waitMs=5000`, market.adminToken);
    doneMs = performance.now();
    if (pending.body.items.length === 0) {
      finished = true;
      break;
    }
    await sleep(POLL_INTERVAL_MS);
  }
  const authorised = await countOrders(http, market.adminToken, 'authorised');
  const declined = await countOrders(http, market.adminToken, 'declined');
  const elapsedMs = doneMs - loadStartedMs;
  return {
    placement,
    authorisation: {
      orders: placement.commands,
      authorised,
      declined,
      elapsedMs: Math.round(elapsedMs),
      perSecond: perSecond(authorised + declined, elapsedMs),
      lastDecisionAfterLoadMs: Math.round(doneMs - loadEndedMs),
      backlogAfter1s,
      backlogInStoreAfter1s,
      finished,
    },
  };
}

async function waitForOrder(http: HttpClient, token: string, orderId: string, done: (status: string) => boolean): Promise<string> {
  const deadlineMs = performance.now() + PURCHASE_STEP_WAIT_MS_MAX;
  for (;;) {
    const answer = await http.expect(200, 'GET', `/orders/${orderId}`, token);
    if (done(answer.body.status)) return answer.body.status;
    if (performance.now() > deadlineMs) throw new Error(`order ${orderId} stayed ${answer.body.status} for ${PURCHASE_STEP_WAIT_MS_MAX} ms`);
    await sleep(PURCHASE_POLL_INTERVAL_MS);
  }
}

/** Whole purchases from CONNECTIONS buyers: place, (authorised by the PM), accept, ship, receive with a BAST, (captured and paid by the PM). */
export async function purchases(http: HttpClient, market: Market, total: number): Promise<PurchaseFigures> {
  const latencies: number[] = [];
  let completed = 0;
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  const elapsedMs = await closedLoop(total, CONNECTIONS, async (index, worker) => {
    const startedMs = performance.now();
    const placed = await http.expect(201, 'POST', '/orders', market.buyerToken, orderBody(market, worker));
    const orderId: string = placed.body.orderId;
    if ((await waitForOrder(http, market.buyerToken, orderId, (status) => status !== 'placed')) !== 'authorised') return;
    await http.expect(200, 'POST', `/orders/${orderId}/accept`, market.vendorToken);
    await http.expect(200, 'POST', `/orders/${orderId}/ship`, market.vendorToken, { note: 'dikirim pagi' });
    await http.expect(200, 'POST', `/orders/${orderId}/receive`, market.buyerToken, { bastNumber: `BAST/${index}/DINKES/2026`, bastDate: today });
    if ((await waitForOrder(http, market.buyerToken, orderId, (status) => status === 'paid' || status === 'declined')) !== 'paid') return;
    completed += 1;
    latencies.push(performance.now() - startedMs);
  });
  return { started: total, completed, elapsedMs: Math.round(elapsedMs), perSecond: perSecond(completed, elapsedMs), latency: summarise(latencies) };
}

interface PositionSample {
  readonly receivedMs: number;
  readonly position: bigint;
}

async function lowestProjectionPosition(http: HttpClient, adminToken: string): Promise<bigint> {
  const answer = await http.expect(200, 'GET', '/admin/projections', adminToken);
  return (answer.body.projections as { position: string }[]).reduce((lowest, projection) => {
    const position = BigInt(projection.position);
    return position < lowest ? position : lowest;
  }, BigInt(Number.MAX_SAFE_INTEGER));
}

/**
 * Open-loop writes (create listing) at a fixed rate while one loop reads /admin/projections back
 * to back; a write's lag is from its answer to the first read that shows every projection at or
 * past its position.
 */
export async function projectionLag(http: HttpClient, market: Market, writesPerSecond: number, seconds: number): Promise<LagFigures> {
  const total = Math.round(writesPerSecond * seconds);
  const samples: PositionSample[] = [];
  const written: { answeredMs: number; position: bigint }[] = [];
  let writing = true;
  const poller = (async () => {
    const deadlineMs = () => performance.now() + LAG_CATCH_UP_WAIT_MS_MAX;
    let stopAtMs = Number.POSITIVE_INFINITY;
    for (;;) {
      const position = await lowestProjectionPosition(http, market.adminToken);
      samples.push({ receivedMs: performance.now(), position });
      if (writing) continue;
      if (stopAtMs === Number.POSITIVE_INFINITY) stopAtMs = deadlineMs();
      const highest = written.reduce((max, write) => (write.position > max ? write.position : max), 0n);
      if (position >= highest || performance.now() > stopAtMs) return;
    }
  })();
  const startedMs = performance.now();
  const sends: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const dueMs = startedMs + (index * 1000) / writesPerSecond;
    const waitMs = dueMs - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    sends.push(
      http.expect(201, 'POST', `/vendors/${market.vendorId}/listings`, market.vendorToken, listingBody(index)).then((answer) => {
        written.push({ answeredMs: performance.now(), position: BigInt(answer.body.position) });
      }),
    );
  }
  await Promise.all(sends);
  const elapsedMs = performance.now() - startedMs;
  writing = false;
  await poller;
  const lags = written.map((write) => {
    const seen = samples.find((sample) => sample.receivedMs >= write.answeredMs && sample.position >= write.position);
    return seen ? seen.receivedMs - write.answeredMs : Number.POSITIVE_INFINITY;
  });
  const gaps = samples.slice(1).map((sample, index) => sample.receivedMs - samples[index]!.receivedMs);
  return {
    targetWritesPerSecond: writesPerSecond,
    writes: written.length,
    achievedWritesPerSecond: perSecond(written.length, elapsedMs),
    lag: summarise(lags),
    pollIntervalMs: round(summarise(gaps).p50Ms, 1),
  };
}

/** Orders placed without a decision yet, read from the event store file (placements in this store come only from placeOrders until it returns). */
function undecidedInStore(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const count = (type: string): number => (db.prepare('SELECT COUNT(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;
    return count('OrderPlaced') - count('OrderAuthorised') - count('OrderDeclined');
  } finally {
    db.close();
  }
}

/** The newest event of a type as the store holds it, so the raw baseline writes the same row shape. */
export function sampleEventData(dataDir: string, type: string): Record<string, unknown> {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT data FROM events WHERE type = ? ORDER BY position DESC LIMIT 1').get(type) as { data: string } | undefined;
    if (!row) throw new Error(`no ${type} event in the store`);
    return JSON.parse(row.data) as Record<string, unknown>;
  } finally {
    db.close();
  }
}
