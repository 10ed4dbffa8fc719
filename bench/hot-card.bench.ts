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
import { cardSnapshotCodec } from '../src/cards/domain/card.snapshot.js';
import type { CardEvent } from '../src/cards/domain/card.events.js';
import { CommandContext, CommandPipeline } from '../src/event-store/command-pipeline.js';
import { APPEND_EVENTS_MAX, EventData, RecordedEvent } from '../src/event-store/event-store.port.js';
import { readWholeStream } from '../src/event-store/read-whole-stream.js';
import { SNAPSHOT_EVERY_EVENTS } from '../src/event-store/snapshot-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../src/event-store/sqlite/sqlite-snapshot-store.js';
import type { CardState } from '../src/cards/domain/card.state.js';
import { fold } from '../src/kernel/decider.js';
import { opdDecider, opdStreamId } from '../src/opds/domain/opd.decider.js';
import { PlaceOrderCommand } from '../src/orders/application/order.commands.js';
import { NO_SPLIT_PURCHASE_FACTS } from '../src/orders/application/split-purchase-facts.js';
import { PlaceOrderHandler } from '../src/orders/application/place-order.handler.js';
import { orderStreamId } from '../src/orders/domain/order.decider.js';
import { PolicyService } from '../src/policy/application/policy.service.js';
import { DEFAULT_POLICY } from '../src/policy/domain/policy.js';
import { sampleData, sampleIds } from '../test/support/ledger-event-samples.js';

export const HOT_CARD_ORDERS: readonly number[] = [1_000, 10_000, 100_000];
/** Timed samples per figure and size (after WARMUP_SAMPLES untimed ones); whole-stream folds are slow, so fewer. */
const SAMPLES = 200;
const FOLD_SAMPLES = 5;
const WARMUP_SAMPLES = 10;
/** A hot card always has some orders waiting for delivery: their holds stay open. */
const OPEN_HOLDS = 50;
/** The OPD settles its card statement every this many orders. */
const ORDERS_PER_STATEMENT = 1_000;
/** Orders per card on the other cards that fill every store to the same size. */
const FILLER_CARD_ORDERS = 5_000;
const OPD = '3673-DINKES';
const FLAT_RATIO_MAX = 1.5;

export interface HotCardFigures {
  readonly orders: number;
  readonly cardEvents: number;
  /** Reading the whole card stream and folding it from its start, ms (median). */
  readonly foldFromStartMs: number;
  /** evolve alone over the whole stream in memory, microseconds per event (memory effects included). */
  readonly evolveUsPerEvent: number;
  /** evolve alone over the last SNAPSHOT_EVERY_EVENTS events onto the snapshot before them, microseconds per event. */
  readonly evolveTailUsPerEvent: number;
  /** The card as commands and GET /cards/:id read it (snapshot + tail), ms. */
  readonly loadCard: Percentiles;
  readonly placeOrder: Percentiles;
  readonly authorise: Percentiles;
  /** Raw better-sqlite3: read + JSON.parse of the last SNAPSHOT_EVERY_EVENTS events of the card stream, ms. */
  readonly rawTail: Percentiles;
  /** Raw better-sqlite3: read + JSON.parse of the whole card stream, ms (median). */
  readonly rawWholeMs: number;
  /** Raw better-sqlite3: one durable (synchronous=FULL) one-event insert into a file beside the store, ms. */
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
  apply({
    type: 'IssueCard',
    cardId,
    opd: {
      status: 'registered',
      opdCode: OPD,
      name: 'Dinas Kesehatan Kota Serang',
      kabupatenKotaCode: '3673',
      pemdaCode: '3673',
      pemdaLevel: 'kabupaten-kota',
    },
    holderName: 'Siti Rahmawati',
    cardLast4: '4821',
    limitRupiah: 1_000_000_000_000,
    expiresOn: '2099-12-31',
    at,
  });
  let capturedSinceStatement = 0;
  for (let n = 0; n < orders; n += 1) {
    const orderId = `bench-order-${n}`;
    const amountRupiah = 35_000 + (n % 100) * 1_000;
    apply({
      type: 'AuthoriseCard',
      orderId,
      orderAwaitingAuthorisation: true,
      opdCode: OPD,
      payeeVendorId: vendorId,
      amountRupiah,
      domesticUmkPurchase: true,
      policy: DEFAULT_POLICY,
      at,
    });
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
  const event = (type: 'VendorRegistered' | 'VendorVerified' | 'ListingCreated'): EventData => ({
    id: randomUUID(),
    type,
    data: data[type],
    metadata: metadata(),
  });
  await store.appendToStream(`vendor-${ids.vendorId}`, [event('VendorRegistered'), event('VendorVerified')], { expectedRevision: 'no_stream' });
  await store.appendToStream(`listing-${ids.listingId}`, [event('ListingCreated')], { expectedRevision: 'no_stream' });
  return { vendorId: ids.vendorId, listingId: ids.listingId };
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)]!, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! };
}

/** One store with its hot card, and every operation the benchmark times on it. */
interface Rig {
  readonly orders: number;
  readonly cardEvents: number;
  /** Read the whole card stream and fold it from the start. */
  readonly foldFromStart: () => Promise<void>;
  /** evolve over the card's events already in memory; returns the number of events. */
  readonly evolveAll: () => number;
  /** evolve over the tail onto a fresh copy of the state before it; returns the number of events. */
  readonly evolveTail: () => number;
  readonly tailUsPerEvent: () => number;
  readonly rawWhole: () => void;
  readonly rawTail: () => void;
  readonly rawAppend: () => void;
  readonly loadCard: () => Promise<unknown>;
  readonly placeOrder: () => Promise<unknown>;
  readonly authorise: () => Promise<unknown>;
  readonly close: () => Promise<void>;
}

async function rig(orders: number, storeOrders: number): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'bela-bench-hot-card-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  const snapshotsDb = new Database(join(dir, 'snapshots.db'));
  const pipeline = new CommandPipeline(store, undefined, new SqliteSnapshotStore(snapshotsDb));
  const policies = new PolicyService(pipeline);
  const placeOrder = new PlaceOrderHandler(pipeline, policies, NO_SPLIT_PURCHASE_FACTS);
  const cardCommands = new CardCommandHandler(pipeline, policies);
  const { vendorId, listingId } = await seedVendorAndListing(store);
  await pipeline.handle(
    opdDecider,
    opdStreamId(OPD),
    { type: 'RegisterOpd', opdCode: OPD, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' },
    context('admin'),
  );
  for (let filled = orders; filled < storeOrders; filled += FILLER_CARD_ORDERS) {
    await buildHotCard(store, randomUUID(), vendorId, Math.min(FILLER_CARD_ORDERS, storeOrders - filled));
  }
  const cardId = randomUUID();
  const cardEvents = await buildHotCard(store, cardId, vendorId, orders);
  const stream = cardStreamId(cardId);
  const inMemory = (await readWholeStream(store, stream)).map(({ type, data }) => ({ type, data }) as CardEvent);

  const raw = new Database(join(dir, 'events.db'), { readonly: true });
  const rawRows = raw.prepare<[string, number], { data: string; metadata: string }>(
    'SELECT data, metadata FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision',
  );
  const rawRead = (fromRevision: number): void => {
    for (const row of rawRows.all(stream, fromRevision)) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
    }
  };
  // Its own file beside the store (same disk, same durability): rows without a chain link would break the store's chain.
  const rawWriter = new Database(join(dir, 'raw-baseline.db'));
  rawWriter.pragma('journal_mode = WAL');
  rawWriter.pragma('synchronous = FULL');
  rawWriter.exec(
    'CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT, revision INTEGER, event_id TEXT, type TEXT, data TEXT, metadata TEXT, created_ms INTEGER)',
  );
  const rawInsert = rawWriter.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_ms) VALUES (?, 0, ?, ?, ?, ?, ?)');
  const rawAppendOne = rawWriter.transaction(() => {
    const id = randomUUID();
    rawInsert.run(`raw-${id}`, id, 'RawBaseline', JSON.stringify({ n: 1 }), JSON.stringify(metadata()), Date.now());
  });

  const placed: string[] = [];
  let authorised = 0;
  const snapshotBeforeTail = JSON.stringify(cardSnapshotCodec.encode(fold(cardDecider, inMemory.slice(0, -SNAPSHOT_EVERY_EVENTS))));
  let tailUs = 0;
  return {
    orders,
    cardEvents,
    foldFromStart: async () => {
      fold(cardDecider, (await readWholeStream(store, stream)) as unknown as CardEvent[]);
    },
    evolveTail: () => {
      const tail = inMemory.slice(-SNAPSHOT_EVERY_EVENTS);
      const before = cardSnapshotCodec.decode(JSON.parse(snapshotBeforeTail));
      const started = performance.now();
      tail.reduce((state, event) => cardDecider.evolve(state, event), before);
      tailUs = ((performance.now() - started) * 1000) / tail.length;
      return tail.length;
    },
    tailUsPerEvent: () => tailUs,
    evolveAll: () => {
      fold(cardDecider, inMemory);
      return inMemory.length;
    },
    rawWhole: () => rawRead(0),
    rawTail: () => rawRead(cardEvents - SNAPSHOT_EVERY_EVENTS),
    rawAppend: () => rawAppendOne(),
    loadCard: () => pipeline.load(cardDecider, stream),
    placeOrder: async () => {
      const orderId = randomUUID();
      placed.push(orderId);
      const request = {
        orderId,
        opdCode: OPD,
        kabupatenKotaCode: '3673',
        officialName: 'Budi Santoso',
        vendorId,
        cardId,
        lines: [{ listingId, quantity: 2 }],
        shippingRupiah: 0,
      };
      await placeOrder.execute(new PlaceOrderCommand(request, context('admin')));
    },
    authorise: async () => {
      const orderId = placed[authorised++ % placed.length]!;
      const [placedEvent] = (await store.readStream(orderStreamId(orderId), { maxCount: 1 })) as Array<RecordedEvent<{ totalRupiah: number }>>;
      const command = {
        type: 'AuthoriseCard' as const,
        orderId,
        opdCode: OPD,
        payeeVendorId: vendorId,
        amountRupiah: placedEvent!.data.totalRupiah,
        domesticUmkPurchase: true,
      };
      await cardCommands.execute(new CardCommandRequest(cardId, command, context('system', `bench:${orderId}`)));
    },
    close: async () => {
      raw.close();
      rawWriter.close();
      snapshotsDb.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Times `run` on every rig in turn, sample after sample, so that whatever else the machine does
 * falls on every size alike (the machine is shared; sizes measured minutes apart are not comparable).
 */
async function interleaved(
  rigs: readonly Rig[],
  count: number,
  run: (rig: Rig) => Promise<unknown> | unknown,
  warmups = WARMUP_SAMPLES,
): Promise<Percentiles[]> {
  for (let n = 0; n < warmups; n += 1) for (const each of rigs) await run(each);
  const samples = rigs.map((): number[] => []);
  for (let n = 0; n < count; n += 1) {
    for (const [index, each] of rigs.entries()) {
      const started = performance.now();
      await run(each);
      samples[index]!.push(performance.now() - started);
    }
  }
  return samples.map(percentiles);
}

export async function runHotCardBench(sizes: readonly number[] = HOT_CARD_ORDERS): Promise<HotCardFigures[]> {
  const storeOrders = Math.max(...sizes);
  const rigs: Rig[] = [];
  try {
    for (const orders of sizes) rigs.push(await rig(orders, storeOrders));
    const foldFromStart = await interleaved(rigs, FOLD_SAMPLES, (each) => each.foldFromStart(), 1);
    const rawWhole = await interleaved(rigs, FOLD_SAMPLES, (each) => each.rawWhole(), 1);
    const evolveUs = rigs.map((): number[] => []);
    for (let n = 0; n < FOLD_SAMPLES + 1; n += 1) {
      for (const [index, each] of rigs.entries()) {
        const started = performance.now();
        const events = each.evolveAll();
        // The first pass warms the JIT: the per-event figure is the steady state.
        if (n > 0) evolveUs[index]!.push(((performance.now() - started) * 1000) / events);
      }
    }
    const evolveTailUs = rigs.map((): number[] => []);
    for (let n = 0; n < SAMPLES + WARMUP_SAMPLES; n += 1) {
      for (const [index, each] of rigs.entries()) {
        each.evolveTail();
        if (n >= WARMUP_SAMPLES) evolveTailUs[index]!.push(each.tailUsPerEvent());
      }
    }
    const rawTail = await interleaved(rigs, SAMPLES, (each) => each.rawTail());
    const rawAppend = await interleaved(rigs, SAMPLES, (each) => each.rawAppend());
    // The first read keeps each card's snapshot; every later one reads only the tail.
    const loadCard = await interleaved(rigs, SAMPLES, (each) => each.loadCard());
    const placeOrder = await interleaved(rigs, SAMPLES, (each) => each.placeOrder());
    const authorise = await interleaved(rigs, SAMPLES, (each) => each.authorise());
    return rigs.map((each, index) => ({
      orders: each.orders,
      cardEvents: each.cardEvents,
      foldFromStartMs: foldFromStart[index]!.p50,
      evolveUsPerEvent: percentiles(evolveUs[index]!).p50,
      evolveTailUsPerEvent: percentiles(evolveTailUs[index]!).p50,
      loadCard: loadCard[index]!,
      placeOrder: placeOrder[index]!,
      authorise: authorise[index]!,
      rawTail: rawTail[index]!,
      rawWholeMs: rawWhole[index]!.p50,
      rawAppend: rawAppend[index]!,
    }));
  } finally {
    for (const each of rigs) await each.close();
  }
}

const ms = (value: number): string => value.toFixed(2).padStart(8);
const pair = ({ p50, p99 }: Percentiles): string => `${ms(p50)} ${ms(p99)}`;

export function printHotCard(figures: readonly HotCardFigures[]): void {
  console.log(
    `  times in ms (p50 p99 over ${SAMPLES} samples); snapshot every ${SNAPSHOT_EVERY_EVENTS} events; ${OPEN_HOLDS} holds open; every store ${Math.max(...figures.map((f) => f.orders))} orders`,
  );
  console.log(
    `  ${'orders'.padStart(8)} ${'events'.padStart(8)} | ${'fold from start'.padStart(15)} ${'us/event'.padStart(8)} ${'tail us/event'.padStart(13)} | ${'raw whole'.padStart(9)} | ${'raw tail p50 p99'.padStart(17)} | ${'load card p50 p99'.padStart(17)} | ${'raw append p50 p99'.padStart(18)} | ${'place order p50 p99'.padStart(19)} | ${'authorise p50 p99'.padStart(17)}`,
  );
  for (const f of figures) {
    console.log(
      `  ${String(f.orders).padStart(8)} ${String(f.cardEvents).padStart(8)} | ${ms(f.foldFromStartMs).padStart(15)} ${f.evolveUsPerEvent.toFixed(2).padStart(8)} ${f.evolveTailUsPerEvent.toFixed(2).padStart(13)} | ${ms(f.rawWholeMs).padStart(9)} | ${pair(f.rawTail)}  | ${pair(f.loadCard)}  | ${pair(f.rawAppend).padStart(18)} | ${pair(f.placeOrder).padStart(19)} | ${pair(f.authorise)}`,
    );
  }
  const first = figures[0];
  const last = figures[figures.length - 1];
  if (first === undefined || last === undefined || first === last) return;
  const ratio = (pick: (f: HotCardFigures) => number): string => (pick(last) / pick(first)).toFixed(2);
  const placeRatio = last.placeOrder.p50 / first.placeOrder.p50;
  console.log(
    `  ${last.orders} vs ${first.orders} orders (p50): load card ${ratio((f) => f.loadCard.p50)}x, place order ${placeRatio.toFixed(2)}x, authorise ${ratio((f) => f.authorise.p50)}x, evolve per event of the tail ${ratio((f) => f.evolveTailUsPerEvent)}x (of the whole stream ${ratio((f) => f.evolveUsPerEvent)}x, raw whole read per event ${ratio((f) => f.rawWholeMs / f.cardEvents)}x)` +
      ` (flat: <= ${FLAT_RATIO_MAX}x; ${placeRatio <= FLAT_RATIO_MAX ? 'flat' : 'NOT flat'})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number);
  printHotCard(await runHotCardBench(sizes.length > 0 ? sizes : HOT_CARD_ORDERS));
}
