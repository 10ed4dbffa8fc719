/**
 * A hot KKP card: 1,000, 10,000 and 100,000 orders on one card. For each size it reports the
 * card's fold (from its start, and as the pipeline reads it: snapshot + tail), the latency of
 * placing an order (which reads the card's OPD and status) and of authorising one on the card,
 * each beside raw baselines measured in the same run and store: better-sqlite3 reading and
 * JSON.parse-ing the card stream's tail (the last SNAPSHOT_EVERY_EVENTS events) and its whole
 * stream, and one durable one-event insert. Every store holds the same number of orders (the
 * rest on other cards), so only the hot card's history changes between sizes, not the store's.
 * Flat means 1,000 vs 100,000 orders within 1.5x. Run alone: npm run bench:hot-card [orders...]
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CardCommandHandler } from '../src/cards/application/card-command.handler.js';
import { CardCommandRequest } from '../src/cards/application/card.commands.js';
import type { CardCommand } from '../src/cards/domain/card.commands.js';
import { cardDecider, cardStreamId } from '../src/cards/domain/card.decider.js';
import type { CardEvent } from '../src/cards/domain/card.events.js';
import { CommandContext, CommandPipeline } from '../src/event-store/command-pipeline.js';
import { APPEND_EVENTS_MAX, EventData, RecordedEvent } from '../src/event-store/event-store.port.js';
import { readWholeStream } from '../src/event-store/read-whole-stream.js';
import { SNAPSHOT_EVERY_EVENTS } from '../src/event-store/snapshot-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../src/event-store/sqlite/sqlite-snapshot-store.js';
import type { CardState } from '../src/cards/domain/card.state.js';
import { fold } from '../src/kernel/decider.js';
import { PlaceOrderCommand } from '../src/orders/application/order.commands.js';
import { PlaceOrderHandler } from '../src/orders/application/place-order.handler.js';
import { orderStreamId } from '../src/orders/domain/order.decider.js';
import { PolicyService } from '../src/policy/application/policy.service.js';
import { DEFAULT_POLICY } from '../src/policy/domain/policy.js';
import { sampleData, sampleIds } from '../test/support/ledger-event-samples.js';

export const HOT_CARD_ORDERS: readonly number[] = [1_000, 10_000, 100_000];
/** Timed samples per figure (after WARMUP_SAMPLES untimed ones). */
const SAMPLES = 200;
const WARMUP_SAMPLES = 20;
/** A hot card always has some orders waiting for delivery: their holds stay open. */
const OPEN_HOLDS = 50;
/** The OPD settles its card statement every this many orders. */
const ORDERS_PER_STATEMENT = 1_000;
/** Orders per card on the other cards that fill every store to the same size. */
const FILLER_CARD_ORDERS = 5_000;
const OPD = 'DINKES-3673';
const FLAT_RATIO_MAX = 1.5;

export interface HotCardFigures {
  readonly orders: number;
  readonly cardEvents: number;
  /** Reading the whole card stream and folding it from its start, ms (one run). */
  readonly foldFromStartMs: number;
  /** evolve alone over the events in memory, microseconds per event. */
  readonly evolveUsPerEvent: number;
  /** The card as commands and GET /cards/:id read it (snapshot + tail), ms. */
  readonly loadCard: Percentiles;
  readonly placeOrder: Percentiles;
  readonly authorise: Percentiles;
  /** Raw better-sqlite3: read + JSON.parse of the last SNAPSHOT_EVERY_EVENTS events of the card stream, ms. */
  readonly rawTail: Percentiles;
  /** Raw better-sqlite3: read + JSON.parse of the whole card stream, ms (one run). */
  readonly rawWholeMs: number;
  /** Raw better-sqlite3: one durable (synchronous=FULL) one-event insert into the same store, ms. */
  readonly rawAppend: Percentiles;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

const context = (actorRole: 'admin' | 'system', key?: string): CommandContext => ({
  actor: { id: `bench-${actorRole}`, role: actorRole },
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date(),
  ...(key !== undefined ? { idempotencyKey: key } : {}),
});

function metadata(): EventData['metadata'] {
  return { correlationId: 'bench', causationId: 'bench', actor: { id: 'bench', role: 'system' }, occurredAt: new Date().toISOString(), schemaVersion: 1 };
}

/** The card's history made by the card's own decider (real decisions), appended in batches straight to the store. */
async function buildHotCard(store: SqliteEventStore, cardId: string, vendorId: string, orders: number): Promise<number> {
  const stream = cardStreamId(cardId);
  let state: CardState = cardDecider.initialState();
  let pending: CardEvent[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    const batch = pending.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata: metadata() }));
    await store.appendToStream(stream, batch, { expectedRevision: written === 0 ? 'no_stream' : BigInt(written - 1) });
    written += batch.length;
    pending = [];
  };
  const apply = (command: CardCommand): void => {
    for (const event of cardDecider.decide(command, state)) {
      state = cardDecider.evolve(state, event);
      pending.push(event);
    }
  };
  const at = new Date();
  apply({ type: 'IssueCard', cardId, opdCode: OPD, opdName: 'Dinas Kesehatan Kota Serang', holderName: 'Siti Rahmawati', cardLast4: '4821', limitRupiah: 1_000_000_000_000, expiresOn: '2099-12-31', at });
  let capturedSinceStatement = 0;
  for (let n = 0; n < orders; n += 1) {
    const orderId = `bench-order-${n}`;
    const amountRupiah = 35_000 + (n % 100) * 1_000;
    apply({ type: 'AuthoriseCard', orderId, orderAwaitingAuthorisation: true, opdCode: OPD, payeeVendorId: vendorId, amountRupiah, domesticUmkPurchase: true, policy: DEFAULT_POLICY, at });
    if (n < orders - OPEN_HOLDS) {
      apply({ type: 'CaptureAuthorisation', orderId, amountRupiah, orderReceived: true, bastNumber: `BAST/${n}`, policy: DEFAULT_POLICY });
      capturedSinceStatement += amountRupiah;
    }
    if ((n + 1) % ORDERS_PER_STATEMENT === 0) {
      apply({ type: 'SettleStatement', statementReference: `BNI-STMT-${n}`, amountRupiah: capturedSinceStatement });
      capturedSinceStatement = 0;
    }
    if (pending.length >= APPEND_EVENTS_MAX - 3) await flush();
  }
  if (pending.length > 0) await flush();
  return written;
}

async function seedVendorAndListing(store: SqliteEventStore): Promise<{ vendorId: string; listingId: string }> {
  const ids = sampleIds();
  const data = sampleData(ids);
  const event = (type: 'VendorRegistered' | 'VendorVerified' | 'ListingCreated'): EventData => ({ id: randomUUID(), type, data: data[type], metadata: metadata() });
  await store.appendToStream(`vendor-${ids.vendorId}`, [event('VendorRegistered'), event('VendorVerified')], { expectedRevision: 'no_stream' });
  await store.appendToStream(`listing-${ids.listingId}`, [event('ListingCreated')], { expectedRevision: 'no_stream' });
  return { vendorId: ids.vendorId, listingId: ids.listingId };
}

async function sample(count: number, run: (n: number) => Promise<unknown> | unknown): Promise<Percentiles> {
  for (let n = 0; n < WARMUP_SAMPLES; n += 1) await run(-1 - n);
  const ms: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const started = performance.now();
    await run(n);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length * 0.5)]!, p99: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))]! };
}

async function measure(orders: number, storeOrders: number): Promise<HotCardFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bela-bench-hot-card-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  const snapshotsDb = new Database(join(dir, 'snapshots.db'));
  const raw = new Database(join(dir, 'events.db'), { readonly: true });
  try {
    const pipeline = new CommandPipeline(store, undefined, new SqliteSnapshotStore(snapshotsDb));
    const policies = new PolicyService(pipeline);
    const placeOrder = new PlaceOrderHandler(pipeline, policies);
    const cardCommands = new CardCommandHandler(pipeline, policies);
    const { vendorId, listingId } = await seedVendorAndListing(store);
    const cardId = randomUUID();
    for (let filled = orders; filled < storeOrders; filled += FILLER_CARD_ORDERS) {
      await buildHotCard(store, randomUUID(), vendorId, Math.min(FILLER_CARD_ORDERS, storeOrders - filled));
    }
    const cardEvents = await buildHotCard(store, cardId, vendorId, orders);
    const stream = cardStreamId(cardId);

    const foldStarted = performance.now();
    const whole = (await readWholeStream(store, stream)) as unknown as CardEvent[];
    fold(cardDecider, whole);
    const foldFromStartMs = performance.now() - foldStarted;
    fold(cardDecider, whole); // warm the JIT: the per-event figure is the steady state
    const evolveStarted = performance.now();
    fold(cardDecider, whole);
    const evolveUsPerEvent = ((performance.now() - evolveStarted) * 1000) / whole.length;

    const rawRows = raw.prepare<[string, number], { data: string; metadata: string }>('SELECT data, metadata FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision');
    const rawRead = (fromRevision: number): number => rawRows.all(stream, fromRevision).reduce((count, row) => count + (JSON.parse(row.data) ? 1 : 0) + (JSON.parse(row.metadata) ? 1 : 0), 0);
    const rawWholeStarted = performance.now();
    rawRead(0);
    const rawWholeMs = performance.now() - rawWholeStarted;
    const rawTail = await sample(SAMPLES, () => rawRead(cardEvents - SNAPSHOT_EVERY_EVENTS));
    const rawWriter = new Database(join(dir, 'events.db'));
    rawWriter.pragma('synchronous = FULL');
    const rawInsert = rawWriter.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_ms) VALUES (?, 0, ?, ?, ?, ?, ?)');
    const rawAppendOne = rawWriter.transaction(() => {
      const id = randomUUID();
      rawInsert.run(`raw-${id}`, id, 'RawBaseline', JSON.stringify({ n: 1 }), JSON.stringify(metadata()), Date.now());
    });
    const rawAppend = await sample(SAMPLES, () => rawAppendOne());
    rawWriter.close();

    // The first read keeps the card's snapshot; every later one reads only the tail.
    await pipeline.load(cardDecider, stream);
    const loadCard = await sample(SAMPLES, () => pipeline.load(cardDecider, stream));
    const placed: string[] = [];
    const place = await sample(SAMPLES, async () => {
      const orderId = randomUUID();
      placed.push(orderId);
      const request = { orderId, opdCode: OPD, kabupatenKotaCode: '3673', officialName: 'Budi Santoso', vendorId, cardId, lines: [{ listingId, quantity: 2 }], shippingRupiah: 0 };
      await placeOrder.execute(new PlaceOrderCommand(request, context('admin')));
    });
    let next = 0;
    const authorise = await sample(SAMPLES, async () => {
      const orderId = placed[next++ % placed.length]!;
      const [placedEvent] = (await store.readStream(orderStreamId(orderId), { maxCount: 1 })) as Array<RecordedEvent<{ totalRupiah: number }>>;
      const command = { type: 'AuthoriseCard' as const, orderId, opdCode: OPD, payeeVendorId: vendorId, amountRupiah: placedEvent!.data.totalRupiah, domesticUmkPurchase: true };
      await cardCommands.execute(new CardCommandRequest(cardId, command, context('system', `bench:${orderId}`)));
    });
    return { orders, cardEvents, foldFromStartMs, evolveUsPerEvent, loadCard, placeOrder: place, authorise, rawTail, rawWholeMs, rawAppend };
  } finally {
    raw.close();
    snapshotsDb.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runHotCardBench(sizes: readonly number[] = HOT_CARD_ORDERS): Promise<HotCardFigures[]> {
  const figures: HotCardFigures[] = [];
  const storeOrders = Math.max(...sizes);
  for (const orders of sizes) figures.push(await measure(orders, storeOrders));
  return figures;
}

const ms = (value: number): string => value.toFixed(2).padStart(8);
const pair = ({ p50, p99 }: Percentiles): string => `${ms(p50)} ${ms(p99)}`;

export function printHotCard(figures: readonly HotCardFigures[]): void {
  console.log(`  times in ms (p50 p99 over ${SAMPLES} samples); snapshot every ${SNAPSHOT_EVERY_EVENTS} events; ${OPEN_HOLDS} holds open; every store ${Math.max(...figures.map((f) => f.orders))} orders`);
  console.log(`  ${'orders'.padStart(8)} ${'events'.padStart(8)} | ${'fold from start'.padStart(15)} ${'us/event'.padStart(8)} | ${'raw whole'.padStart(9)} | ${'raw tail p50 p99'.padStart(17)} | ${'load card p50 p99'.padStart(17)} | ${'raw append p50 p99'.padStart(18)} | ${'place order p50 p99'.padStart(19)} | ${'authorise p50 p99'.padStart(17)}`);
  for (const f of figures) {
    console.log(`  ${String(f.orders).padStart(8)} ${String(f.cardEvents).padStart(8)} | ${ms(f.foldFromStartMs).padStart(15)} ${f.evolveUsPerEvent.toFixed(2).padStart(8)} | ${ms(f.rawWholeMs).padStart(9)} | ${pair(f.rawTail)}  | ${pair(f.loadCard)}  | ${pair(f.rawAppend).padStart(18)} | ${pair(f.placeOrder).padStart(19)} | ${pair(f.authorise)}`);
  }
  const first = figures[0];
  const last = figures[figures.length - 1];
  if (first === undefined || last === undefined || first === last) return;
  const ratio = (pick: (f: HotCardFigures) => number): string => (pick(last) / pick(first)).toFixed(2);
  const placeRatio = last.placeOrder.p50 / first.placeOrder.p50;
  console.log(
    `  ${last.orders} vs ${first.orders} orders (p50): load card ${ratio((f) => f.loadCard.p50)}x, place order ${placeRatio.toFixed(2)}x, authorise ${ratio((f) => f.authorise.p50)}x, evolve per event ${ratio((f) => f.evolveUsPerEvent)}x` +
      ` (flat: <= ${FLAT_RATIO_MAX}x; ${placeRatio <= FLAT_RATIO_MAX ? 'flat' : 'NOT flat'})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number);
  printHotCard(await runHotCardBench(sizes.length > 0 ? sizes : HOT_CARD_ORDERS));
}
