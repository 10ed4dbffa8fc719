import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { MarketGenerator } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { CATCH_UP_PAGE_EVENTS, ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { ProjectionRunners } from '../../src/read-models/projection-runners.js';
import { openReadModelDatabase } from '../../src/read-models/read-model-database.js';
import { allChecksums, rebuildInto } from '../support/read-model-fixture.js';

const SEED = 'catch-up-pass';
const TARGET_EVENTS = 6_000;
const CATCH_UP_WAIT_MS = 30_000;
const SUITE_STEP_MS = 5 * 60_000;
/** Looks at a projection's status while the start-up pass runs (one per turn of the event loop). */
const STATUS_LOOKS_MAX = 100_000;

/**
 * A service started on an existing history (a new read-model database): one catch-up pass
 * brings every projection to the head while the runners wait, then the runners go on live.
 */
describe('the catch-up pass of the projections (integration)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let pipeline: CommandPipeline;
  let db: Database.Database;
  let runners: ProjectionRunners;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-catch-up-'));
    store = SqliteEventStore.open(join(dir, 'events.db'));
    pipeline = new CommandPipeline(store);
    await new MarketGenerator(pipeline, store, { seed: SEED, targetEvents: TARGET_EVENTS, vendorCount: 40, ordersPerDay: 25 }).run();
    db = openReadModelDatabase(join(dir, 'read-models.db'));
    runners = new ProjectionRunners(
      new ProjectionEngine(db, ALL_PROJECTIONS),
      (consumer) => new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(db)),
      store,
    );
  }, SUITE_STEP_MS);

  afterAll(async () => {
    await Promise.all(runners.names().map((name) => runners.runner(name).stop()));
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'starting the runners on a whole history: they wait while the pass builds new tables beside the empty ones, then stand at the head with the rows of an offline replay',
    async () => {
      const head = await store.headPosition();
      for (const name of runners.names()) runners.runner(name).start();

      const during = await runners.statuses({ rows: false });
      expect(during.every((status) => status.catchingUp && status.lagEvents > 0 && status.tables === undefined)).toBe(true);
      // Built beside the empty tables: until the swap, the served position says nothing is there yet.
      expect(during.map((status) => status.position)).toEqual(runners.names().map(() => '-1'));
      // Looked at while it runs: a position at the head always comes with the rows (never the pass's alone).
      const ordersAtHeadWithoutRows: string[] = [];
      for (let look = 0; look < STATUS_LOOKS_MAX; look += 1) {
        const orders = await runners.status('orders');
        if (BigInt(orders.position) >= head && orders.tables!.order_summaries === 0) ordersAtHeadWithoutRows.push(JSON.stringify(orders));
        if (!orders.catchingUp) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(ordersAtHeadWithoutRows).toEqual([]);

      expect(await runners.waitForPosition(runners.names(), head, CATCH_UP_WAIT_MS)).toBe(true);
      const after = await runners.statuses();
      expect(after.map((status) => [status.name, status.catchingUp, status.position, status.lagEvents])).toEqual(
        runners.names().map((name) => [name, false, head.toString(), 0]),
      );
      expect(Object.values(after.find((status) => status.name === 'orders')!.tables!).some((rows) => rows > 0)).toBe(true);
      // New tables are built in a scratch file and swapped in whole; the file is gone after.
      expect(existsSync(join(dir, 'read-models.db.catch-up'))).toBe(false);

      const scratch = await rebuildInto(join(dir, 'scratch.db'), store);
      try {
        expect(allChecksums(runners.engine)).toEqual(allChecksums(scratch.engine));
      } finally {
        scratch.db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'a rebuild is built beside the served rows: readers keep every row meanwhile, events appended meanwhile are in it, and it replaces a tampered table at once',
    async () => {
      const before = allChecksums(runners.engine);
      const journalRows = (): number => (db.prepare('SELECT COUNT(*) AS n FROM journal_lines').get() as { n: number }).n;
      const rows = journalRows();
      // Edited on disk: the rebuild must put the projected rows back.
      db.prepare('UPDATE journal_balances SET balance_rupiah = balance_rupiah + 1').run();
      expect(allChecksums(runners.engine)['journal.journal_balances']).not.toEqual(before['journal.journal_balances']);

      const servedAt = (await runners.status('journal')).position;
      const [started] = await runners.rebuild(['journal']);
      // The served rows stay where they were; the pass starts from nothing beside them.
      expect(started).toMatchObject({ name: 'journal', catchingUp: true, position: servedAt, pass: { position: '-1' } });
      expect(journalRows()).toBe(rows);
      // Appended while it builds (the runners keep the served rows current meanwhile).
      await new MarketGenerator(pipeline, store, { seed: `${SEED}-during-rebuild`, targetEvents: 400, vendorCount: 5, ordersPerDay: 10 }).run();
      expect(journalRows()).toBeGreaterThanOrEqual(rows);
      await runners.whenRebuilt();

      const head = await store.headPosition();
      expect(await runners.waitForPosition(runners.names(), head, CATCH_UP_WAIT_MS)).toBe(true);
      const journal = await runners.status('journal');
      expect([journal.catchingUp, journal.position, journal.lagEvents]).toEqual([false, head.toString(), 0]);
      const scratch = await rebuildInto(join(dir, 'after-rebuild.db'), store);
      try {
        expect(allChecksums(runners.engine)).toEqual(allChecksums(scratch.engine));
      } finally {
        scratch.db.close();
      }
      expect(existsSync(join(dir, 'read-models.db.rebuild'))).toBe(false);
    },
    SUITE_STEP_MS,
  );

  it(
    "the replay's page size changes the commits, never the rows",
    async () => {
      const reference = await rebuildInto(join(dir, 'pages-default.db'), store);
      const paged = openReadModelDatabase(join(dir, 'pages-odd.db'));
      try {
        const engine = new ProjectionEngine(paged, ALL_PROJECTIONS);
        const pages: number[] = [];
        const PAGE_EVENTS = 997;
        const events = await engine.replay(store, { pageEvents: PAGE_EVENTS, onPage: (_position, read) => pages.push(read) });
        expect(events).toBe(reference.events);
        expect(pages).toEqual(Array.from({ length: Math.ceil(events / PAGE_EVENTS) }, (_, index) => Math.min((index + 1) * PAGE_EVENTS, events)));
        expect(allChecksums(engine)).toEqual(allChecksums(reference.engine));
        expect(PAGE_EVENTS).not.toBe(CATCH_UP_PAGE_EVENTS);
        await expect(engine.replay(store, { pageEvents: 0 })).rejects.toThrow('a catch-up page fits in one read of the store');
      } finally {
        paged.close();
        reference.db.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'rebuilds asked during the start-up pass are answered at once: the first waits for the pass, the second takes it over, and the rows end as a replay',
    async () => {
      const queuedDb = openReadModelDatabase(join(dir, 'queued.db'));
      const queued = new ProjectionRunners(
        new ProjectionEngine(queuedDb, ALL_PROJECTIONS),
        (consumer) => new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(queuedDb)),
        store,
      );
      try {
        for (const name of queued.names()) queued.runner(name).start();
        const [journal] = await queued.rebuild(['journal']);
        const [vendors] = await queued.rebuild(['vendors']);
        // Answered while the start-up pass still builds every projection (orders is in no rebuild).
        expect((await queued.status('orders', { rows: false })).catchingUp).toBe(true);
        expect([journal!.catchingUp, vendors!.catchingUp]).toEqual([true, true]);
        await queued.whenRebuilt();
        const head = await store.headPosition();
        expect(await queued.waitForPosition(queued.names(), head, CATCH_UP_WAIT_MS)).toBe(true);
        expect((await queued.statuses({ rows: false })).filter((status) => status.catchingUp)).toEqual([]);
        const scratch = await rebuildInto(join(dir, 'queued-reference.db'), store);
        try {
          expect(allChecksums(queued.engine)).toEqual(allChecksums(scratch.engine));
        } finally {
          scratch.db.close();
        }
      } finally {
        await Promise.all(queued.names().map((name) => queued.runner(name).stop()));
        queuedDb.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'a new version of one projection at start-up: the others catch up in place, its tables are built beside and swapped in, never served partly filled',
    async () => {
      const upgradeDb = openReadModelDatabase(join(dir, 'upgrade.db'));
      let upgraded: ProjectionRunners | undefined;
      try {
        await new ProjectionEngine(upgradeDb, ALL_PROJECTIONS).replay(store);
        // Events the others have not seen yet, and an orders table of an older version.
        await new MarketGenerator(pipeline, store, { seed: `${SEED}-before-upgrade`, targetEvents: 300, vendorCount: 5, ordersPerDay: 10 }).run();
        upgradeDb.prepare("UPDATE projection_versions SET version = version - 1 WHERE projection = 'orders'").run();
        upgraded = new ProjectionRunners(
          new ProjectionEngine(upgradeDb, ALL_PROJECTIONS),
          (consumer) => new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(upgradeDb)),
          store,
        );
        const summaries = (): number => (upgradeDb.prepare('SELECT COUNT(*) AS n FROM order_summaries').get() as { n: number }).n;
        expect(summaries()).toBe(0);
        for (const name of upgraded.names()) upgraded.runner(name).start();
        const seen = new Set<number>();
        let builtBeside = false;
        for (let look = 0; look < STATUS_LOOKS_MAX; look += 1) {
          seen.add(summaries());
          builtBeside ||= existsSync(join(dir, 'upgrade.db.catch-up'));
          if (!(await upgraded.status('orders', { rows: false })).catchingUp) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        const head = await store.headPosition();
        expect(await upgraded.waitForPosition(upgraded.names(), head, CATCH_UP_WAIT_MS)).toBe(true);
        const final = summaries();
        expect(final).toBeGreaterThan(0);
        expect(builtBeside).toBe(true);
        // Empty until the swap, then whole.
        expect([...seen].filter((count) => count !== 0 && count !== final)).toEqual([]);
        expect(existsSync(join(dir, 'upgrade.db.catch-up'))).toBe(false);
        const scratch = await rebuildInto(join(dir, 'upgrade-reference.db'), store);
        try {
          expect(allChecksums(upgraded.engine)).toEqual(allChecksums(scratch.engine));
        } finally {
          scratch.db.close();
        }
      } finally {
        if (upgraded) await Promise.all(upgraded.names().map((name) => upgraded!.runner(name).stop()));
        upgradeDb.close();
      }
    },
    SUITE_STEP_MS,
  );

  it(
    'a shutdown while a rebuild builds drops it: the served rows stay as they were and its file is deleted',
    async () => {
      // Tampered, so that a swap would show: a dropped rebuild must leave even this as it is.
      db.prepare('UPDATE journal_balances SET balance_rupiah = balance_rupiah + 1').run();
      const served = allChecksums(runners.engine);
      const [started] = await runners.rebuild(runners.names());
      expect(started!.catchingUp).toBe(true);
      expect(existsSync(join(dir, 'read-models.db.rebuild'))).toBe(true);
      await runners.stopCatchUp();
      expect(allChecksums(runners.engine)).toEqual(served);
      expect((await runners.statuses({ rows: false })).map((status) => status.catchingUp)).toEqual(runners.names().map(() => false));
      expect(existsSync(join(dir, 'read-models.db.rebuild'))).toBe(false);
    },
    SUITE_STEP_MS,
  );
});
