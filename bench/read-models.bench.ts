/**
 * Read-model benchmark: generate a market history through the command path, then rebuild every
 * projection from it offline. Run: node --import tsx bench/read-models.bench.ts [events] [seed]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../projections/index.js';
import { MarketGenerator, marketPipeline } from '../src/demo/market-generator.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { OFFLINE_REPLAY_ENGINE, ProjectionEngine } from '../src/read-models/projection-engine.js';
import { openReadModelDatabase } from '../src/read-models/read-model-database.js';

const events = Number(process.argv[2] ?? 100_000);
const seed = process.argv[3] ?? 'bench';
const dir = mkdtempSync(join(tmpdir(), 'bela-bench-read-models-'));
try {
  const store = SqliteEventStore.open(join(dir, 'events.db'), { durability: 'bulk' });
  const generated = await new MarketGenerator(marketPipeline(store), store, { seed, targetEvents: events }).run();
  const db = openReadModelDatabase(join(dir, 'read-models.db'));
  const engine = new ProjectionEngine(db, ALL_PROJECTIONS, OFFLINE_REPLAY_ENGINE);
  const startedMs = performance.now();
  const replayed = await engine.replay(store);
  const rebuildMs = Math.round(performance.now() - startedMs);
  process.stdout.write(
    `${JSON.stringify({
      generated: {
        events: generated.events,
        orders: generated.orders,
        elapsedMs: generated.elapsedMs,
        eventsPerSecond: Math.round((generated.events * 1000) / generated.elapsedMs),
      },
      rebuild: { projections: ALL_PROJECTIONS.length, events: replayed, elapsedMs: rebuildMs, eventsPerSecond: Math.round((replayed * 1000) / rebuildMs) },
    })}\n`,
  );
  db.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
