import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const BUSY_TIMEOUT_MS = 5_000;

export function readModelDatabasePath(dataDir: string): string {
  return join(dataDir, 'read-models.db');
}

/**
 * The read-model database: a file apart from the event store. WAL with synchronous NORMAL: a
 * process crash loses nothing committed, and a power cut can lose only the last transactions,
 * rows and checkpoint together (they share each transaction), which the runner then replays.
 */
export function openReadModelDatabase(filePath: string): Database.Database {
  if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
