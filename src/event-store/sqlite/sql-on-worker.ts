import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One statement for the worker: SQL with its parameters, or a script of several statements (exec). */
export interface WorkerStatement {
  readonly sql: string;
  readonly parameters?: readonly (string | number | null)[];
  readonly script?: boolean;
}

export interface SqlWorkerJob {
  /** The SQLite file the worker opens a connection of its own to. */
  readonly file: string;
  /** Another file attached to that connection under a schema name, detached after the statements. */
  readonly attach?: { readonly file: string; readonly schema: string };
  readonly statements: readonly WorkerStatement[];
  /** How long the worker's connection waits for the file's write lock. */
  readonly busyTimeoutMs: number;
  /** The connection's page cache, in KiB. */
  readonly cacheKib: number;
  /** Give the WAL's disk space back once the statements committed (wal_checkpoint(TRUNCATE)). */
  readonly truncateWal: boolean;
  /** What the work is, for the error when the worker ends badly ("the swap"). */
  readonly purpose: string;
}

/**
 * The worker's V8 heap: its script only hands SQL to SQLite. Bounded so that the service's
 * resident memory stays within its goal while a worker runs (docs/performance.md).
 */
const SQL_WORKER_HEAP = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } as const;

/**
 * The worker's code, plain JavaScript given as a string so that it runs the same from the
 * sources (tests) and from dist/: its own connection runs the statements in one transaction.
 */
const SQL_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const job = workerData.job;
const db = new Database(job.file, { timeout: job.busyTimeoutMs });
try {
  db.pragma('cache_size = -' + job.cacheKib);
  if (job.attach) db.prepare('ATTACH DATABASE ? AS ' + job.attach.schema).run(job.attach.file);
  db.transaction(() => {
    for (const statement of job.statements) {
      if (statement.script) db.exec(statement.sql);
      else db.prepare(statement.sql).run(...(statement.parameters || []));
    }
  })();
  if (job.attach) db.prepare('DETACH DATABASE ' + job.attach.schema).run();
  if (job.truncateWal) db.pragma('wal_checkpoint(TRUNCATE)');
} finally {
  db.close();
}
`;

/**
 * Runs statements against a SQLite file in one transaction on a worker thread with a connection
 * of its own, so that the event loop keeps turning while SQLite works (copying tables, building
 * an index over a million rows). Readers of the file see the state before until the worker
 * commits (WAL). Resolves once committed; rejects with the worker's error, the transaction then
 * rolled back. The caller keeps its own writes to the file away meanwhile: they would wait for
 * the worker's write lock.
 */
export async function runSqlOnWorker(job: SqlWorkerJob): Promise<void> {
  const workerData = { driver: createRequire(import.meta.url).resolve('better-sqlite3'), job };
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(SQL_WORKER_SOURCE, { eval: true, workerData, resourceLimits: SQL_WORKER_HEAP });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the worker running ${job.purpose} exited with code ${code}`))));
  });
}
