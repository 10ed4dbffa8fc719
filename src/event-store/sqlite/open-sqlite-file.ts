import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const BUSY_TIMEOUT_MS = 5_000;

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
  return db;
}
