import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { BackupFile, BackupManifest, MANIFEST_FILE_NAME, MANIFEST_FORMAT, SIGNING_KEY_FILE_NAME, sha256OfFile } from './backup-manifest.js';

export const EVENT_STORE_FILE_NAME = 'events.db';
const TLOG_FILE_NAME = 'tlog.db';
/** How long a backup waits for a writer's lock on a file before giving up. */
const BACKUP_BUSY_TIMEOUT_MS = 10_000;

export interface BackupRequest {
  readonly dataDir: string;
  readonly outDir: string;
  /** The log's signing key (config.logSigningKeyFile); copied when it exists. */
  readonly signingKeyFile: string;
  readonly now: Date;
}

/**
 * Copies every SQLite file of the data dir while the service runs. Each copy is one read
 * transaction (VACUUM INTO: a consistent snapshot that a writer never restarts), and events.db
 * is copied last, so every other file (read models, checkpoints, the log, idempotency answers)
 * describes events the copied store holds: after a restore they only catch up, never run ahead.
 */
export async function backupDataDir(request: BackupRequest): Promise<BackupManifest> {
  const dataDir = resolve(request.dataDir);
  const outDir = resolve(request.outDir);
  if (!existsSync(join(dataDir, EVENT_STORE_FILE_NAME))) throw new Error(`${dataDir} has no ${EVENT_STORE_FILE_NAME}: not a data dir of the embedded store`);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty: a backup goes into a new or empty folder`);
  mkdirSync(outDir, { recursive: true, mode: 0o700 });

  const databases = readdirSync(dataDir)
    .filter((name) => name.endsWith('.db') && statSync(join(dataDir, name)).isFile())
    .sort((a, b) => Number(a === EVENT_STORE_FILE_NAME) - Number(b === EVENT_STORE_FILE_NAME) || a.localeCompare(b));
  for (const name of databases) snapshot(join(dataDir, name), join(outDir, name));

  const files: BackupFile[] = databases.map((name) => describe(outDir, name));
  if (existsSync(request.signingKeyFile)) {
    const keyCopy = join(outDir, SIGNING_KEY_FILE_NAME);
    copyFileSync(request.signingKeyFile, keyCopy);
    chmodSync(keyCopy, 0o600);
    files.push(describe(outDir, SIGNING_KEY_FILE_NAME));
  }
  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    createdAt: request.now.toISOString(),
    sourceDataDir: dataDir,
    files,
    eventStoreHeadPosition: headPositionOf(join(outDir, EVENT_STORE_FILE_NAME)).toString(),
    ...(databases.includes(TLOG_FILE_NAME) ? latestCheckpointOf(join(outDir, TLOG_FILE_NAME)) : {}),
  };
  writeFileSync(join(outDir, MANIFEST_FILE_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** One file's consistent copy, as a single self-contained file (rollback journal, no -wal beside it). */
function snapshot(source: string, target: string): void {
  const db = new Database(source, { fileMustExist: true, timeout: BACKUP_BUSY_TIMEOUT_MS });
  try {
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
  const copy = new Database(target, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  chmodSync(target, 0o600);
}

function describe(dir: string, name: string): BackupFile {
  const path = join(dir, name);
  return { name, bytes: statSync(path).size, sha256: sha256OfFile(path) };
}

/** Read without opening the store for writing, so the copy stays byte for byte what the manifest hashes. */
export function headPositionOf(eventsFile: string): bigint {
  const db = new Database(eventsFile, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number | bigint | null };
    return row.head === null ? -1n : BigInt(row.head);
  } finally {
    db.close();
  }
}

/** Opens a restored event store the way the service does (schema, checks) and reads its head. */
export async function openedHeadPosition(eventsFile: string): Promise<bigint> {
  const store = SqliteEventStore.open(eventsFile);
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

function latestCheckpointOf(tlogFile: string): Pick<BackupManifest, 'transparencyLog'> {
  const db = new Database(tlogFile, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_checkpoints'").get() !== undefined;
    const latest = hasTable
      ? (db.prepare('SELECT tree_size, note FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1').get() as { tree_size: number; note: string } | undefined)
      : undefined;
    return latest ? { transparencyLog: { treeSize: latest.tree_size, checkpoint: latest.note } } : {};
  } finally {
    db.close();
  }
}
