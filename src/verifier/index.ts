/**
 * The standalone verifier of the ledger's transparency log: Merkle proofs (RFC 9162), signed
 * notes and checkpoints (C2SP), leaf records. It imports nothing from the server and runs in
 * Node 20+ and in browsers; `npm run build:verifier` bundles it as dist/web/verifier.js.
 */
export { LEAF_FORMAT_VERSION, bytesToHex, canonicalBytes, encodeLeaf, hexToBytes, privateDigestInput } from './leaf.js';
export type { LeafRecord } from './leaf.js';
export { base64ToBytes, bytesEqual, bytesToBase64 } from './encoding.js';
export { HASH_BYTES, hashChildren, hashLeaf, sha256 } from './hash.js';
export { PROOF_HASHES_MAX, VerificationError, rootFromInclusionProof, splitPoint, treeHash, verifyConsistency, verifyInclusion } from './merkle.js';
export { ed25519KeyId, formatVerifierKey, isValidKeyName, openNote, parseNote, parseVerifierKey, signatureLine } from './note.js';
export type { NoteSignature, ParsedNote, VerifierKey } from './note.js';
export { openCheckpoint, parseCheckpointText } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
export { leafHashOf, recomputePrivateDigest, verifyCheckpointConsistency, verifyEventInclusion } from './event-proof.js';
export type { ConsistencyProofDocument, InclusionProofDocument } from './event-proof.js';
