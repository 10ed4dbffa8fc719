import { join } from 'node:path';
import { MarketGenerator, MarketOptions, MarketSummary } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

/** Writes a generated market history into DATA_DIR/events.db (the service is not running), then closes the store. */
export async function generateHistory(dataDir: string, options: MarketOptions): Promise<MarketSummary & { headPosition: string }> {
  const store = SqliteEventStore.open(join(dataDir, 'events.db'));
  try {
    const summary = await new MarketGenerator(new CommandPipeline(store), store, options).run();
    return { ...summary, headPosition: (await store.headPosition()).toString() };
  } finally {
    await store.close();
  }
}
