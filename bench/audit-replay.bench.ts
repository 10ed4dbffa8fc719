/**
 * `npm run bench:audit-replay -- --data-dir D`: the auditor's replay of a ledger (chain, every
 * commitment and the Merkle tree, the log and its checkpoint, a scratch rebuild of every read
 * model compared with the live ones) beside a raw scan of the same events.db (SELECT every row,
 * JSON.parse of data and metadata), in the same run. Make the ledger first, e.g.
 * `DATA_DIR=D npm run cli -- demo --events 100000`, then start the service on D once so its
 * read models and transparency log catch up, and stop it.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayLedger } from '../src/audit/replay/replay-ledger.js';
import { storeChainFindings } from '../src/audit/replay/store-chain-check.js';
import { openReadModelDatabase, readModelDatabasePath } from '../src/read-models/read-model-database.js';
import { storeArgument } from './support/store-argument.js';

async function main(): Promise<void> {
  const { dataDir, store, raw } = storeArgument();
  const eventsDb = join(dataDir, 'events.db');
  const logDb = existsSync(join(dataDir, 'tlog.db')) ? new Database(join(dataDir, 'tlog.db')) : undefined;
  const live = existsSync(readModelDatabasePath(dataDir)) ? openReadModelDatabase(readModelDatabasePath(dataDir)) : undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'bela-replay-bench-'));
  try {
    const report = await replayLedger({
      store,
      checkChain: async () => storeChainFindings(eventsDb),
      ...(logDb ? { logDb } : {}),
      ...(live ? { liveReadModelsDb: live } : {}),
      scratchPath: join(scratch, 'read-models.db'),
    });
    const rawPerSecond = Math.round((raw.events * 1000) / raw.elapsedMs);
    console.log(
      JSON.stringify(
        {
          events: report.events,
          match: report.ok,
          findings: report.findings.length,
          checkpoint: report.checkpoint,
          replay: { elapsedMs: report.elapsedMs, eventsPerSecond: report.eventsPerSecond },
          rawScan: { elapsedMs: Math.round(raw.elapsedMs), eventsPerSecond: rawPerSecond },
          ratio: Number((report.eventsPerSecond / rawPerSecond).toFixed(3)),
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    logDb?.close();
    live?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
