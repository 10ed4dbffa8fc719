import BetterSqlite3 from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import type { Projection } from '../../projections/projection.js';
import { MarketGenerator } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { openScratchReadModelDatabase } from '../../src/read-models/read-model-database.js';
import { allChecksums, secondaryIndexesOf } from '../support/read-model-fixture.js';

const TARGET_EVENTS = 3_000;
/** Small pages and a small commit threshold: many pages per commit, many commits per pass. */
const PAGE_EVENTS = 100;
const HELD_ROWS_PER_COMMIT = 400;
const SUITE_STEP_MS = 5 * 60_000;

/** The checkpoints as stored in the file (what a swap or another connection would see), not the engine's pending ones. */
function storedCheckpoints(db: Database.Database): Map<string, bigint> {
  const rows = db.prepare('SELECT consumer, position FROM checkpoints').safeIntegers().all() as { consumer: string; position: bigint }[];
  return new Map(rows.map((row) => [row.consumer, row.position]));
}

/** The lowest stored checkpoint of the projections (they move together in one pass). */
function lowestStored(db: Database.Database): bigint {
  const stored = storedCheckpoints(db);
  const positions = ALL_PROJECTIONS.map((projection) => stored.get(projection.name) ?? -1n);
  return positions.reduce((lowest, position) => (position < lowest ? position : lowest));
}

/** Those the projections' schemas create. */
function schemaIndexes(): ReturnType<typeof secondaryIndexesOf> {
  const db = new BetterSqlite3(':memory:');
  try {
    for (const projection of ALL_PROJECTIONS) db.exec(projection.schemaSql);
    return secondaryIndexesOf(db);
  } finally {
    db.close();
  }
}

/** The orders projection, failing at one event (a poison event for a pass). */
function ordersFailingAt(position: number): Projection[] {
  return ALL_PROJECTIONS.map((projection) =>
    projection.name !== 'orders'
      ? projection
      : {
          ...projection,
          project: (event, lookup) => {
            if (event.position === position) throw new Error(`poison at ${position}`);
            return projection.project(event, lookup);
          },
        },
  );
}

/**
 * A catch-up into a file nothing reads before it returns (a rebuild beside the served rows, the
 * auditor's replay) keeps the rows it changes in memory across pages and writes them when many
 * are held. The rows must be those of a catch-up that writes every page, and the file must never
 * hold rows its checkpoints do not account for: not after a failed page, not after a stop.
 */
describe('a catch-up holding rows across pages (integration)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: RecordedEvent[];
  let files = 0;

  const scratch = (): Database.Database => {
    files += 1;
    return openScratchReadModelDatabase(join(dir, `rm-${files}.db`));
  };
  /** Checksums of a catch-up writing every page, up to `position` (every event when absent). */
  const reference = async (position?: bigint): Promise<ReturnType<typeof allChecksums>> => {
    const db = scratch();
    try {
      const engine = new ProjectionEngine(db, ALL_PROJECTIONS);
      await engine.replay(store, { pageEvents: PAGE_EVENTS, ...(position === undefined ? {} : { within: (event) => event.position <= position }) });
      return allChecksums(engine);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-held-rows-'));
    store = SqliteEventStore.open(join(dir, 'events.db'), { durability: 'bulk' });
    await new MarketGenerator(new CommandPipeline(store), store, { seed: 'held-rows', targetEvents: TARGET_EVENTS, vendorCount: 30, ordersPerDay: 30 }).run();
    events = await store.readAll({ fromPosition: 0n, maxCount: TARGET_EVENTS * 2 });
  }, SUITE_STEP_MS);

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'leaves every table as a catch-up writing each page does, committing several times on the way',
    async () => {
      const db = scratch();
      try {
        const engine = new ProjectionEngine(db, ALL_PROJECTIONS, { holdRowsAcrossPages: true, heldRowsPerCommit: HELD_ROWS_PER_COMMIT });
        const commits = new Set<bigint>();
        let pagesAheadOfTheFile = 0;
        const read = await engine.replay(store, {
          pageEvents: PAGE_EVENTS,
          onPage: (position) => {
            // The engine reports what it applied; the file holds what it committed.
            expect(engine.loadCheckpoint('orders')).toBe(position);
            const stored = lowestStored(db);
            expect(stored).toBeLessThanOrEqual(position);
            if (stored < position) pagesAheadOfTheFile += 1;
            commits.add(stored);
          },
        });
        expect(read).toBe(events.length);
        expect(pagesAheadOfTheFile).toBeGreaterThan(0);
        expect(commits.size).toBeGreaterThan(3);
        // Returned: everything written and committed.
        expect(lowestStored(db)).toBe(events[events.length - 1]!.position);
        expect(allChecksums(engine)).toEqual(await reference());
      } finally {
        db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'in a live service (the event loop turning between pages) each commit is written in slices, the loop turning between them, with the same rows',
    async () => {
      const db = scratch();
      try {
        const engine = new ProjectionEngine(db, ALL_PROJECTIONS, {
          holdRowsAcrossPages: true,
          heldRowsPerCommit: HELD_ROWS_PER_COMMIT,
          heldRowsWrittenPerTurn: 37,
        });
        let turns = 0;
        let counting = true;
        const count = (): void => {
          turns += 1;
          if (counting) setImmediate(count);
        };
        setImmediate(count);
        let pages = 0;
        const read = await engine
          .catchUp(
            store,
            ALL_PROJECTIONS.map((projection) => projection.name),
            { pageEvents: PAGE_EVENTS, yieldBetweenPages: true, onPage: () => (pages += 1) },
          )
          .finally(() => (counting = false));
        expect(read).toBe(events.length);
        // One turn per page when commits are written at once; each commit of hundreds of rows adds several.
        expect(turns).toBeGreaterThan(pages * 2);
        expect(allChecksums(engine)).toEqual(await reference());
      } finally {
        db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'after a page fails, the file stands at its last commit, rows and checkpoints together, and goes on from there',
    async () => {
      const poison = events[Math.floor(events.length * 0.6)]!;
      const db = scratch();
      try {
        const failing = new ProjectionEngine(db, ordersFailingAt(Number(poison.position)), {
          holdRowsAcrossPages: true,
          heldRowsPerCommit: HELD_ROWS_PER_COMMIT,
        });
        await expect(failing.replay(store, { pageEvents: PAGE_EVENTS })).rejects.toThrow(`poison at ${poison.position}`);
        const stood = lowestStored(db);
        expect(stood).toBeGreaterThan(0n);
        expect(stood).toBeLessThan(poison.position);
        // Nothing pending is reported once the pass failed: the engine says what the file says.
        for (const projection of ALL_PROJECTIONS) expect(failing.loadCheckpoint(projection.name)).toBe(storedCheckpoints(db).get(projection.name));
        expect(allChecksums(failing)).toEqual(await reference(stood));

        // The projection fixed, the pass goes on from the commit and ends where a clean one does.
        const fixed = new ProjectionEngine(db, ALL_PROJECTIONS, { holdRowsAcrossPages: true, heldRowsPerCommit: HELD_ROWS_PER_COMMIT });
        const rest = await fixed.replay(store, { pageEvents: PAGE_EVENTS });
        expect(rest).toBe(events.filter((event) => event.position > stood).length);
        expect(allChecksums(fixed)).toEqual(await reference());
        expect(secondaryIndexesOf(db)).toEqual(schemaIndexes());
      } finally {
        db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'a pass stopped between pages writes what it applied before it returns',
    async () => {
      const db = scratch();
      try {
        const engine = new ProjectionEngine(db, ALL_PROJECTIONS, { holdRowsAcrossPages: true, heldRowsPerCommit: HELD_ROWS_PER_COMMIT * 100 });
        let pages = 0;
        let last = -1n;
        const read = await engine.catchUp(
          store,
          ALL_PROJECTIONS.map((projection) => projection.name),
          {
            pageEvents: PAGE_EVENTS,
            onPage: (position) => {
              pages += 1;
              last = position;
            },
            stopped: () => pages === 7,
          },
        );
        expect(read).toBe(7 * PAGE_EVENTS);
        // Nothing was committed on the way (the threshold is far off): the stop wrote it all.
        expect(lowestStored(db)).toBe(last);
        expect(allChecksums(engine)).toEqual(await reference(last));
      } finally {
        db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'its new tables get their secondary indexes when a statement keyed by other columns needs them, or once the rows are in',
    async () => {
      const db = scratch();
      try {
        const engine = new ProjectionEngine(db, ALL_PROJECTIONS, { holdRowsAcrossPages: true, heldRowsPerCommit: HELD_ROWS_PER_COMMIT });
        expect(schemaIndexes().length).toBeGreaterThan(10);
        expect(secondaryIndexesOf(db)).toEqual([]);
        // A vendor's verification updates its listings by vendor_id, as SQL: that table's indexes come first.
        expect(events.some((event) => event.type === 'VendorVerified')).toBe(true);
        await engine.catchUp(
          store,
          ALL_PROJECTIONS.map((projection) => projection.name),
          { pageEvents: PAGE_EVENTS },
        );
        const listingIndexes = schemaIndexes().filter((index) => index.tbl_name === 'catalog_listings');
        expect(listingIndexes.length).toBeGreaterThan(0);
        expect(secondaryIndexesOf(db)).toEqual(listingIndexes);
        engine.createDeferredIndexes();
        expect(secondaryIndexesOf(db)).toEqual(schemaIndexes());
        expect(allChecksums(engine)).toEqual(await reference());

        // replay() leaves a database ready for any query: every index.
        const replayDb = scratch();
        try {
          await new ProjectionEngine(replayDb, ALL_PROJECTIONS, { holdRowsAcrossPages: true }).replay(store, { pageEvents: PAGE_EVENTS });
          expect(secondaryIndexesOf(replayDb)).toEqual(schemaIndexes());
        } finally {
          replayDb.close();
        }
      } finally {
        db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it('refuses live batches: their rows must be written with their checkpoint', () => {
    const db = scratch();
    try {
      const engine = new ProjectionEngine(db, ALL_PROJECTIONS, { holdRowsAcrossPages: true });
      expect(() => engine.applyBatch('orders', events.slice(0, 1), events[0]!.position)).toThrow('live batches go to an engine that writes each transaction');
    } finally {
      db.close();
    }
  });
});
