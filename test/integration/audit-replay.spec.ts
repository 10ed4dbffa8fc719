import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitEvent, chainHash, privateDigest } from '../../src/audit/event-commitment.js';
import { LogSigner } from '../../src/audit/log-signer.js';
import { replayLedger } from '../../src/audit/replay/replay-ledger.js';
import { storeChainFindings } from '../../src/audit/replay/store-chain-check.js';
import { verifyAgainstSavedCheckpoint } from '../../src/audit/replay/verify-saved-checkpoint.js';
import { TransparencyLog } from '../../src/audit/transparency-log.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import type { EventRow } from '../../src/event-store/sqlite/event-chain.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { openReadModelDatabase, readModelDatabasePath } from '../../src/read-models/read-model-database.js';
import { generateHistory } from '../support/generated-history.js';
import { rebuildInto } from '../support/read-model-fixture.js';
import { PROJECT_ROOT } from '../support/test-app.js';

const ORIGIN = 'bela-ledger.test/replay';
const WAIT_MS = 60_000;
const SUITE_STEP_MS = 5 * 60_000;
const CLI_TIMEOUT_MS = 120_000;

/** The built CLI, as an auditor runs it. */
function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli.js'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A ledger as the service leaves it: events, a transparency log caught up and signed, live read models. */
async function buildLedger(dataDir: string): Promise<{ savedCheckpoint: string; verifierKey: string; head: bigint }> {
  await generateHistory(dataDir, { seed: 'auditor-replay', targetEvents: 1_500, vendorCount: 20 });
  const store = SqliteEventStore.open(join(dataDir, 'events.db'));
  const logDb = new Database(join(dataDir, 'tlog.db'));
  try {
    const signer = LogSigner.openOrCreate(join(dataDir, 'log-signing.key'), ORIGIN);
    const log = new TransparencyLog(logDb, signer, { now: () => new Date() }, 0, silentLogger);
    const runner = new SubscriptionRunner(store, log, silentLogger, new DeadLetterStore(logDb));
    runner.start();
    const head = await store.headPosition();
    expect(await runner.waitForPosition(head, WAIT_MS)).toBe(true);
    await runner.stop();
    const checkpoint = log.signCheckpoint();
    const live = await rebuildInto(readModelDatabasePath(dataDir), store);
    live.db.close();
    return { savedCheckpoint: checkpoint.note, verifierKey: signer.verifierKey, head };
  } finally {
    logDb.close();
    await store.close();
  }
}

/** Opens a copy of the ledger the way an attacker with disk access would: the triggers dropped. */
function forgerOpen(dataDir: string): Database.Database {
  const db = new Database(join(dataDir, 'events.db'));
  for (const { name } of db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()) db.exec(`DROP TRIGGER ${name}`);
  return db;
}

/** A stored row as the forger reads it: every row of this version has its commitment. */
type Row = EventRow & { commitment_salt: string; private_digest: string; chain_hash: string };

async function replay(dataDir: string, verifierKey: string) {
  const store = SqliteEventStore.openForAudit(join(dataDir, 'events.db'));
  const logDb = new Database(join(dataDir, 'tlog.db'));
  const live = openReadModelDatabase(readModelDatabasePath(dataDir));
  try {
    return await replayLedger({
      store,
      checkChain: async () => storeChainFindings(join(dataDir, 'events.db')),
      logDb,
      verifierKey,
      liveReadModelsDb: live,
      scratchPath: ':memory:',
    });
  } finally {
    live.close();
    logDb.close();
    await store.close();
  }
}

async function verify(dataDir: string, savedNote: string, verifierKey: string) {
  const store = SqliteEventStore.openForAudit(join(dataDir, 'events.db'));
  const logDb = new Database(join(dataDir, 'tlog.db'));
  try {
    return await verifyAgainstSavedCheckpoint({ store, savedNote, verifierKey, logDb });
  } finally {
    logDb.close();
    await store.close();
  }
}

describe("the auditor's replay and verify (integration)", () => {
  let root: string;
  let original: string;
  let ledger: Awaited<ReturnType<typeof buildLedger>>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'bela-replay-'));
    original = join(root, 'original');
    ledger = await buildLedger(original);
  }, SUITE_STEP_MS);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function copy(name: string): string {
    const dir = join(root, name);
    cpSync(original, dir, { recursive: true });
    return dir;
  }

  it('replays an untouched ledger: chain, every digest and leaf, the signed checkpoint and every read model match', async () => {
    const report = await replay(copy('untouched'), ledger.verifierKey);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    // The embedded store's positions are dense from 1: the head position is the event count.
    expect(report.events).toBe(Number(ledger.head));
    expect(report.checkpoint).toEqual({ treeSize: report.events, rootMatches: true });
    expect((await verify(copy('untouched-verify'), ledger.savedCheckpoint, ledger.verifierKey)).findings).toEqual([]);
  });

  it('catches the forgery of an OrderPaid (amount and BAST) made directly in events.db: replay and verify name its position', async () => {
    const dir = copy('forged');
    const db = forgerOpen(dir);
    const paid = db.prepare<[], Row>("SELECT * FROM events WHERE type = 'OrderPaid' ORDER BY position LIMIT 1").get()!;
    const forged = { ...JSON.parse(paid.data), amountRupiah: 390_000, bastNumber: 'BAST/999/FORGED' };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(forged), paid.position);
    db.close();

    const report = await replay(dir, ledger.verifierKey);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ check: 'chain', position: String(paid.position) });
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'digest', position: String(paid.position) }));
    expect(report.findings.some((finding) => finding.check === 'read-model')).toBe(true);

    const verified = await verify(dir, ledger.savedCheckpoint, ledger.verifierKey);
    expect(verified.ok).toBe(false);
    expect(verified.findings).toContainEqual(expect.objectContaining({ check: 'digest', position: String(paid.position) }));
  });

  it(
    'catches a history rewritten together with its chain and its log (re-signed with the key from disk): verify against the saved checkpoint fails',
    async () => {
      const dir = copy('rewritten');
      const db = forgerOpen(dir);
      const rows = db.prepare<[], Row>('SELECT * FROM events ORDER BY position').all();
      const target = rows.find((row) => row.type === 'OrderPaid')!;
      const forgedData = { ...JSON.parse(target.data), amountRupiah: 390_000, bastNumber: 'BAST/999/FORGED' };
      // The forger recomputes the digest of the forged event and every chain hash after it.
      const update = db.prepare('UPDATE events SET data = ?, private_digest = ?, chain_hash = ? WHERE position = ?');
      let previous = rows[rows.indexOf(target) - 1]?.chain_hash ?? '0'.repeat(64);
      for (const row of rows.slice(rows.indexOf(target))) {
        const data = row.position === target.position ? forgedData : JSON.parse(row.data);
        const digest = privateDigest(row.commitment_salt, data, JSON.parse(row.metadata));
        const event = {
          position: BigInt(row.position),
          streamId: row.stream_id,
          revision: BigInt(row.revision),
          id: row.event_id,
          type: row.type,
          data,
          metadata: JSON.parse(row.metadata),
          created: new Date(row.created_ms),
        };
        previous = chainHash(previous, commitEvent(event, row.commitment_salt, digest).leafData);
        update.run(JSON.stringify(data), digest, previous, row.position);
      }
      db.close();
      // ...and rebuilds the transparency log and its read models from the forged events, signing with the key on disk.
      rmSync(join(dir, 'tlog.db'));
      rmSync(readModelDatabasePath(dir));
      const store = SqliteEventStore.open(join(dir, 'events.db'));
      const logDb = new Database(join(dir, 'tlog.db'));
      const log = new TransparencyLog(logDb, LogSigner.openOrCreate(join(dir, 'log-signing.key'), ORIGIN), { now: () => new Date() }, 0, silentLogger);
      const runner = new SubscriptionRunner(store, log, silentLogger, new DeadLetterStore(logDb));
      runner.start();
      expect(await runner.waitForPosition(await store.headPosition(), WAIT_MS)).toBe(true);
      await runner.stop();
      log.signCheckpoint();
      (await rebuildInto(readModelDatabasePath(dir), store)).db.close();
      logDb.close();
      await store.close();

      // Everything on the server agrees with itself now...
      expect((await replay(dir, ledger.verifierKey)).findings).toEqual([]);
      // ...but not with the checkpoint the auditor kept.
      const verified = await verify(dir, ledger.savedCheckpoint, ledger.verifierKey);
      expect(verified.ok).toBe(false);
      expect(verified.findings.map((finding) => finding.check)).toEqual(expect.arrayContaining(['checkpoint', 'consistency']));
    },
    SUITE_STEP_MS,
  );

  it(
    'runs as `audit replay` and `audit verify` from the CLI: exit 0 on the untouched ledger, 1 with the position on a forged one',
    async () => {
      const untouched = copy('cli-untouched');
      const keyFile = join(root, 'saved.vkey');
      const checkpointFile = join(root, 'saved.checkpoint');
      writeFileSync(keyFile, `${ledger.verifierKey}\n`);
      writeFileSync(checkpointFile, ledger.savedCheckpoint);
      const clean = cli(['audit', 'replay', '--key', keyFile, '--data-dir', untouched]);
      expect({ status: clean.status, stderr: clean.stderr.split('\n').filter((line) => /error|MISMATCH/i.test(line)) }).toEqual({ status: 0, stderr: [] });
      expect(JSON.parse(clean.stdout.trim().split('\n').pop()!)).toMatchObject({ ok: true, checkpoint: { rootMatches: true } });
      expect(cli(['audit', 'verify', '--checkpoint', checkpointFile, '--key', keyFile, '--data-dir', untouched]).status).toBe(0);

      const forged = copy('cli-forged');
      const db = forgerOpen(forged);
      const paid = db.prepare<[], Row>("SELECT * FROM events WHERE type = 'OrderPaid' ORDER BY position LIMIT 1").get()!;
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify({ ...JSON.parse(paid.data), amountRupiah: 390_000 }), paid.position);
      db.close();
      const replayed = cli(['audit', 'replay', '--key', keyFile, '--data-dir', forged]);
      expect(replayed.status).toBe(1);
      expect(replayed.stdout.split('\n')[0]).toMatch(new RegExp(`^MISMATCH chain at position ${paid.position}: `));
      expect(replayed.stderr).toContain(`the first: chain at position ${paid.position}`);
      const verified = cli(['audit', 'verify', '--checkpoint', checkpointFile, '--key', keyFile, '--data-dir', forged]);
      expect(verified.status).toBe(1);
      expect(verified.stdout).toContain(`MISMATCH digest at position ${paid.position}`);
    },
    SUITE_STEP_MS,
  );
});
