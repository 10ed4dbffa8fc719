import { join } from 'node:path';
import { MarketGenerator, MarketOptions, MarketSummary, marketPipeline } from '../../src/demo/market-generator.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { type EventStore, type RecordedEvent, READ_COUNT_MAX } from '../../src/event-store/event-store.port.js';

/** Writes a generated market history into DATA_DIR/events.db (the service is not running), then closes the store. */
export async function generateHistory(dataDir: string, options: MarketOptions): Promise<MarketSummary & { headPosition: string }> {
  const store = SqliteEventStore.open(join(dataDir, 'events.db'), { durability: 'bulk' });
  try {
    const summary = await new MarketGenerator(marketPipeline(store), store, options).run();
    return { ...summary, headPosition: (await store.headPosition()).toString() };
  } finally {
    await store.close();
  }
}

/** Every event of a store, in $all order, read in bounded pages. */
export async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let from = 0n; ;) {
    const page = await store.readAll({ fromPosition: from, maxCount: READ_COUNT_MAX });
    if (page.length === 0) return all;
    all.push(...page);
    from = page[page.length - 1]!.position + 1n;
  }
}
