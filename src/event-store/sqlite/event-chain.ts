import { randomBytes } from 'node:crypto';
import { CHAIN_GENESIS_HEX, COMMITMENT_SALT_BYTES, chainHash, commitEvent, privateDigest, rememberLeaf } from '../../audit/event-commitment.js';
import type { EventMetadata } from '../event-store.port.js';

/** One row of the events table, as stored. */
export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  created_ms: number;
  commitment_salt: string | null;
  private_digest: string | null;
  chain_hash: string | null;
}

/** The row's last link: where the next append continues the chain. */
export interface ChainLink {
  readonly position: number;
  readonly chainHash: string;
}

export const GENESIS_LINK: ChainLink = { position: 0, chainHash: CHAIN_GENESIS_HEX };

/** What the store writes beside an event so that its row is part of the chain. */
export interface RowCommitment {
  readonly saltHex: string;
  readonly privateDigest: string;
  readonly chainHash: string;
}

export interface ChainedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly createdMs: number;
}

/**
 * Salts for this many events come from one call into the CSPRNG: a call for 32 bytes costs about
 * as much as the rest of an event's commitment.
 */
const SALT_POOL_EVENTS = 256;
let saltPool = Buffer.alloc(0);
let saltPoolOffset = 0;

function nextSalt(): string {
  if (saltPoolOffset >= saltPool.length) {
    saltPool = randomBytes(COMMITMENT_SALT_BYTES * SALT_POOL_EVENTS);
    saltPoolOffset = 0;
  }
  const saltHex = saltPool.toString('hex', saltPoolOffset, saltPoolOffset + COMMITMENT_SALT_BYTES);
  saltPoolOffset += COMMITMENT_SALT_BYTES;
  return saltHex;
}

/** Commits a new event to the chain after `previousHex`, with a fresh salt (one canonical form of the event each). */
export function commitRow(previousHex: string, event: ChainedEvent, saltHex = nextSalt()): RowCommitment {
  const digest = privateDigest(saltHex, event.data, event.metadata);
  const leafData = leafDataOf(event, saltHex, digest);
  rememberLeaf(event.position, event.id, digest, leafData);
  return { saltHex, privateDigest: digest, chainHash: chainHash(previousHex, leafData) };
}

function leafDataOf(event: ChainedEvent, saltHex: string, digest: string): Buffer {
  return commitEvent(
    {
      position: BigInt(event.position),
      streamId: event.streamId,
      revision: BigInt(event.revision),
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      created: new Date(event.createdMs),
    },
    saltHex,
    digest,
  ).leafData;
}

/**
 * Why a row does not verify: `digest` = its data or metadata are not what its stored digest
 * commits to; `chain` = its chain hash does not follow from the previous row and this row's
 * record (position, stream, revision, id, type, recorded time, digest), or a row before it was
 * removed; `missing` = it has no commitment at all.
 */
export type ChainBreakReason = 'digest' | 'chain' | 'missing';

export interface ChainBreak {
  readonly position: number;
  readonly reason: ChainBreakReason;
  readonly detail: string;
}

/** The store's file does not verify: someone changed it outside the store. */
export class EventStoreChainError extends Error {
  constructor(
    readonly filePath: string,
    readonly chainBreak: ChainBreak,
  ) {
    super(`event store ${filePath} fails its chain check at position ${chainBreak.position} (${chainBreak.reason}): ${chainBreak.detail}`);
    this.name = 'EventStoreChainError';
  }
}

/** Checks one row against the link before it; answers its own link or why it breaks the chain. */
export function verifyRow(row: EventRow, previous: ChainLink): ChainLink | ChainBreak {
  const position = row.position;
  if (row.commitment_salt === null || row.private_digest === null || row.chain_hash === null) {
    return { position, reason: 'missing', detail: 'the row has no salt, digest or chain hash' };
  }
  let data: unknown;
  let metadata: EventMetadata;
  try {
    data = JSON.parse(row.data) as unknown;
    metadata = JSON.parse(row.metadata) as EventMetadata;
  } catch {
    return { position, reason: 'digest', detail: 'data or metadata is not JSON' };
  }
  const digest = privateDigest(row.commitment_salt, data, metadata);
  if (digest !== row.private_digest) {
    return { position, reason: 'digest', detail: `data or metadata differ from the stored digest (stored ${row.private_digest}, computed ${digest})` };
  }
  const event: ChainedEvent = {
    position,
    streamId: row.stream_id,
    revision: row.revision,
    id: row.event_id,
    type: row.type,
    data,
    metadata,
    createdMs: row.created_ms,
  };
  const computed = chainHash(previous.chainHash, leafDataOf(event, row.commitment_salt, row.private_digest));
  if (computed !== row.chain_hash) {
    const gap = previous !== GENESIS_LINK && position !== previous.position + 1 ? `; the row before it is at ${previous.position}` : '';
    return { position, reason: 'chain', detail: `chain hash differs (stored ${row.chain_hash}, computed ${computed})${gap}` };
  }
  return { position, chainHash: computed };
}

export function isChainBreak(result: ChainLink | ChainBreak): result is ChainBreak {
  return 'reason' in result;
}
