import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SERVICE_PAGE_CACHE_KIB, openSqliteFile } from '../event-store/sqlite/open-sqlite-file.js';

/**
 * Page size of a new read-model file. A catch-up inserts rows all over tables keyed by random ids
 * (timelines, journal lines): 16 KiB pages split less often and make shallower B-trees, which cut
 * the CPU of a 100,000-event replay by about a tenth against SQLite's default 4 KiB.
 */
export const READ_MODEL_PAGE_SIZE_BYTES = 16_384;

export function readModelDatabasePath(dataDir: string): string {
  return join(dataDir, 'read-models.db');
}

/**
 * The read-model database: a file apart from the event store. WAL with synchronous NORMAL: a
 * process crash loses nothing committed, and a power cut can lose only the last transactions,
 * rows and checkpoint together (they share each transaction), which the runner then replays.
 */
export function openReadModelDatabase(filePath: string): Database.Database {
  return openSqliteFile(filePath, 'NORMAL', READ_MODEL_PAGE_SIZE_BYTES);
}

/**
 * A throwaway read-model file for an offline replay (an audit, a benchmark): no journal and no
 * syncs, since a crash only means replaying again into a new file. Never the live database.
 */
export function openScratchReadModelDatabase(filePath: string): Database.Database {
  mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  db.pragma(`page_size = ${READ_MODEL_PAGE_SIZE_BYTES}`);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  return db;
}

/** Why a pass builds beside the served read models: an admin's rebuild, or the start-up pass over tables never filled. */
export const REBUILD_PURPOSES = ['rebuild', 'catch-up'] as const;
export type RebuildPurpose = (typeof REBUILD_PURPOSES)[number];

/**
 * Where a pass builds its tables before they replace the served ones: beside the live file (same
 * file system, the data dir's disk space), or in the temp dir for an in-memory one.
 */
export function rebuildDatabasePath(live: Database.Database, purpose: RebuildPurpose): string {
  if (!live.memory) return `${live.name}.${purpose}`;
  inMemoryRebuilds += 1;
  return join(tmpdir(), `bela-${purpose}-${process.pid}-${inMemoryRebuilds}.db`);
}
let inMemoryRebuilds = 0;

/**
 * A new scratch file for a pass building beside the served rows (a file left there by an earlier
 * one is deleted first), with the service's page cache: the service's memory is bounded.
 */
export function openRebuildDatabase(filePath: string): Database.Database {
  removeRebuildDatabase(filePath);
  const db = openScratchReadModelDatabase(filePath);
  db.pragma(`cache_size = -${SERVICE_PAGE_CACHE_KIB}`);
  return db;
}

/** Deletes such a scratch file (journal off: it is one file). */
export function removeRebuildDatabase(filePath: string): void {
  rmSync(filePath, { force: true });
}
