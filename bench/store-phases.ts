/**
 * The large-store phases of the performance report: a history written by the demo generator,
 * then start-up catch-up, live rebuild (over HTTP) and offline replay of every projection,
 * each beside a raw scan of the same file, and the two floors under the replay: the rows written
 * by SQLite alone, and the replay's JavaScript with no row written.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../projections/index.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { OFFLINE_REPLAY_ENGINE, ProjectionEngine } from '../src/read-models/projection-engine.js';
import { openScratchReadModelDatabase } from '../src/read-models/read-model-database.js';
import { HttpClient } from './support/http-load.js';
import { BenchService, CLI_JS, PROJECT_ROOT, issueKey, rssKiB } from './support/service.js';
import { perSecond, sleep } from './support/stats.js';

const POLL_INTERVAL_MS = 100;
const RSS_SAMPLE_INTERVAL_MS = 100;
/** Bounds on the waits for a catch-up; a run that hits one says so in its figures. */
const CATCH_UP_WAIT_MS_MAX = 30 * 60_000;
const GENERATOR_OUTPUT_TAIL_CHARS = 16_384;
/** The offline replay's scratch read-model file, in the scratch directory it is given. */
const REPLAYED_FILE = 'replayed-read-models.db';
/** Past the rows of any history this report generates: the replay holding rows to its end never commits before it. */
const ROWS_HELD_TO_THE_END = 1_000_000_000;
/** The scratch file of the replay that holds every row to its end (deleted once measured). */
const HELD_REPLAY_FILE = 'held-replay-read-models.db';

export interface RowCopyFigures {
  readonly elapsedMs: number;
  /** The replayed events divided by the copy's time: the rate a replay could not beat while writing these rows this way. */
  readonly eventsPerSecond: number;
}

export interface RowWriteFloor {
  readonly rows: number;
  readonly randomKeyOrder: RowCopyFigures;
  readonly keyOrder: RowCopyFigures;
}

export interface GeneratorFigures {
  readonly events: number;
  readonly orders: number;
  /** The generator's own clock (its commands, without process start). */
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly wallMs: number;
  readonly peakRssMiB: number;
}

export interface CatchUpFigures {
  readonly events: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly finished: boolean;
  /** Consumers failing when the others had caught up (left out of the wait). */
  readonly failing: readonly string[];
  readonly peakRssMiB: number;
}

export interface ScanFigures {
  readonly events: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
}

/** `node dist/src/cli.js demo --events N` with DATA_DIR, its resident memory sampled from /proc. */
export async function generate(dataDir: string, events: number): Promise<GeneratorFigures> {
  const startedMs = performance.now();
  const child = spawn(process.execPath, [CLI_JS, 'demo', '--events', String(events)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-GENERATOR_OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let peakKiB = 0;
  const sampler = setInterval(() => {
    peakKiB = Math.max(peakKiB, rssKiB(child.pid));
  }, RSS_SAMPLE_INTERVAL_MS);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`demo generator exited with ${code}:\n${output}`);
  const summaryLine = output
    .trim()
    .split('\n')
    .reverse()
    .find((line) => line.startsWith('{'));
  if (!summaryLine) throw new Error(`demo generator printed no summary:\n${output}`);
  const summary = JSON.parse(summaryLine) as { events: number; orders: number; elapsedMs: number };
  return {
    events: summary.events,
    orders: summary.orders,
    elapsedMs: summary.elapsedMs,
    perSecond: perSecond(summary.events, summary.elapsedMs),
    wallMs: Math.round(performance.now() - startedMs),
    peakRssMiB: Math.round(peakKiB / 1024),
  };
}

export interface Consumer {
  readonly name: string;
  readonly state: 'stopped' | 'running' | 'failing';
  readonly lagEvents: number;
  readonly position: string;
  readonly headPosition: string;
  /** A projection's (GET /admin/projections): a rebuild's pass at lag 0 is still to be swapped in. */
  readonly catchingUp?: boolean;
}

/**
 * Waits until every consumer has lag 0 and no projection is catching up, except those failing
 * (they retry with back-off and may never catch up; they are named in the figures instead of
 * stalling the report).
 */
export async function waitUntilCaughtUp(
  read: () => Promise<readonly Consumer[]>,
  sinceMs: number,
): Promise<{ elapsedMs: number; finished: boolean; failing: string[] }> {
  let failing: string[] = [];
  while (performance.now() - sinceMs < CATCH_UP_WAIT_MS_MAX) {
    const consumers = await read();
    failing = consumers.filter((consumer) => consumer.state === 'failing').map((consumer) => `${consumer.name} (lag ${consumer.lagEvents})`);
    const healthy = consumers.filter((consumer) => consumer.state !== 'failing');
    if (healthy.length > 0 && healthy.every((consumer) => consumer.lagEvents === 0 && consumer.catchingUp !== true))
      return { elapsedMs: Math.round(performance.now() - sinceMs), finished: true, failing };
    await sleep(POLL_INTERVAL_MS);
  }
  return { elapsedMs: CATCH_UP_WAIT_MS_MAX, finished: false, failing };
}

export function storedEventCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Starts the service on the generated store and waits until every subscription (projections,
 * process managers, the transparency log) reports lag 0 on /health; then rebuilds every
 * projection live over HTTP and waits until they are caught up again.
 */
export async function startAndRebuild(dataDir: string, events: number): Promise<{ startUp: CatchUpFigures; liveRebuild: CatchUpFigures }> {
  const adminToken = await issueKey(dataDir, 'admin');
  const service = await BenchService.start({ dataDir });
  const http = new HttpClient(service.origin);
  try {
    const health = async (): Promise<Consumer[]> => (await http.expect(200, 'GET', '/health')).body.subscriptions;
    const started = await waitUntilCaughtUp(health, service.startedAtMs);
    const startUp = { events, ...started, perSecond: perSecond(events, started.elapsedMs), peakRssMiB: service.takePeakRssMiB() };
    const rebuildStartedMs = performance.now();
    await http.expect(202, 'POST', '/admin/projections/rebuild', adminToken);
    const projections = async (): Promise<Consumer[]> => (await http.expect(200, 'GET', '/admin/projections?rows=false', adminToken)).body.projections;
    const rebuilt = await waitUntilCaughtUp(projections, rebuildStartedMs);
    const liveRebuild = { events, ...rebuilt, perSecond: perSecond(events, rebuilt.elapsedMs), peakRssMiB: service.takePeakRssMiB() };
    return { startUp, liveRebuild };
  } finally {
    await http.close();
    await service.stop();
  }
}

/** The raw baseline: every row of the file in order, data and metadata parsed. */
export function rawScan(dataDir: string): ScanFigures {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const startedMs = performance.now();
    let events = 0;
    let checksum = 0;
    for (const row of db.prepare('SELECT * FROM events ORDER BY position').iterate() as Iterable<{ data: string; metadata: string }>) {
      const data = JSON.parse(row.data) as object;
      const metadata = JSON.parse(row.metadata) as object;
      // Touch the parsed values so the work cannot be skipped.
      checksum += Object.keys(data).length + Object.keys(metadata).length;
      events += 1;
    }
    const elapsedMs = performance.now() - startedMs;
    if (checksum < 0) throw new Error('unreachable');
    return { events, elapsedMs: Math.round(elapsedMs), perSecond: perSecond(events, elapsedMs) };
  } finally {
    db.close();
  }
}

/** ProjectionEngine.replay of the store into a scratch read-model file (the auditor's offline replay). */
export async function offlineReplay(dataDir: string, scratchDir: string): Promise<ScanFigures & { peakRssMiB: number }> {
  const store = SqliteEventStore.open(join(dataDir, 'events.db'));
  const db = openScratchReadModelDatabase(join(scratchDir, REPLAYED_FILE));
  const rssBeforeMiB = Math.round(process.memoryUsage().rss / 1048576);
  let peakRss = process.memoryUsage().rss;
  try {
    // As the auditor's replay (src/audit/replay/replay-ledger.ts) builds it.
    const engine = new ProjectionEngine(db, ALL_PROJECTIONS, OFFLINE_REPLAY_ENGINE);
    const startedMs = performance.now();
    const events = await engine.replay(store, {
      onPage: () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
    });
    const elapsedMs = performance.now() - startedMs;
    return {
      events,
      elapsedMs: Math.round(elapsedMs),
      perSecond: perSecond(events, elapsedMs),
      peakRssMiB: Math.max(rssBeforeMiB, Math.round(peakRss / 1048576)),
    };
  } finally {
    db.close();
    await store.close();
  }
}

export interface HeldReplayFigures {
  readonly events: number;
  /** From the start until the last page of $all was applied, every row still in memory. */
  readonly untilLastPageMs: number;
  /** The replayed events divided by that time: the rate a replay could not beat while its projections run as they do. */
  readonly eventsPerSecond: number;
  /** Then the whole replay, the held rows written once in key order at its end. */
  readonly elapsedMs: number;
  readonly peakRssMiB: number;
}

/**
 * The other floor under the replay's figure: the same replay, but every row its pages change is
 * held in memory (the write-behind cache, unbounded here) until the last page is applied. That
 * time is reading and parsing $all, the projections' own code and their cache, with no row
 * written (but the few changes keyed by other columns than the primary key, which run as SQL).
 * The held rows are then written in key order at the end, one table after another. It holds every
 * row of the history at once: 1.6 to 1.8 GiB of the bench process at 1,000,000 events.
 */
export async function replayWithRowsHeld(dataDir: string, scratchDir: string): Promise<HeldReplayFigures> {
  const store = SqliteEventStore.open(join(dataDir, 'events.db'));
  const file = join(scratchDir, HELD_REPLAY_FILE);
  const db = openScratchReadModelDatabase(file);
  let peakRss = process.memoryUsage().rss;
  let lastPageMs = 0;
  try {
    const engine = new ProjectionEngine(db, ALL_PROJECTIONS, { ...OFFLINE_REPLAY_ENGINE, heldRowsPerCommit: ROWS_HELD_TO_THE_END });
    const startedMs = performance.now();
    const events = await engine.replay(store, {
      onPage: () => {
        lastPageMs = performance.now();
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
    });
    const elapsedMs = performance.now() - startedMs;
    // No page at all (an empty store): the whole replay is the time to its last page.
    const untilLastPageMs = lastPageMs === 0 ? elapsedMs : lastPageMs - startedMs;
    return {
      events,
      untilLastPageMs: Math.round(untilLastPageMs),
      eventsPerSecond: perSecond(events, untilLastPageMs),
      elapsedMs: Math.round(elapsedMs),
      peakRssMiB: Math.round(peakRss / 1048576),
    };
  } finally {
    db.close();
    await store.close();
    rmSync(file, { force: true });
  }
}

/**
 * The floor under the replay's figure: the rows the offline replay wrote (in `scratchDir`), copied
 * by SQLite itself (INSERT .. SELECT, no JavaScript, one transaction, no journal) into an empty
 * file with the same tables and indexes. Once in random key order, as a replay meets them (ids are
 * random, so each event's rows land all over each B-tree), and once in key order, as a bulk load
 * could write them.
 */
export function rowWriteFloor(scratchDir: string, events: number): RowWriteFloor {
  const copy = (order: 'random' | 'key'): { rows: number; figures: RowCopyFigures } => {
    const target = join(scratchDir, `row-copy-${order}.db`);
    const db = openScratchReadModelDatabase(target);
    try {
      for (const projection of ALL_PROJECTIONS) db.exec(projection.schemaSql);
      db.prepare('ATTACH DATABASE ? AS replayed').run(join(scratchDir, REPLAYED_FILE));
      let rows = 0;
      const startedMs = performance.now();
      db.transaction(() => {
        for (const table of ALL_PROJECTIONS.flatMap((projection) => projection.tables)) {
          const orderBy = order === 'random' ? 'random()' : table.primaryKey.join(', ');
          rows += db.prepare(`INSERT INTO main.${table.name} SELECT * FROM replayed.${table.name} ORDER BY ${orderBy}`).run().changes;
        }
      })();
      const elapsedMs = performance.now() - startedMs;
      return { rows, figures: { elapsedMs: Math.round(elapsedMs), eventsPerSecond: perSecond(events, elapsedMs) } };
    } finally {
      db.close();
      rmSync(target, { force: true });
    }
  };
  const random = copy('random');
  const sorted = copy('key');
  return { rows: random.rows, randomKeyOrder: random.figures, keyOrder: sorted.figures };
}
