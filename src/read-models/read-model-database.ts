import type Database from 'better-sqlite3';
import { join } from 'node:path';
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
