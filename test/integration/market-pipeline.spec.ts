import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketGenerator, marketPipeline } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { verifyEventStoreChain } from '../../src/event-store/sqlite/verify-event-store-chain.js';
import { readEverything } from '../support/generated-history.js';

const SEED = 'market-pipeline';
const TARGET_EVENTS = 3_000;
const SUITE_STEP_MS = 5 * 60_000;

/** Each stream's events in revision order, without what the store's clock or interleaving decides (created, position, commitment). */
function byStream(events: readonly RecordedEvent[]): Map<string, unknown[]> {
  const streams = new Map<string, unknown[]>();
  for (const { streamId, revision, id, type, data, metadata } of events) {
    const stream = streams.get(streamId) ?? [];
    stream.push({ revision, id, type, data, metadata });
    streams.set(streamId, stream);
  }
  return streams;
}

async function generate(dir: string, bulk: boolean): Promise<{ events: RecordedEvent[]; summary: unknown }> {
  const path = join(dir, 'events.db');
  const store = SqliteEventStore.open(path, bulk ? { durability: 'bulk' } : {});
  try {
    const pipeline = bulk ? marketPipeline(store) : new CommandPipeline(store);
    const { elapsedMs: _elapsedMs, ...summary } = await new MarketGenerator(pipeline, store, {
      seed: SEED,
      targetEvents: TARGET_EVENTS,
      vendorCount: 40,
      ordersPerDay: 25,
    }).run();
    return { events: await readEverything(store), summary };
  } finally {
    await store.close();
  }
}

describe("the demo generator's own pipeline (stream cache, in-memory snapshots, bulk store) (integration)", () => {
  let dirs: string[];

  beforeAll(() => {
    dirs = [mkdtempSync(join(tmpdir(), 'bela-market-plain-')), mkdtempSync(join(tmpdir(), 'bela-market-fast-'))];
  });

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'writes the same history, stream by stream, as the plain pipeline on a durable store, and its chain verifies',
    async () => {
      const plain = await generate(dirs[0]!, false);
      const fast = await generate(dirs[1]!, true);
      expect(fast.summary).toEqual(plain.summary);
      expect(fast.events).toHaveLength(plain.events.length);
      expect(byStream(fast.events)).toEqual(byStream(plain.events));
      expect(verifyEventStoreChain(join(dirs[1]!, 'events.db'))).toEqual(expect.objectContaining({ ok: true }));
    },
    SUITE_STEP_MS,
  );
});
