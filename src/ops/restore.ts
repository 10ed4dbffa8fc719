import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupManifest, MANIFEST_FILE_NAME, parseManifest, sha256OfFile } from './backup-manifest.js';
import { EVENT_STORE_FILE_NAME, headPositionOf, openedHeadPosition } from './backup.js';

export interface RestoreReport {
  readonly dataDir: string;
  readonly filesRestored: number;
  readonly eventStoreHeadPosition: string;
  readonly transparencyLogTreeSize?: number;
}

/**
 * Verifies every file of a backup against its manifest (size and SHA-256), then copies them into
 * an empty data dir and opens the restored event store as the service would. Nothing is written
 * into the data dir before every file has been verified.
 */
export async function restoreDataDir(fromDir: string, dataDirArgument: string): Promise<RestoreReport> {
  const from = resolve(fromDir);
  const dataDir = resolve(dataDirArgument);
  const manifestPath = join(from, MANIFEST_FILE_NAME);
  if (!existsSync(manifestPath)) throw new Error(`${from} has no ${MANIFEST_FILE_NAME}: not a backup`);
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'));
  if (!manifest.files.some((file) => file.name === EVENT_STORE_FILE_NAME)) throw new Error(`the backup has no ${EVENT_STORE_FILE_NAME}`);
  for (const file of manifest.files) verify(join(from, file.name), file);
  checkHead(headPositionOf(join(from, EVENT_STORE_FILE_NAME)), manifest);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty: a restore goes into a new or empty data dir`);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (const file of manifest.files) {
    const target = join(dataDir, file.name);
    copyFileSync(join(from, file.name), target);
    chmodSync(target, 0o600);
    verify(target, file);
  }
  const head = await openedHeadPosition(join(dataDir, EVENT_STORE_FILE_NAME));
  checkHead(head, manifest);
  return {
    dataDir,
    filesRestored: manifest.files.length,
    eventStoreHeadPosition: head.toString(),
    ...(manifest.transparencyLog ? { transparencyLogTreeSize: manifest.transparencyLog.treeSize } : {}),
  };
}

function checkHead(head: bigint, manifest: BackupManifest): void {
  if (manifest.eventStoreHeadPosition !== undefined && head.toString() !== manifest.eventStoreHeadPosition) {
    throw new Error(`the event store's head is ${head}, the manifest says ${manifest.eventStoreHeadPosition}`);
  }
}

function verify(path: string, expected: BackupManifest['files'][number]): void {
  if (!existsSync(path)) throw new Error(`${expected.name} is missing from ${path}`);
  const bytes = statSync(path).size;
  if (bytes !== expected.bytes) throw new Error(`${expected.name}: ${bytes} bytes, the manifest says ${expected.bytes}`);
  if (sha256OfFile(path) !== expected.sha256) throw new Error(`${expected.name}: SHA-256 differs from the manifest`);
}
