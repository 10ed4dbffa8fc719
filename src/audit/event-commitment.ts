import { createHash, randomBytes } from 'node:crypto';
import { streamCategory } from '../event-store/event-store.port.js';
import { isKnownEventType, categoryOfEventType, publicVariant } from '../kafka/public-contract.js';
import { LeafRecord, bytesToHex, encodeLeaf, privateDigestInput } from '../verifier/leaf.js';

/** Salt bytes per event: enough that a guessable value (a NIK, a name) cannot be found by hashing guesses. */
export const COMMITMENT_SALT_BYTES = 32;

/** The parts of a stored event that its commitment covers. */
export interface CommittableEvent {
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly schemaVersion?: unknown; readonly [key: string]: unknown };
  readonly created: Date;
}

export interface EventCommitment {
  readonly record: LeafRecord;
  /** The leaf data (canonical JSON bytes of `record`). */
  readonly leafData: Buffer;
}

export function newCommitmentSalt(): string {
  return randomBytes(COMMITMENT_SALT_BYTES).toString('hex');
}

export function privateDigest(saltHex: string, data: unknown, metadata: unknown): string {
  return createHash('sha256')
    .update(privateDigestInput(saltHex, data, metadata))
    .digest('hex');
}

/** The public view the leaf commits to: the public Kafka topics' redaction, or null (fail closed). */
export function publicViewOf(event: Pick<CommittableEvent, 'type' | 'streamId' | 'data' | 'metadata'>): Record<string, unknown> | null {
  if (!isKnownEventType(event.type)) return null;
  const category = categoryOfEventType(event.type);
  if (streamCategory(event.streamId) !== category) return null;
  const schemaVersion = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : -1;
  const variant = publicVariant({ type: event.type, data: event.data, schemaVersion }, category);
  return 'data' in variant ? variant.data : null;
}

/**
 * The leaf record of an event. `storedDigest` is the digest kept beside the event: once a
 * person's data is erased it can no longer be recomputed, and the stored one stands in.
 */
export function commitEvent(event: CommittableEvent, saltHex: string, storedDigest?: string): EventCommitment {
  const record: LeafRecord = {
    position: event.position.toString(),
    streamId: event.streamId,
    revision: event.revision.toString(),
    eventId: event.id,
    type: event.type,
    recordedAt: event.created.toISOString(),
    publicView: publicViewOf(event),
    privateDigest: storedDigest ?? privateDigest(saltHex, event.data, event.metadata),
  };
  return { record, leafData: Buffer.from(encodeLeaf(record)) };
}

/**
 * Leaf data of the latest events appended by this process's store, which computed them for its
 * hash chain: the transparency log commits the same events moments later and takes their leaf
 * from here instead of encoding it again. Keyed by position, event id and private digest (which
 * covers the data, the metadata and a random salt), so only the very same event matches.
 */
export const REMEMBERED_LEAVES_MAX = 2_048;
const rememberedLeaves = new Map<string, Buffer>();

function leafKey(position: bigint | number, eventId: string, digest: string): string {
  return `${position}\u0000${eventId}\u0000${digest}`;
}

export function rememberLeaf(position: bigint | number, eventId: string, digest: string, leafData: Buffer): void {
  rememberedLeaves.set(leafKey(position, eventId, digest), leafData);
  if (rememberedLeaves.size > REMEMBERED_LEAVES_MAX) rememberedLeaves.delete(rememberedLeaves.keys().next().value!);
}

/** The remembered leaf of this event, once (it is forgotten as it is taken), or undefined. */
export function takeRememberedLeaf(position: bigint | number, eventId: string, digest: string): Buffer | undefined {
  const key = leafKey(position, eventId, digest);
  const leafData = rememberedLeaves.get(key);
  if (leafData !== undefined) rememberedLeaves.delete(key);
  return leafData;
}

/** The store's hash chain: SHA-256(previous chain hash || leaf data); the first event's previous is 32 zero bytes. */
export const CHAIN_GENESIS_HEX = '0'.repeat(64);

export function chainHash(previousHex: string, leafData: Uint8Array): string {
  return createHash('sha256').update(Buffer.from(previousHex, 'hex')).update(leafData).digest('hex');
}

export { bytesToHex };
