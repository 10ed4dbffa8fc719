import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AcknowledgedLoad, eventIdsByIdempotencyKey, seedLedger, settle } from '../support/acknowledged-load.js';
import { PROJECT_ROOT, TestApp } from '../support/test-app.js';

const WORKERS = 3;
const ACKNOWLEDGED_BEFORE_BACKUP = 40;
const LOAD_POLL_MS = 10;
const CLI_TIMEOUT_MS = 60_000;
const STEP_MS = 180_000;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run cli -- ...` as an operator types it (the built CLI), without blocking the load client. */
async function cli(args: readonly string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '' },
      timeout: CLI_TIMEOUT_MS,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('online backup and verified restore (e2e, the built service and CLI)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-backup-'));
  const dataDir = join(scratch, 'data');
  const backupDir = join(scratch, 'backup');
  const restoredDir = join(scratch, 'restored');
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'a backup taken while a client writes restores into a fresh data dir where the service starts with every acknowledged command and catches up',
    async () => {
      const source = await TestApp.start({ dataDir });
      apps.push(source);
      const load = new AcknowledgedLoad(await seedLedger(source));
      let stopped = false;
      const running = load.run(source.baseUrl, WORKERS, () => stopped);
      while (load.acknowledged.length < ACKNOWLEDGED_BEFORE_BACKUP) await new Promise((resolve) => setTimeout(resolve, LOAD_POLL_MS));
      const acknowledgedBeforeBackup = [...load.acknowledged];
      const commandsBeforeBackup = load.commands.length;

      const backup = await cli(['backup', '--out', backupDir, '--data-dir', dataDir]);
      const commandsDuringBackup = load.commands.length - commandsBeforeBackup;
      stopped = true;
      await running;
      expect(backup).toMatchObject({ code: 0 });
      // The client kept writing while the backup ran.
      expect(commandsDuringBackup).toBeGreaterThan(0);
      const sourceKey = (await source.request('GET', '/log/key')).body;
      expect(await source.terminate()).toBe(0);

      const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
      const names = manifest.files.map((file: { name: string }) => file.name);
      expect(names).toEqual(
        expect.arrayContaining(['events.db', 'read-models.db', 'checkpoints.db', 'auth.db', 'idempotency.db', 'tlog.db', 'log-signing.key']),
      );
      expect(statSync(join(backupDir, 'log-signing.key')).mode & 0o777).toBe(0o600);
      expect(manifest.transparencyLog).toMatchObject({ treeSize: expect.any(Number), checkpoint: expect.stringContaining(sourceKey.origin) });

      // A tampered copy is refused before anything is written.
      const tampered = join(scratch, 'tampered');
      cpSync(backupDir, tampered, { recursive: true });
      const authCopy = readFileSync(join(tampered, 'auth.db'));
      authCopy[authCopy.length - 1] = authCopy[authCopy.length - 1]! ^ 0xff;
      writeFileSync(join(tampered, 'auth.db'), authCopy);
      const refusedTampered = await cli(['restore', '--from', tampered, '--data-dir', join(scratch, 'never')]);
      expect(refusedTampered.code).not.toBe(0);
      expect(refusedTampered.stderr).toMatch(/auth\.db: SHA-256 differs/);

      const restore = await cli(['restore', '--from', backupDir, '--data-dir', restoredDir]);
      expect(restore).toMatchObject({ code: 0 });
      const report = JSON.parse(restore.stdout);
      expect(report).toMatchObject({ filesRestored: manifest.files.length, eventStoreHeadPosition: manifest.eventStoreHeadPosition });
      // Never over an existing data dir.
      const refusedNonEmpty = await cli(['restore', '--from', backupDir, '--data-dir', restoredDir]);
      expect(refusedNonEmpty.code).not.toBe(0);
      expect(refusedNonEmpty.stderr).toMatch(/not empty/);

      // Every command acknowledged before the backup began is in the restored store, as answered.
      const restoredEvents = eventIdsByIdempotencyKey(restoredDir);
      const missing = acknowledgedBeforeBackup.filter(
        (command) => JSON.stringify(restoredEvents.get(command.key)) !== JSON.stringify(command.acknowledged!.eventIds),
      );
      expect(missing.map((command) => command.path)).toEqual([]);

      const restored = await TestApp.start({ dataDir: restoredDir });
      apps.push(restored);
      expect((await restored.request('GET', '/log/key')).body).toEqual(sourceKey);
      const { headPosition } = await settle(restored);
      expect(headPosition).toBeGreaterThanOrEqual(BigInt(manifest.eventStoreHeadPosition));
      const admin = restored.issueKey('admin');
      const projections = (await restored.request('GET', '/admin/projections', { token: admin })).body.projections as { lagEvents: number }[];
      expect(projections.length).toBeGreaterThan(0);
      expect(projections.every((projection) => projection.lagEvents === 0)).toBe(true);
      // The restored API keys still work, and the answers recorded for Idempotency-Keys replay.
      const replayed = acknowledgedBeforeBackup.find((command) => command.path === '/orders')!;
      const again = await restored.request('POST', replayed.path, { token: replayed.token, body: replayed.body, headers: { 'idempotency-key': replayed.key } });
      expect(again.status).toBe(replayed.acknowledged!.status);
      expect(again.body.events.map((event: { id: string }) => event.id)).toEqual(replayed.acknowledged!.eventIds);
    },
    STEP_MS,
  );
});
