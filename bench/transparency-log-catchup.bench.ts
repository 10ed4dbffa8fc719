/**
 * `npm run bench:transparency-log-catchup -- --data-dir D`: the transparency log catching up on
 * the events of D/events.db from an empty tlog.db (as at a service start on a store without a
 * log), through the same subscription runner the service uses, beside a raw scan of the same
 * events.db (SELECT every row, JSON.parse of data and metadata) in the same run. Prints the
 * leaves per second, the ratio and the final root (equal roots across revisions: same tree).
 * Make the store first: `DATA_DIR=D npm run cli -- demo --events 100000`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogSigner } from '../src/audit/log-signer.js';
import { TransparencyLog } from '../src/audit/transparency-log.js';
import { DeadLetterStore } from '../src/event-store/dead-letter-store.js';
import { openSqliteFile } from '../src/event-store/sqlite/open-sqlite-file.js';
import { SubscriptionRunner } from '../src/event-store/subscription-runner.js';
import { systemClock } from '../src/kernel/clock.js';
import { silentLogger } from '../src/kernel/logger.js';
import { storeArgument } from './support/store-argument.js';

/** The service's default signing interval, so catch-up signs as it would in production. */
const CHECKPOINT_INTERVAL_MS = 1_000;
const CATCH_UP_WAIT_MS = 30_000;
const CATCH_UP_WAITS_MAX = 1_000;

async function main(): Promise<void> {
  const { dataDir, store, raw } = storeArgument();
  const scratch = mkdtempSync(join(tmpdir(), 'bela-tlog-catchup-'));
  const logDb = openSqliteFile(join(scratch, 'tlog.db'));
  const log = new TransparencyLog(logDb, LogSigner.generate('bench.bela.example/log').signer, systemClock, CHECKPOINT_INTERVAL_MS, silentLogger);
  const runner = new SubscriptionRunner(store, log, silentLogger, new DeadLetterStore(new Database(':memory:')));
  try {
    const head = await store.headPosition();
    const startedMs = performance.now();
    runner.start();
    for (let wait = 0; wait < CATCH_UP_WAITS_MAX && !(await runner.waitForPosition(head, CATCH_UP_WAIT_MS)); wait += 1);
    const elapsedMs = performance.now() - startedMs;
    await runner.stop();
    log.stop();
    const leaves = log.tree.size();
    const leavesPerSecond = Math.round((leaves * 1000) / elapsedMs);
    const rawPerSecond = Math.round((raw.events * 1000) / raw.elapsedMs);
    console.log(
      JSON.stringify(
        {
          leaves,
          catchUp: { elapsedMs: Math.round(elapsedMs), leavesPerSecond },
          rawScan: { events: raw.events, elapsedMs: Math.round(raw.elapsedMs), eventsPerSecond: rawPerSecond },
          ratio: Number((leavesPerSecond / rawPerSecond).toFixed(3)),
          rootHex: log.tree.rootHash(leaves).toString('hex'),
          signedCheckpoint: log.checkpoints.latest()?.treeSize ?? null,
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    logDb.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
