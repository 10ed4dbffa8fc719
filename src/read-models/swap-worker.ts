import { SERVICE_PAGE_CACHE_KIB } from '../event-store/sqlite/open-sqlite-file.js';
import { runSqlOnWorker } from '../event-store/sqlite/sql-on-worker.js';
import type { ProjectionEngine } from './projection-engine.js';
import { REBUILT_SCHEMA } from './projection-engine.js';

/**
 * How long the swap's connection waits for the read-model file's write lock. Nothing else should
 * hold it (the projections' runners are stopped for the swap); an HTTP-only instance only reads.
 */
export const SWAP_BUSY_TIMEOUT_MS = 5_000;

/**
 * Swaps a rebuild into the live read-model file (ProjectionEngine.swapStatements) on a worker
 * thread with a connection of its own, so that the service keeps answering while SQLite copies:
 * readers see the old rows until the worker commits (WAL), then the new ones. The caller stops
 * every writer of the file first. Resolves once committed; rejects with the worker's error, the
 * transaction then rolled back.
 */
export async function swapInWorker(live: ProjectionEngine, rebuilt: ProjectionEngine, names: readonly string[]): Promise<void> {
  try {
    await runSqlOnWorker({
      file: live.db.name,
      attach: { file: rebuilt.db.name, schema: REBUILT_SCHEMA },
      statements: live.swapStatements(rebuilt, names),
      busyTimeoutMs: SWAP_BUSY_TIMEOUT_MS,
      cacheKib: SERVICE_PAGE_CACHE_KIB,
      truncateWal: true,
      purpose: 'the swap',
    });
  } finally {
    live.swapped();
  }
}
