import type Database from 'better-sqlite3';
import type { EventStore } from '../../event-store/event-store.port.js';
import { openCheckpoint } from '../../verifier/checkpoint.js';
import type { Checkpoint } from '../../verifier/checkpoint.js';
import { verifyCheckpointConsistency } from '../../verifier/event-proof.js';
import { parseVerifierKey } from '../../verifier/note.js';
import { MerkleTreeStore } from '../merkle-tree-store.js';
import { SignedCheckpointStore } from '../signed-checkpoints.js';
import { AuditFinding, recomputeLog } from './log-recomputation.js';

export interface VerifyInput {
  readonly store: EventStore;
  /** A checkpoint (C2SP signed note) the auditor saved earlier. */
  readonly savedNote: string;
  /** The log's verifier key as the auditor saved it (not as the server shows it now). */
  readonly verifierKey: string;
  readonly origin?: string;
  /** tlog.db of the live log, for the consistency proof to its latest checkpoint. */
  readonly logDb?: Database.Database;
  readonly onProgress?: (events: number) => void;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly savedTreeSize?: number;
  readonly latestTreeSize?: number;
  readonly findings: readonly AuditFinding[];
}

/**
 * Checks today's history against a checkpoint saved earlier: the saved note is signed by the
 * log's key; the store's first N events (N = the saved tree size) still hash to the saved root,
 * which catches a rewritten history even when the log was rebuilt to match it; and the live
 * log's latest checkpoint is consistent with the saved one (the log only grew).
 */
export async function verifyAgainstSavedCheckpoint(input: VerifyInput): Promise<VerifyReport> {
  const findings: AuditFinding[] = [];
  let saved: Checkpoint;
  try {
    const key = await parseVerifierKey(input.verifierKey);
    saved = await openCheckpoint(input.savedNote, key, input.origin ?? key.name);
  } catch (error) {
    return { ok: false, findings: [{ check: 'checkpoint', detail: `the saved checkpoint does not verify: ${message(error)}` }] };
  }

  const logTree = input.logDb ? new MerkleTreeStore(input.logDb) : undefined;
  const recomputed = await recomputeLog(input.store, {
    ...(logTree ? { logTree } : {}),
    stopAtSize: saved.treeSize,
    rootsAtSizes: [saved.treeSize],
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  findings.push(...recomputed.findings.filter((finding) => finding.check !== 'log-size'));
  const rootHex = recomputed.rootsAt.get(saved.treeSize);
  if (rootHex === undefined) {
    findings.push({
      check: 'checkpoint',
      detail: `the saved checkpoint covers ${saved.treeSize} events, the store now holds only ${recomputed.events}: events were removed`,
    });
  } else if (rootHex !== Buffer.from(saved.rootHash).toString('hex')) {
    findings.push({
      check: 'checkpoint',
      detail: `the store's first ${saved.treeSize} events no longer hash to the saved root: the history before that point was changed`,
    });
  }

  let latestTreeSize: number | undefined;
  if (input.logDb && logTree) {
    const latest = new SignedCheckpointStore(input.logDb).latest();
    latestTreeSize = latest?.treeSize;
    if (!latest || latest.treeSize < saved.treeSize) {
      findings.push({
        check: 'consistency',
        detail: `the log's latest checkpoint (${latest?.treeSize ?? 'none'}) is smaller than the saved one (${saved.treeSize}): the log was cut back`,
      });
    } else {
      try {
        const proof = logTree.consistencyProof(saved.treeSize, latest.treeSize).map((hash) => hash.toString('hex'));
        await verifyCheckpointConsistency(
          input.savedNote,
          latest.note,
          { fromSize: saved.treeSize, toSize: latest.treeSize, proof },
          input.verifierKey,
          input.origin,
        );
      } catch (error) {
        findings.push({
          check: 'consistency',
          detail: `the log's latest checkpoint (${latest.treeSize}) is not an extension of the saved one (${saved.treeSize}): ${message(error)}`,
        });
      }
    }
  }
  return { ok: findings.length === 0, savedTreeSize: saved.treeSize, ...(latestTreeSize !== undefined ? { latestTreeSize } : {}), findings };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
