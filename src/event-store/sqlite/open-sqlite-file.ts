import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const BUSY_TIMEOUT_MS = 5_000;

/** One of the service's SQLite files under the data dir: WAL, and durable commits unless told otherwise. */
export function openSqliteFile(filePath: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Database.Database {
  mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
}
