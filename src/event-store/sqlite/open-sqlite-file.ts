import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const BUSY_TIMEOUT_MS = 5_000;

/**
 * Page cache per connection, in KiB. better-sqlite3 builds SQLite with a 16 MB default, and the
 * service keeps about ten files open: a 1,000,000-event catch-up filled the caches of the event
 * store, the read models and the transparency log to about 75 MiB of the service's resident
 * memory. Pages missing here come from the OS page cache: the live rebuild took the same time
 * with 4 MiB as with 16. 2 MiB is SQLite's own default (docs/performance.md, memory).
 */
export const SERVICE_PAGE_CACHE_KIB = 2_048;

/**
 * One of the service's SQLite files under the data dir: WAL, and durable commits unless told
 * otherwise. A page size applies to a new file only (SQLite keeps an existing file's).
 */
export function openSqliteFile(filePath: string, synchronous: 'FULL' | 'NORMAL' = 'FULL', pageSizeBytes?: number): Database.Database {
  mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS });
  // Before WAL is set: switching to WAL writes the file's header, page size included.
  if (pageSizeBytes !== undefined) db.pragma(`page_size = ${pageSizeBytes}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma(`cache_size = -${SERVICE_PAGE_CACHE_KIB}`);
  return db;
}
