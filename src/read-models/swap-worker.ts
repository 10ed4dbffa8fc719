import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SERVICE_PAGE_CACHE_KIB } from '../event-store/sqlite/open-sqlite-file.js';
import type { ProjectionEngine, SwapStatement } from './projection-engine.js';
import { REBUILT_SCHEMA } from './projection-engine.js';

/**
 * How long the swap's connection waits for the read-model file's write lock. Nothing else should
 * hold it (the projections' runners are stopped for the swap); an HTTP-only instance only reads.
 */
export const SWAP_BUSY_TIMEOUT_MS = 5_000;

/**
 * The worker's V8 heap: its script only hands SQL to SQLite. Bounded so that the service's
 * resident memory stays within its goal while a swap runs (docs/performance.md).
 */
const SWAP_WORKER_HEAP = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } as const;

interface SwapJob {
  readonly driver: string;
  readonly file: string;
  readonly rebuiltFile: string;
  readonly schema: string;
  readonly statements: readonly SwapStatement[];
  readonly busyTimeoutMs: number;
  readonly cacheKib: number;
}

/**
 * The worker's code, plain JavaScript given as a string so that it runs the same from the
 * sources (tests) and from dist/: its own connection to the live file runs the swap's statements
 * in one transaction, then gives the WAL's disk space back.
 */
const SWAP_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
try {
  db.pragma('cache_size = -' + workerData.cacheKib);
  db.prepare('ATTACH DATABASE ? AS ' + workerData.schema).run(workerData.rebuiltFile);
  db.transaction(() => {
    for (const statement of workerData.statements) {
      if (statement.script) db.exec(statement.sql);
      else db.prepare(statement.sql).run(...(statement.parameters || []));
    }
  })();
  db.prepare('DETACH DATABASE ' + workerData.schema).run();
  db.pragma('wal_checkpoint(TRUNCATE)');
} finally {
  db.close();
}
`;

/**
 * Swaps a rebuild into the live read-model file (ProjectionEngine.swapStatements) on a worker
 * thread with a connection of its own, so that the service keeps answering while SQLite copies:
 * readers see the old rows until the worker commits (WAL), then the new ones. The caller stops
 * every writer of the file first. Resolves once committed; rejects with the worker's error, the
 * transaction then rolled back.
 */
export async function swapInWorker(live: ProjectionEngine, rebuilt: ProjectionEngine, names: readonly string[]): Promise<void> {
  const job: SwapJob = {
    driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    file: live.db.name,
    rebuiltFile: rebuilt.db.name,
    schema: REBUILT_SCHEMA,
    statements: live.swapStatements(rebuilt, names),
    busyTimeoutMs: SWAP_BUSY_TIMEOUT_MS,
    cacheKib: SERVICE_PAGE_CACHE_KIB,
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(SWAP_WORKER_SOURCE, { eval: true, workerData: job, resourceLimits: SWAP_WORKER_HEAP });
      worker.once('error', reject);
      worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the swap's worker exited with code ${code}`))));
    });
  } finally {
    live.swapped();
  }
}
