import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { MarketGenerator } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { openReadModelDatabase, openRebuildDatabase } from '../../src/read-models/read-model-database.js';
import { swapInWorker } from '../../src/read-models/swap-worker.js';
import { allChecksums, secondaryIndexesOf } from '../support/read-model-fixture.js';

const SUITE_STEP_MS = 120_000;

/** The swap of a rebuild into the live read-model file, by a worker thread's own connection. */
describe('swapping a rebuild in on a worker thread (integration)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let live: ProjectionEngine;
  let rebuilt: ProjectionEngine;
  const names = ALL_PROJECTIONS.map((projection) => projection.name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-rebuild-swap-'));
    store = SqliteEventStore.open(join(dir, 'events.db'));
    await new MarketGenerator(new CommandPipeline(store), store, { seed: 'rebuild-swap', targetEvents: 1_500, vendorCount: 10, ordersPerDay: 10 }).run();
    live = new ProjectionEngine(openReadModelDatabase(join(dir, 'read-models.db')), ALL_PROJECTIONS);
    await live.replay(store);
    // As the service builds it: rows held across pages, no secondary indexes (the swap creates them in the served file).
    rebuilt = new ProjectionEngine(openRebuildDatabase(join(dir, 'read-models.db.rebuild')), ALL_PROJECTIONS, { holdRowsAcrossPages: true });
    await rebuilt.catchUp(store, names);
  }, SUITE_STEP_MS);

  afterAll(async () => {
    live.db.close();
    rebuilt.db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a failing swap rolls back: the served tables and checkpoints stay as they were',
    async () => {
      live.db.prepare('UPDATE card_accounts SET available_rupiah = available_rupiah - 1').run();
      live.checkpoints.save('projection-that-is-not', 1n);
      const served = allChecksums(live);
      const checkpoints = names.map((name) => live.loadCheckpoint(name));
      // A rebuilt journal line without its other columns: the transaction fails half-way, after other projections were copied.
      const broken = new ProjectionEngine(openRebuildDatabase(join(dir, 'broken.db')), ALL_PROJECTIONS);
      broken.db.exec(
        'DROP TABLE journal_lines; CREATE TABLE journal_lines (position INTEGER PRIMARY KEY, line_no INTEGER); INSERT INTO journal_lines VALUES (1, 1)',
      );
      try {
        await expect(swapInWorker(live, broken, names)).rejects.toThrow('NOT NULL constraint failed: journal_lines.card_id');
      } finally {
        broken.db.close();
      }
      expect(allChecksums(live)).toEqual(served);
      expect(names.map((name) => live.loadCheckpoint(name))).toEqual(checkpoints);
    },
    SUITE_STEP_MS,
  );

  it(
    'a swap replaces every table, checkpoint and version with the rebuilt ones, while the event loop keeps turning',
    async () => {
      expect(allChecksums(live)).not.toEqual(allChecksums(rebuilt));
      const servedIndexes = secondaryIndexesOf(live.db);
      expect(servedIndexes.length).toBeGreaterThan(10);
      expect(secondaryIndexesOf(rebuilt.db).length).toBeLessThan(servedIndexes.length);
      let turns = 0;
      const ticker = setInterval(() => (turns += 1), 1);
      try {
        await swapInWorker(live, rebuilt, names);
      } finally {
        clearInterval(ticker);
      }
      expect(turns).toBeGreaterThan(0);
      expect(allChecksums(live)).toEqual(allChecksums(rebuilt));
      // Every secondary index of the schemas in the served file (the rebuilt file had few: built without them).
      expect(secondaryIndexesOf(live.db)).toEqual(servedIndexes);
      expect(names.map((name) => live.loadCheckpoint(name))).toEqual(names.map((name) => rebuilt.loadCheckpoint(name)));
      // The write-behind rows read the recreated tables' layouts again: the engine applies events after the swap.
      await new MarketGenerator(new CommandPipeline(store), store, { seed: 'rebuild-swap-after', targetEvents: 300, vendorCount: 3, ordersPerDay: 5 }).run();
      await live.replay(store);
      await rebuilt.replay(store);
      expect(allChecksums(live)).toEqual(allChecksums(rebuilt));
    },
    SUITE_STEP_MS,
  );
});
