import type { Actor } from '../kernel/actor.js';

/**
 * The event store port, with EventStoreDB's semantics. Revisions and
 * positions are bigints as in @eventstore/db-client; a position is a commit position in $all.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: Actor;
  readonly occurredAt: string;
  readonly schemaVersion: number;
  readonly policyRevision?: number;
  readonly idempotencyKey?: string;
  /** Hash of the command that wrote the event, to tell a retry from a reused Idempotency-Key. */
  readonly commandHash?: string;
  readonly [key: string]: unknown;
}

export interface EventData<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** When the store recorded it (the store's clock, not the command's). */
  readonly created: Date;
  /** What the hash chain and the transparency log commit to beside the public view (see src/verifier/leaf.ts). */
  readonly commitment?: StoredCommitment;
}

/** The per-event salt and the salted digest of the whole event, kept beside the event by the store. */
export interface StoredCommitment {
  /** Random per event, lowercase hex; never published (it would let anyone test guesses of private data). */
  readonly saltHex: string;
  /** Lowercase hex SHA-256 of the salt and the canonical { data, metadata }. */
  readonly privateDigest: string;
}

export interface AppendResult {
  readonly nextExpectedRevision: bigint;
  readonly position: bigint;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint | 'start' | 'end';
  /** Bounded: at most READ_COUNT_MAX. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  readonly direction?: Direction;
  /** Inclusive, as in EventStoreDB's readAll. */
  readonly fromPosition?: bigint | 'start' | 'end';
  readonly maxCount?: number;
}

export interface SubscriptionFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint: the subscription delivers events after it. 'start' delivers everything. */
  readonly fromPosition: bigint | 'start';
  readonly filter?: SubscriptionFilter;
}

/** Catch-up then live. Iterate it; `unsubscribe` ends the iteration. */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  unsubscribe(): Promise<void>;
}

export const READ_COUNT_MAX = 10_000;
export const APPEND_EVENTS_MAX = 1_000;

export interface EventStore {
  appendToStream(streamId: string, events: readonly EventData[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Like readStream, but a stream with no events reads as empty: every command that creates a
   * stream reads it first, and an exception per new stream is not free. Optional; readers fall
   * back to readStream.
   */
  readStreamIfExists?(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The revision of the first event of `streamId` with id `eventId`, or undefined when the stream
   * has none: a retried command (HTTP retry, a process manager's replay) finds what its first
   * attempt wrote by the ids' index instead of folding the stream. Optional; the command pipeline
   * falls back to looking for the ids in the folded stream.
   */
  findEventRevision?(streamId: string, eventId: string): Promise<bigint | undefined>;
  /**
   * Whether `streamId` holds an event with id `eventId`: the same lookup as findEventRevision
   * without reading the event itself (the ids' index answers alone). Optional, for a process
   * manager's replay check; without it the pipeline asks findEventRevision.
   */
  containsEvent?(streamId: string, eventId: string): Promise<boolean>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options: SubscribeToAllOptions): AllSubscription;
  /** The position of the last event in $all, or -1n when empty. */
  headPosition(): Promise<bigint>;
  /**
   * How many events of $all come after `position` (exclusive), counted up to `countMax`: a
   * consumer's lag in events (EventStoreDB's positions are byte offsets, so no subtraction will do).
   */
  countEventsAfter(position: bigint, countMax: number): Promise<number>;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedRevision: ExpectedRevision,
    readonly actualRevision: bigint | 'no_stream',
  ) {
    super(`wrong expected version on ${streamId}: expected ${String(expectedRevision)}, actual ${String(actualRevision)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/**
 * The store stayed locked by other writers for longer than the store's bounded wait: nothing
 * was written. A client may retry after `retryAfterSeconds` (HTTP 503 with Retry-After).
 */
export class StoreBusyError extends Error {
  constructor(
    readonly waitedMs: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the event store stayed busy for ${waitedMs} ms; nothing was written`);
    this.name = 'StoreBusyError';
  }
}

export class StreamNotFoundError extends Error {
  constructor(readonly streamId: string) {
    super(`stream not found: ${streamId}`);
    this.name = 'StreamNotFoundError';
  }
}

export function matchesFilter(event: Pick<RecordedEvent, 'streamId' | 'type'>, filter?: SubscriptionFilter): boolean {
  if (!filter) return true;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  return true;
}

/** `order-123` -> `order`: EventStoreDB takes the category from the first dash. */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}
