import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openSqliteFile } from '../event-store/sqlite/open-sqlite-file.js';

export function readModelDatabasePath(dataDir: string): string {
  return join(dataDir, 'read-models.db');
}

/**
 * The read-model database: a file apart from the event store. WAL with synchronous NORMAL: a
 * process crash loses nothing committed, and a power cut can lose only the last transactions,
 * rows and checkpoint together (they share each transaction), which the runner then replays.
 */
export function openReadModelDatabase(filePath: string): Database.Database {
  return openSqliteFile(filePath, 'NORMAL');
}

/**
 * A throwaway read-model file for an offline replay (an audit, a benchmark): no journal and no
 * syncs, since a crash only means replaying again into a new file. Never the live database.
 */
export function openScratchReadModelDatabase(filePath: string): Database.Database {
  mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  return db;
}
