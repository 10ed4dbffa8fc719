import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { MarketGenerator } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { openScratchReadModelDatabase } from '../../src/read-models/read-model-database.js';
import { WriteBehindRows } from '../../src/read-models/write-behind-rows.js';
import { allChecksums } from '../support/read-model-fixture.js';
import { referenceChecksums } from '../support/statement-by-statement.js';

const SEEDS = ['sameness-a', 'sameness-b', 'sameness-c'];
const TARGET_EVENTS = 3_000;
/** Live batches as the subscription runner hands them over: small and of uneven sizes. */
const LIVE_BATCH_EVENTS = [1, 7, 50, 3];
const SUITE_STEP_MS = 5 * 60_000;

/**
 * The engine holds row changes in a write-behind cache and writes each touched row once per
 * transaction. Whatever it does, the rows must be those of the plain path: every change its own
 * statement, run at once. Checked on generated markets, for the offline replay (pages) and the
 * live path (small batches per projection).
 */
describe('the write-behind row cache leaves the rows of the statement-by-statement path (integration)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bela-sameness-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(SEEDS)(
    'market %s: offline replay and live batches give every table the checksum of the reference',
    async (seed) => {
      const store = SqliteEventStore.open(join(dir, `${seed}-events.db`), { durability: 'bulk' });
      try {
        await new MarketGenerator(new CommandPipeline(store), store, { seed, targetEvents: TARGET_EVENTS, vendorCount: 30, ordersPerDay: 30 }).run();
        const events = await store.readAll({ fromPosition: 0n, maxCount: TARGET_EVENTS * 2 });
        expect(events.length).toBeGreaterThanOrEqual(TARGET_EVENTS);
        // The catalog's vendor changes run as SQL (their key is not the primary key): the history has some.
        expect(events.some((event) => event.type === 'VendorVerified')).toBe(true);

        const referenceDb = openScratchReadModelDatabase(join(dir, `${seed}-reference.db`));
        const reference = await referenceChecksums(referenceDb, ALL_PROJECTIONS, store);
        referenceDb.close();
        expect(Object.values(reference).reduce((rows, checksum) => rows + checksum.rows, 0)).toBeGreaterThan(TARGET_EVENTS);

        const replayDb = openScratchReadModelDatabase(join(dir, `${seed}-replay.db`));
        const replayed = new ProjectionEngine(replayDb, ALL_PROJECTIONS);
        expect(await replayed.replay(store)).toBe(events.length);
        expect(allChecksums(replayed)).toEqual(reference);
        // Every table of the shipped projections goes through the cache (none falls back to SQL as a whole).
        const rows = new WriteBehindRows(replayDb, new Map(ALL_PROJECTIONS.flatMap((projection) => projection.tables.map((table) => [table.name, table]))));
        expect(ALL_PROJECTIONS.flatMap((projection) => projection.tables.map((table) => table.name)).filter((table) => !rows.holds(table))).toEqual([]);
        replayDb.close();

        const liveDb = openScratchReadModelDatabase(join(dir, `${seed}-live.db`));
        const live = new ProjectionEngine(liveDb, ALL_PROJECTIONS);
        for (const projection of ALL_PROJECTIONS) {
          const types = new Set(projection.eventTypes);
          for (let start = 0, batch = 0; start < events.length; batch += 1) {
            const slice = events.slice(start, start + LIVE_BATCH_EVENTS[batch % LIVE_BATCH_EVENTS.length]!);
            live.applyBatch(
              projection.name,
              slice.filter((event) => types.has(event.type)),
              slice[slice.length - 1]!.position,
            );
            start += slice.length;
          }
        }
        expect(allChecksums(live)).toEqual(reference);
        liveDb.close();
      } finally {
        await store.close();
      }
    },
    SUITE_STEP_MS,
  );
});
