import type Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../../projections/index.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { OFFLINE_REPLAY_ENGINE, ProjectionEngine } from '../../read-models/projection-engine.js';
import { openScratchReadModelDatabase } from '../../read-models/read-model-database.js';
import { openCheckpoint } from '../../verifier/checkpoint.js';
import { parseVerifierKey } from '../../verifier/note.js';
import { MerkleTreeStore } from '../merkle-tree-store.js';
import { SignedCheckpointStore } from '../signed-checkpoints.js';
import { AuditFinding, recomputeLog } from './log-recomputation.js';
import { compareReadModels } from './read-model-comparison.js';

export type ReplayStage = 'chain' | 'log' | 'read-models';

export interface ReplayInput {
  readonly store: EventStore;
  /** The store's own hash-chain check (embedded store only); its findings come first. */
  readonly checkChain?: (onProgress: (done: number) => void) => Promise<readonly AuditFinding[]>;
  /** tlog.db of the live transparency log, when there is one. */
  readonly logDb?: Database.Database;
  /** The log's verifier key (`<name>+<id>+<base64>`), to check the latest signed checkpoint. */
  readonly verifierKey?: string;
  /** The live read-model database, to compare with the rebuild. */
  readonly liveReadModelsDb?: Database.Database;
  /** Where the scratch rebuild of every read model goes (a file that does not exist yet, or ':memory:'). */
  readonly scratchPath: string;
  readonly onProgress?: (stage: ReplayStage, done: number) => void;
}

export interface ReplayReport {
  readonly ok: boolean;
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  readonly treeSize: number;
  readonly rootHex: string;
  /** The latest signed checkpoint and whether the recomputed tree matches it. */
  readonly checkpoint?: { readonly treeSize: number; readonly rootMatches: boolean };
  /** Ordered: store chain, then digests and leaves by position, then checkpoint, then read models. */
  readonly findings: readonly AuditFinding[];
}

/**
 * The auditor's replay: check the store's hash chain, read every event, recompute each
 * commitment and the whole Merkle tree, compare with the live log's leaves and its latest signed
 * checkpoint, rebuild every read model into a scratch database and compare it with the live one.
 */
export async function replayLedger(input: ReplayInput): Promise<ReplayReport> {
  const startedMs = performance.now();
  const findings: AuditFinding[] = [];
  if (input.checkChain) findings.push(...(await input.checkChain((done) => input.onProgress?.('chain', done))));

  const logTree = input.logDb ? new MerkleTreeStore(input.logDb) : undefined;
  const latest = input.logDb ? new SignedCheckpointStore(input.logDb).latest() : undefined;
  const recomputed = await recomputeLog(input.store, {
    ...(logTree ? { logTree } : {}),
    ...(latest ? { rootsAtSizes: [latest.treeSize] } : {}),
    onProgress: (done) => input.onProgress?.('log', done),
  });
  findings.push(...sortedByPosition(recomputed.findings));

  let checkpoint: ReplayReport['checkpoint'];
  if (latest) {
    const rootHex = recomputed.rootsAt.get(latest.treeSize);
    const rootMatches = rootHex === latest.rootHash.toString('hex');
    checkpoint = { treeSize: latest.treeSize, rootMatches };
    if (rootHex === undefined) {
      findings.push({
        check: 'checkpoint',
        detail: `the latest signed checkpoint covers ${latest.treeSize} events, the store holds only ${recomputed.events}`,
      });
    } else if (!rootMatches) {
      findings.push({ check: 'checkpoint', detail: `the events do not hash to the root of the latest signed checkpoint (tree size ${latest.treeSize})` });
    }
    if (input.verifierKey) findings.push(...(await checkSignature(latest.note, input.verifierKey)));
  }

  const scratch = openScratchReadModelDatabase(input.scratchPath);
  try {
    const engine = new ProjectionEngine(scratch, ALL_PROJECTIONS, OFFLINE_REPLAY_ENGINE);
    await engine.replay(input.store, { onPage: (_position, events) => input.onProgress?.('read-models', events) });
    if (input.liveReadModelsDb) {
      for (const difference of compareReadModels(input.liveReadModelsDb, engine)) {
        findings.push({
          check: 'read-model',
          detail: `${difference.projection}.${difference.table} ${difference.kind} ${difference.key}${difference.live ? ` live=${difference.live}` : ''}${difference.replayed ? ` replayed=${difference.replayed}` : ''}`,
        });
      }
    }
  } finally {
    scratch.close();
  }

  const elapsedMs = Math.round(performance.now() - startedMs);
  return {
    ok: findings.length === 0,
    events: recomputed.events,
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((recomputed.events * 1000) / elapsedMs) : recomputed.events,
    treeSize: recomputed.tree.size,
    rootHex: recomputed.tree.root().toString('hex'),
    ...(checkpoint ? { checkpoint } : {}),
    findings,
  };
}

async function checkSignature(note: string, verifierKey: string): Promise<AuditFinding[]> {
  try {
    await openCheckpoint(note, await parseVerifierKey(verifierKey));
    return [];
  } catch (error) {
    return [
      {
        check: 'checkpoint',
        detail: `the latest checkpoint's signature does not verify with the log's key: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
}

function sortedByPosition(findings: readonly AuditFinding[]): AuditFinding[] {
  return [...findings].sort((a, b) => {
    if (a.position === undefined || b.position === undefined) return a.position === undefined ? 1 : -1;
    const diff = BigInt(a.position) - BigInt(b.position);
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  });
}
