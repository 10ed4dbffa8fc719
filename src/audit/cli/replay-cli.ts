import type Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppConfig, loadConfig } from '../../config/app-config.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { openEventStore } from '../../event-store/open-event-store.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../../event-store/sqlite/open-sqlite-file.js';
import { openReadModelDatabase, readModelDatabasePath } from '../../read-models/read-model-database.js';
import { verifyEventInclusion } from '../../verifier/event-proof.js';
import type { InclusionProofDocument } from '../../verifier/event-proof.js';
import { LogSigner } from '../log-signer.js';
import type { AuditFinding } from '../replay/log-recomputation.js';
import { ReplayStage, replayLedger } from '../replay/replay-ledger.js';
import { storeChainFindings } from '../replay/store-chain-check.js';
import { verifyAgainstSavedCheckpoint } from '../replay/verify-saved-checkpoint.js';
import { ProgressBar } from './progress-bar.js';

export const REPLAY_USAGE = `  npm run cli -- audit replay [--key <verifier key or file>] [--data-dir D]
        Checks the store's hash chain, recomputes every event's commitment and the Merkle tree,
        compares them with the transparency log and its latest signed checkpoint, rebuilds every
        read model into a scratch database and compares it with the live one. Exit 0: all match;
        1: the first differing position and what differs.
  npm run cli -- audit verify --checkpoint <saved note file> --key <verifier key or file> [--data-dir D]
  npm run cli -- audit verify --proof <inclusion proof JSON file> --key <verifier key or file>
        Checks today's history (or one inclusion proof) against a checkpoint you saved earlier.`;

function configFor(dataDir: string | undefined): AppConfig {
  return loadConfig(dataDir !== undefined ? { ...process.env, DATA_DIR: dataDir } : process.env);
}

/** A verifier key given inline (`name+id+base64`) or as a file holding it. */
function readVerifierKey(value: string): string {
  return (existsSync(value) ? readFileSync(value, 'utf8') : value).trim();
}

/** The log's own key, from its signing key file, when the auditor gave none. */
function localVerifierKey(config: AppConfig): string | undefined {
  if (!existsSync(config.logSigningKeyFile)) return undefined;
  return LogSigner.fromSignerKey(readFileSync(config.logSigningKeyFile, 'utf8')).verifierKey;
}

/** The embedded store opens even when its chain is broken (the chain check reports it); EventStoreDB as usual. */
async function openStoreForAudit(config: AppConfig): Promise<EventStore> {
  return config.eventStoreConnectionString ? (await openEventStore(config)).store : SqliteEventStore.openForAudit(join(config.dataDir, 'events.db'));
}

function openIfExists(path: string, open: (path: string) => Database.Database): Database.Database | undefined {
  return existsSync(path) ? open(path) : undefined;
}

function printFindings(findings: readonly AuditFinding[]): void {
  for (const finding of findings) {
    process.stdout.write(`MISMATCH ${finding.check}${finding.position !== undefined ? ` at position ${finding.position}` : ''}: ${finding.detail}\n`);
  }
}

export async function replayCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { key: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
  const config = configFor(values['data-dir']);
  const logDb = openIfExists(join(config.dataDir, 'tlog.db'), (path) => openSqliteFile(path));
  const liveReadModelsDb = openIfExists(readModelDatabasePath(config.dataDir), openReadModelDatabase);
  const scratchDir = mkdtempSync(join(tmpdir(), 'bela-replay-'));
  let store: EventStore | undefined;
  try {
    store = await openStoreForAudit(config);
    const total = Number((await store.headPosition()) + 1n);
    const bars = new Map<ReplayStage, ProgressBar>();
    const bar = (stage: ReplayStage): ProgressBar => {
      let found = bars.get(stage);
      if (!found) bars.set(stage, (found = new ProgressBar(stage, total)));
      return found;
    };
    const verifierKey = values.key !== undefined ? readVerifierKey(values.key) : localVerifierKey(config);
    const report = await replayLedger({
      store,
      ...(config.eventStoreConnectionString
        ? {}
        : { checkChain: async (onProgress: (done: number) => void) => storeChainFindings(join(config.dataDir, 'events.db'), onProgress) }),
      ...(logDb ? { logDb } : {}),
      ...(verifierKey ? { verifierKey } : {}),
      ...(liveReadModelsDb ? { liveReadModelsDb } : {}),
      scratchPath: join(scratchDir, 'read-models.db'),
      onProgress: (stage, done) => bar(stage).update(done),
    });
    for (const progress of bars.values()) progress.finish(total);
    printFindings(report.findings);
    const { findings: _printed, ...summary } = report;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (!report.ok) process.stderr.write(`replay: ${report.findings.length} mismatch(es); the first: ${describe(report.findings[0]!)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await store?.close();
    logDb?.close();
    liveReadModelsDb?.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

export async function verifyCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { checkpoint: { type: 'string' }, proof: { type: 'string' }, key: { type: 'string' }, origin: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  if (values.key === undefined) throw new RangeError('--key is required: the log verifier key you saved (inline or a file)');
  const verifierKey = readVerifierKey(values.key);
  if (values.proof !== undefined) {
    const document = JSON.parse(readFileSync(values.proof, 'utf8')) as InclusionProofDocument;
    try {
      const checkpoint = await verifyEventInclusion(document, verifierKey, values.origin);
      process.stdout.write(
        `${JSON.stringify({ ok: true, eventId: document.leaf.eventId, position: document.leaf.position, leafIndex: document.leafIndex, treeSize: checkpoint.treeSize, origin: checkpoint.origin })}\n`,
      );
      return 0;
    } catch (error) {
      process.stdout.write(`MISMATCH proof: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  if (values.checkpoint === undefined) throw new RangeError('give --checkpoint <saved note file> or --proof <proof file>');
  const config = configFor(values['data-dir']);
  const logDb = openIfExists(join(config.dataDir, 'tlog.db'), (path) => openSqliteFile(path));
  const store = await openStoreForAudit(config);
  try {
    const savedNote = readFileSync(values.checkpoint, 'utf8');
    const total = Number((await store.headPosition()) + 1n);
    const bar = new ProgressBar('verify', total);
    const report = await verifyAgainstSavedCheckpoint({
      store,
      savedNote,
      verifierKey,
      ...(values.origin !== undefined ? { origin: values.origin } : {}),
      ...(logDb ? { logDb } : {}),
      onProgress: (done) => bar.update(done),
    });
    bar.finish(report.savedTreeSize ?? total);
    printFindings(report.findings);
    const { findings: _printed, ...summary } = report;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (!report.ok) process.stderr.write(`verify: ${report.findings.length} mismatch(es); the first: ${describe(report.findings[0]!)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
    logDb?.close();
  }
}

function describe(finding: AuditFinding): string {
  return `${finding.check}${finding.position !== undefined ? ` at position ${finding.position}` : ''}: ${finding.detail}`;
}
