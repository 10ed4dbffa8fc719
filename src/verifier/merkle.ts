import { bytesEqual } from './encoding.js';
import { HASH_BYTES, hashChildren, hashLeaf, sha256 } from './hash.js';

/**
 * Verification of RFC 9162 (RFC 6962 bis) Merkle tree proofs: inclusion (section 2.1.3.2) and
 * consistency (section 2.1.4.2), and the tree hash of a list of leaves (section 2.1.1) for
 * small trees. Tree sizes and indexes are plain numbers: a ledger will not reach 2^53 events.
 */
export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

/** Proofs longer than this cannot belong to a tree of at most 2^64 leaves. */
export const PROOF_HASHES_MAX = 64;

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) of a whole list; linear in the leaves, for tests and small trees only. */
export async function treeHash(leafData: readonly Uint8Array[]): Promise<Uint8Array> {
  if (leafData.length === 0) return sha256(new Uint8Array(0));
  let level = await Promise.all(leafData.map((data) => hashLeaf(data)));
  // Pairing left to right and carrying an odd last node up gives the same tree as the RFC's split.
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(await hashChildren(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new VerificationError(`${name} must be a non-negative integer`);
}

function checkHashes(proof: readonly Uint8Array[], ...hashes: Uint8Array[]): void {
  if (proof.length > PROOF_HASHES_MAX) throw new VerificationError(`a proof has at most ${PROOF_HASHES_MAX} hashes`);
  for (const hash of [...proof, ...hashes]) if (hash.length !== HASH_BYTES) throw new VerificationError(`every hash is ${HASH_BYTES} bytes`);
}

const isOdd = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);

/** The root an inclusion proof leads to (RFC 9162 section 2.1.3.2), or a VerificationError. */
export async function rootFromInclusionProof(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Promise<Uint8Array> {
  checkSize('leafIndex', leafIndex);
  checkSize('treeSize', treeSize);
  checkHashes(proof, leafHash);
  if (leafIndex >= treeSize) throw new VerificationError(`leaf index ${leafIndex} is beyond a tree of ${treeSize}`);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new VerificationError('the inclusion proof is too long');
    if (isOdd(fn) || fn === sn) {
      r = await hashChildren(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new VerificationError('the inclusion proof is too short');
  return r;
}

/** Resolves when `proof` shows the leaf at `leafIndex` in the tree of `treeSize` with `root`; rejects otherwise. */
export async function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  const computed = await rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!bytesEqual(computed, root)) throw new VerificationError('the inclusion proof does not lead to the root');
}

function isPowerOfTwo(value: number): boolean {
  if (value < 1) return false;
  let rest = value;
  while (rest % 2 === 0) rest /= 2;
  return rest === 1;
}

/** Resolves when the tree of `secondSize` extends the tree of `firstSize` (RFC 9162 section 2.1.4.2); rejects otherwise. */
export async function verifyConsistency(
  firstSize: number,
  secondSize: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<void> {
  checkSize('firstSize', firstSize);
  checkSize('secondSize', secondSize);
  checkHashes(proof, firstRoot, secondRoot);
  if (firstSize > secondSize) throw new VerificationError(`a tree of ${secondSize} cannot extend one of ${firstSize}`);
  if (firstSize === secondSize) {
    if (proof.length !== 0) throw new VerificationError('trees of the same size need an empty proof');
    if (!bytesEqual(firstRoot, secondRoot)) throw new VerificationError('trees of the same size have different roots');
    return;
  }
  if (firstSize === 0) {
    if (proof.length !== 0) throw new VerificationError('the empty tree needs an empty proof');
    return;
  }
  if (proof.length === 0) throw new VerificationError('the consistency proof is empty');
  const path = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new VerificationError('the consistency proof is too long');
    if (isOdd(fn) || fn === sn) {
      fr = await hashChildren(c, fr);
      sr = await hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new VerificationError('the consistency proof is too short');
  if (!bytesEqual(fr, firstRoot)) throw new VerificationError('the consistency proof does not lead to the first root');
  if (!bytesEqual(sr, secondRoot)) throw new VerificationError('the consistency proof does not lead to the second root');
}
