import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { MarketGenerator, MarketSummary } from '../../src/demo/market-generator.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { ProjectionRunners } from '../../src/read-models/projection-runners.js';
import { openReadModelDatabase } from '../../src/read-models/read-model-database.js';
import { allChecksums, cardMismatches, rebuildInto, trialBalanceOf } from '../support/read-model-fixture.js';

/** READMODELS_REBUILD_EVENTS sets the history's size (default 100,000 events). */
const TARGET_EVENTS = Number(process.env.READMODELS_REBUILD_EVENTS ?? 100_000);
const SEED = process.env.READMODELS_REBUILD_SEED ?? 'banten-2025';
const CATCH_UP_WAIT_MS = 30_000;
const CATCH_UP_ROUNDS_MAX = 40;

/** Generation and two rebuilds of 100,000 events take minutes on 2 cores. */
const SUITE_STEP_MS = 30 * 60_000;

async function catchUp(runners: ProjectionRunners, head: bigint): Promise<void> {
  for (let round = 0; round < CATCH_UP_ROUNDS_MAX; round += 1) {
    if (await runners.waitForPosition(runners.names(), head, CATCH_UP_WAIT_MS)) return;
  }
  throw new Error(`projections did not reach ${head}: ${JSON.stringify(await runners.statuses())}`);
}

describe(`read models over a generated history of ${TARGET_EVENTS} events (integration)`, () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: Database.Database;
  let runners: ProjectionRunners;
  let pipeline: CommandPipeline;
  let summary: MarketSummary;
  let head: bigint;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-rebuild-'));
    store = SqliteEventStore.open(join(dir, 'events.db'));
    pipeline = new CommandPipeline(store);
    db = openReadModelDatabase(join(dir, 'read-models.db'));
    const engine = new ProjectionEngine(db, ALL_PROJECTIONS);
    runners = new ProjectionRunners(engine, (consumer) => new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(db)), store);
    for (const name of runners.names()) runners.runner(name).start();
    // Live: the projections follow the generator as it writes.
    summary = await new MarketGenerator(pipeline, store, { seed: SEED, targetEvents: TARGET_EVENTS }).run();
    head = await store.headPosition();
    await catchUp(runners, head);
    figures.generated = summary;
  }, SUITE_STEP_MS);

  afterAll(async () => {
    await Promise.all(runners.names().map((name) => runners.runner(name).stop()));
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`\n[readmodels-rebuild] ${JSON.stringify(figures, null, 2)}\n`);
  }, SUITE_STEP_MS);

  it('generated at least the target number of events through the command path', () => {
    expect(summary.events).toBeGreaterThanOrEqual(TARGET_EVENTS);
    expect(summary.orders).toBeGreaterThan(0);
    expect(Object.keys(summary.ordersByOutcome)).toEqual(expect.arrayContaining(['paid', 'cancelled', 'rejected', 'expired']));
  });

  it('keeps the journal balanced: every entry debits = credits, the trial balance nets to zero', () => {
    const trial = trialBalanceOf(db);
    expect(trial.debitRupiah).toBeGreaterThan(0);
    expect(trial).toMatchObject({ netRupiah: 0, unbalancedEntries: 0 });
    expect(trial.debitRupiah).toBe(trial.creditRupiah);
  });

  it(
    "agrees with every card aggregate: projected available = journal card-available = the fold of the card's stream",
    async () => {
      expect(await cardMismatches(db, pipeline)).toEqual([]);
      expect((db.prepare('SELECT COUNT(*) AS n FROM card_accounts').get() as { n: number }).n).toBe(summary.cards);
    },
    SUITE_STEP_MS,
  );

  it(
    'a full rebuild (built beside the served rows, then swapped in) yields exactly the live rows, table by table',
    async () => {
      const live = allChecksums(runners.engine);
      const startedMs = performance.now();
      await runners.rebuild(runners.names());
      await runners.whenRebuilt();
      await catchUp(runners, head);
      const elapsedMs = Math.round(performance.now() - startedMs);
      figures.rebuild = { events: Number(head), elapsedMs, eventsPerSecond: Math.round((Number(head) * 1000) / elapsedMs) };
      expect(allChecksums(runners.engine)).toEqual(live);
      expect(Object.values(live).every((checksum) => checksum.rows > 0)).toBe(true);
    },
    SUITE_STEP_MS,
  );

  it(
    'an offline replay into a scratch database (the auditor path) yields the same rows',
    async () => {
      const live = allChecksums(runners.engine);
      const scratch = await rebuildInto(join(dir, 'scratch.db'), store);
      try {
        figures.offlineReplay = {
          events: scratch.events,
          elapsedMs: scratch.elapsedMs,
          eventsPerSecond: Math.round((scratch.events * 1000) / scratch.elapsedMs),
        };
        expect(allChecksums(scratch.engine)).toEqual(live);
        expect(trialBalanceOf(scratch.db).netRupiah).toBe(0);
      } finally {
        scratch.db.close();
      }
    },
    SUITE_STEP_MS,
  );
});
