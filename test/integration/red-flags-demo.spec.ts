import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { redFlagsProjection } from '../../projections/red-flags/red-flags.projection.js';
import { MarketGenerator } from '../../src/demo/market-generator.js';
import { RED_FLAG_ORDERS } from '../../src/demo/red-flag-scenarios.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { RED_FLAG_RULES } from '../../src/red-flags/domain/red-flag-rules.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { ProjectionRunners } from '../../src/read-models/projection-runners.js';
import { openReadModelDatabase } from '../../src/read-models/read-model-database.js';

const SEED = 'red-flags-demo';
const TARGET_EVENTS = 3_000;
const CATCH_UP_WAIT_MS = 30_000;
const SUITE_STEP_MS = 5 * 60_000;

describe('the demo market raises every red-flag rule (integration)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: Database.Database;
  let runners: ProjectionRunners;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-red-flags-'));
    store = SqliteEventStore.open(join(dir, 'events.db'));
    db = openReadModelDatabase(join(dir, 'read-models.db'));
    runners = new ProjectionRunners(
      new ProjectionEngine(db, [redFlagsProjection]),
      (consumer) => new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(db)),
      store,
    );
    for (const name of runners.names()) runners.runner(name).start();
    // Live: the projection follows the generator as it writes, through the same command handlers as the service.
    await new MarketGenerator(new CommandPipeline(store), store, { seed: SEED, targetEvents: TARGET_EVENTS, vendorCount: 40, ordersPerDay: 25 }).run();
    expect(await runners.waitForPosition(runners.names(), await store.headPosition(), CATCH_UP_WAIT_MS)).toBe(true);
  }, SUITE_STEP_MS);

  afterAll(async () => {
    await Promise.all(runners.names().map((name) => runners.runner(name).stop()));
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }, SUITE_STEP_MS);

  it('holds at least one flag of each rule, and every rule the scenario means to raise', () => {
    const counts = Object.fromEntries(
      (db.prepare('SELECT rule, COUNT(*) AS n FROM red_flags GROUP BY rule').all() as { rule: string; n: number }[]).map((row) => [row.rule, row.n]),
    );
    process.stdout.write(`\n[red-flags-demo] flags by rule: ${JSON.stringify(counts)}\n`);
    expect(Object.keys(counts).sort()).toEqual([...RED_FLAG_RULES].sort());
    expect(new Set(RED_FLAG_ORDERS.flatMap((order) => order.raises))).toEqual(new Set(RED_FLAG_RULES));
  });

  it('names the split purchase of the scenario: two orders 18 s apart and a third, with the policy revision the demo adopted', () => {
    const splits = db
      .prepare("SELECT order_ids, parameters, policy_revision, amount_rupiah FROM red_flags WHERE rule = 'split-purchase' ORDER BY raised_position")
      .all() as {
      order_ids: string;
      parameters: string;
      policy_revision: number;
      amount_rupiah: number;
    }[];
    const scenario = splits.filter((flag) => flag.amount_rupiah === 96_000_000 || flag.amount_rupiah === 128_000_000);
    expect(scenario.map((flag) => [JSON.parse(flag.order_ids).length, flag.amount_rupiah, flag.policy_revision])).toEqual([
      [2, 96_000_000, 1],
      [3, 128_000_000, 1],
    ]);
    expect(JSON.parse(scenario[0]!.parameters)).toMatchObject({ maxOrderTotalRupiah: 50_000_000, splitWindowDays: 30, splitPurchaseAction: 'flag' });
  });

  it(
    'an offline rebuild gives the same rows and flag ids as the live projection',
    async () => {
      const scratch = openReadModelDatabase(join(dir, 'scratch.db'));
      try {
        const engine = new ProjectionEngine(scratch, [redFlagsProjection]);
        await engine.replay(store);
        const live = runners.engine.checksums(redFlagsProjection.name);
        expect(engine.checksums(redFlagsProjection.name)).toEqual(live);
        expect(live.every((table) => table.rows > 0)).toBe(true);
      } finally {
        scratch.close();
      }
    },
    SUITE_STEP_MS,
  );
});
