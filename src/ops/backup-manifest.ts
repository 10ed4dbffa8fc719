import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The manifest written beside a backup's files. */
export const MANIFEST_FILE_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 'bela-ledger-backup/1';
/** The log signing key's name inside a backup (and where a restore puts it in the data dir). */
export const SIGNING_KEY_FILE_NAME = 'log-signing.key';
/** A file name in a manifest: a plain name in one folder, nothing that could point elsewhere. */
export const BACKUP_FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Files a manifest may list; a data dir holds fewer than ten. */
export const BACKUP_FILES_MAX = 100;

export interface BackupFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly createdAt: string;
  readonly sourceDataDir: string;
  readonly files: readonly BackupFile[];
  /** The last position in the backed-up event store ("-1" when it is empty); absent without events.db. */
  readonly eventStoreHeadPosition?: string;
  /** The transparency log's latest signed checkpoint in the backup, when tlog.db was backed up. */
  readonly transparencyLog?: { readonly treeSize: number; readonly checkpoint: string };
}

export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The manifest as read from disk, checked field by field (a backup may come from anywhere). */
export function parseManifest(text: string): BackupManifest {
  const value = JSON.parse(text) as Partial<BackupManifest>;
  if (value.format !== MANIFEST_FORMAT) throw new Error(`not a ${MANIFEST_FORMAT} manifest (format ${JSON.stringify(value.format)})`);
  if (!Array.isArray(value.files) || value.files.length === 0 || value.files.length > BACKUP_FILES_MAX) {
    throw new Error(`the manifest must list 1 to ${BACKUP_FILES_MAX} files`);
  }
  const names = new Set<string>();
  for (const file of value.files) {
    if (typeof file?.name !== 'string' || !BACKUP_FILE_NAME_PATTERN.test(file.name))
      throw new Error(`bad file name in the manifest: ${JSON.stringify(file?.name)}`);
    if (names.has(file.name)) throw new Error(`${file.name} is listed twice`);
    names.add(file.name);
    if (!Number.isSafeInteger(file.bytes) || file.bytes < 0) throw new Error(`${file.name}: bad size`);
    if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) throw new Error(`${file.name}: bad sha256`);
  }
  return value as BackupManifest;
}
