import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { MANIFEST_FILE_NAME, parseManifest } from '../../src/ops/backup-manifest.js';
import { backupDataDir } from '../../src/ops/backup.js';
import { restoreDataDir } from '../../src/ops/restore.js';
import { anEvent } from '../support/events.js';

const manifestWith = (files: unknown): string =>
  JSON.stringify({ format: 'bela-ledger-backup/1', createdAt: '2026-11-30T00:00:00.000Z', sourceDataDir: '/d', files });
const HASH = 'a'.repeat(64);

describe('backup and restore (unit)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-backup-unit-'));
  const dataDir = join(scratch, 'data');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  beforeAll(async () => {
    const store = SqliteEventStore.open(join(dataDir, 'events.db'));
    await store.appendToStream('counter-1', [anEvent('Incremented')], { expectedRevision: 'no_stream' });
    await store.close();
    writeFileSync(join(dataDir, 'log-signing.key'), 'PRIVATE+KEY+bela-ledger.local/log+0123\n', { mode: 0o600 });
  });

  it('a manifest naming a file outside the backup folder, twice, or with a bad hash is refused', () => {
    expect(() => parseManifest(manifestWith([{ name: '../events.db', bytes: 1, sha256: HASH }]))).toThrow(/bad file name/);
    expect(() => parseManifest(manifestWith([{ name: '/etc/passwd', bytes: 1, sha256: HASH }]))).toThrow(/bad file name/);
    expect(() =>
      parseManifest(
        manifestWith([
          { name: 'a.db', bytes: 1, sha256: HASH },
          { name: 'a.db', bytes: 1, sha256: HASH },
        ]),
      ),
    ).toThrow(/listed twice/);
    expect(() => parseManifest(manifestWith([{ name: 'a.db', bytes: 1, sha256: 'nope' }]))).toThrow(/bad sha256/);
    expect(() => parseManifest(manifestWith([]))).toThrow(/1 to 100 files/);
    expect(() => parseManifest(JSON.stringify({ format: 'other' }))).toThrow(/not a bela-ledger-backup\/1 manifest/);
  });

  it('backs up, refuses a non-empty target, and restores with the same head and key', async () => {
    const out = join(scratch, 'backup');
    const manifest = await backupDataDir({ dataDir, outDir: out, signingKeyFile: join(dataDir, 'log-signing.key'), now: new Date('2026-11-30T01:00:00Z') });
    expect(manifest.files.map((file) => file.name)).toEqual(['events.db', 'log-signing.key']);
    expect(manifest.eventStoreHeadPosition).toBe('1');
    await expect(backupDataDir({ dataDir, outDir: out, signingKeyFile: join(dataDir, 'log-signing.key'), now: new Date() })).rejects.toThrow(/not empty/);

    const occupied = join(scratch, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'notes.txt'), 'mine');
    await expect(restoreDataDir(out, occupied)).rejects.toThrow(/not empty/);
    expect(readFileSync(join(occupied, 'notes.txt'), 'utf8')).toBe('mine');

    const report = await restoreDataDir(out, join(scratch, 'restored'));
    expect(report).toMatchObject({ filesRestored: 2, eventStoreHeadPosition: '1' });
    expect(readFileSync(join(scratch, 'restored', 'log-signing.key'), 'utf8')).toBe(readFileSync(join(dataDir, 'log-signing.key'), 'utf8'));
  });

  it('a manifest whose head differs from the restored store is refused', async () => {
    const out = join(scratch, 'backup-bad-head');
    await backupDataDir({ dataDir, outDir: out, signingKeyFile: join(scratch, 'no-key'), now: new Date() });
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST_FILE_NAME), 'utf8'));
    writeFileSync(join(out, MANIFEST_FILE_NAME), JSON.stringify({ ...manifest, eventStoreHeadPosition: '7' }));
    await expect(restoreDataDir(out, join(scratch, 'restored-bad-head'))).rejects.toThrow(/head is 1, the manifest says 7/);
    // Refused before anything was written.
    expect(existsSync(join(scratch, 'restored-bad-head'))).toBe(false);
  });
});
