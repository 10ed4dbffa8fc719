import { bytesToHex, encodeLeaf, hexToBytes, LeafRecord, privateDigestInput } from './leaf.js';
import { hashLeaf, sha256 } from './hash.js';
import { Checkpoint, openCheckpoint } from './checkpoint.js';
import { VerificationError, verifyConsistency, verifyInclusion } from './merkle.js';
import { parseVerifierKey } from './note.js';

/** What GET /log/proofs/inclusion answers: enough to check an event against a signed checkpoint. */
export interface InclusionProofDocument {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leaf: LeafRecord;
  /** Hex hashes, leaf to root. */
  readonly proof: readonly string[];
  /** The signed checkpoint of `treeSize` (a C2SP signed note). */
  readonly checkpoint: string;
}

/** What GET /log/proofs/consistency answers. */
export interface ConsistencyProofDocument {
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly string[];
}

/** The leaf hash of a leaf record, recomputed from the public view and the digest. */
export async function leafHashOf(record: LeafRecord): Promise<Uint8Array> {
  return hashLeaf(encodeLeaf(record));
}

/** For auditors, who hold the whole event and its salt: the digest the leaf must carry. */
export async function recomputePrivateDigest(saltHex: string, data: unknown, metadata: unknown): Promise<string> {
  return bytesToHex(await sha256(privateDigestInput(saltHex, data, metadata)));
}

function hashes(hexes: readonly string[]): Uint8Array[] {
  try {
    return hexes.map((hex) => hexToBytes(hex));
  } catch {
    throw new VerificationError('proof hashes are lowercase hex');
  }
}

/**
 * Checks an event's inclusion proof: the checkpoint is signed by the log's key (a verifier key
 * string, obtained independently of the proof), it is for the proof's tree size, and the leaf
 * recomputed from the record is at `leafIndex` under the checkpoint's root. Resolves to the
 * checkpoint; rejects with a VerificationError.
 */
export async function verifyEventInclusion(document: InclusionProofDocument, verifierKey: string, origin?: string): Promise<Checkpoint> {
  const key = await parseVerifierKey(verifierKey);
  const checkpoint = await openCheckpoint(document.checkpoint, key, origin ?? key.name);
  if (checkpoint.treeSize !== document.treeSize)
    throw new VerificationError(`the checkpoint is for ${checkpoint.treeSize} leaves, the proof for ${document.treeSize}`);
  await verifyInclusion(document.leafIndex, document.treeSize, await leafHashOf(document.leaf), hashes(document.proof), checkpoint.rootHash);
  return checkpoint;
}

/** Checks that the later checkpoint extends the earlier one (both signed by the key). */
export async function verifyCheckpointConsistency(
  earlierNote: string,
  laterNote: string,
  document: ConsistencyProofDocument,
  verifierKey: string,
  origin?: string,
): Promise<void> {
  const key = await parseVerifierKey(verifierKey);
  const earlier = await openCheckpoint(earlierNote, key, origin ?? key.name);
  const later = await openCheckpoint(laterNote, key, origin ?? key.name);
  if (earlier.treeSize !== document.fromSize || later.treeSize !== document.toSize)
    throw new VerificationError('the proof is for other tree sizes than the checkpoints');
  await verifyConsistency(earlier.treeSize, later.treeSize, earlier.rootHash, later.rootHash, hashes(document.proof));
}
