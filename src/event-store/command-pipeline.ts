import type { Actor } from '../kernel/actor.js';
import type { Decider, DomainEvent, SnapshotCodec } from '../kernel/decider.js';
import { DomainError } from '../kernel/errors.js';
import { deterministicUuid, randomId } from '../kernel/ids.js';
import { APPEND_EVENTS_MAX, EventData, EventMetadata, EventStore, ExpectedRevision, RecordedEvent, WrongExpectedVersionError } from './event-store.port.js';
import { KeyedLock } from './keyed-lock.js';
import { readStreamFrom, readStreamPage } from './read-whole-stream.js';
import { NO_SNAPSHOTS, SNAPSHOT_EVERY_EVENTS, SnapshotStore } from './snapshot-store.port.js';

/** Everything a command carries from the edge: who, why, when, and how to recognise a retry. */
export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly occurredAt: Date;
  readonly idempotencyKey?: string;
  /** Fingerprint of the request, to tell a retry from a reused Idempotency-Key. */
  readonly commandHash?: string;
  /**
   * If-Match (RFC 9110 §13.1.1): `any` for `*` (the stream must exist), else the stream revisions
   * the client based its change on, one of which must be current (-1n for "no stream yet"); an
   * empty list (only weak or foreign tags) never matches.
   */
  readonly ifMatch?: IfMatch;
  readonly policyRevision?: number;
}

export type IfMatch = 'any' | readonly bigint[];

export interface CommandResult<Event extends DomainEvent = DomainEvent> {
  readonly streamId: string;
  /** The events this command wrote, or on a retried request the events the first attempt wrote. */
  readonly events: readonly (RecordedEvent & { readonly type: Event['type'] })[];
  /** The stream revision after the command (-1n when the stream is still empty). */
  readonly nextExpectedRevision: bigint;
  /** Position in $all of the last event written (-1n when nothing was written), for read-your-writes. */
  readonly position: bigint;
  readonly replayed: boolean;
}

export const COMMAND_RETRY_COUNT_MAX = 10;
/** Between retries: a random wait up to min(2^attempt, RETRY_BACKOFF_MS_MAX) ms, so writers in other processes do not retry in lockstep. */
export const RETRY_BACKOFF_MS_MAX = 50;
export const STREAM_LOCK_WAITERS_MAX = 1_000;
export const EVENT_SCHEMA_VERSION = 1;
/** Events read at a time while collecting a retried command's events after its first one was found by id (most commands write one). */
export const REPLAY_READ_EVENTS = 2;

/** A stream folded to now: from its latest usable snapshot plus the events after it, or from its start. */
interface Folded<State> {
  readonly state: State;
  readonly revision: bigint;
  /** The events read: the whole stream, or the snapshot's last event and the tail after it. */
  readonly read: readonly RecordedEvent[];
  /** The revision the fold started after (-1n from the start), to know when to snapshot again. */
  readonly baseRevision: bigint;
}

type Folding<State, Event extends DomainEvent> = Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve' | 'snapshot'>;

export class CommandPipeline {
  private readonly lock = new KeyedLock(STREAM_LOCK_WAITERS_MAX);

  constructor(
    private readonly store: EventStore,
    private readonly retryCountMax = COMMAND_RETRY_COUNT_MAX,
    private readonly snapshots: SnapshotStore = NO_SNAPSHOTS,
    /** Events folded past the last snapshot before a new one is kept (a store in memory can afford it often). */
    private readonly snapshotEveryEvents = SNAPSHOT_EVERY_EVENTS,
  ) {}

  /** read -> fold -> decide -> append(expected revision), retried on a version conflict. */
  handle<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult<Event>> {
    return this.lock.run(streamId, async () => {
      let conflictRevision = -1n;
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await this.attempt(decider, streamId, command, context, conflictRevision);
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          if (typeof error.actualRevision === 'bigint') conflictRevision = error.actualRevision;
          // A change based on a revision that moved meanwhile must not be retried on the new one; `*` only asks that the stream exist.
          if (context.ifMatch !== undefined && context.ifMatch !== 'any') throw preconditionFailed(streamId, context.ifMatch, error);
          if (attempt >= this.retryCountMax) {
            throw new DomainError('conflict', 'CONCURRENCY_CONFLICT', `${streamId} kept changing; retry the request`, {
              streamId,
              attempts: attempt + 1,
            });
          }
          await sleep(Math.random() * Math.min(2 ** attempt, RETRY_BACKOFF_MS_MAX));
        }
      }
    });
  }

  /**
   * The state of one aggregate now (for GETs that fold a stream, and for tests). `events` are the
   * events read: the whole stream, or for a decider with snapshots the tail after its snapshot.
   */
  async load<State, Event extends DomainEvent>(
    decider: Folding<State, Event>,
    streamId: string,
  ): Promise<{ state: State; revision: bigint; events: readonly RecordedEvent[] }> {
    const folded = await this.foldStream(decider, streamId);
    if (folded.revision >= 0n)
      await this.snapshotIfDue(decider, streamId, folded.baseRevision, () => folded.state, folded.revision, folded.read[folded.read.length - 1]!.id);
    return { state: folded.state, revision: folded.revision, events: folded.read };
  }

  private async attempt<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
    conflictRevision: bigint,
  ): Promise<CommandResult<Event>> {
    const indexed = await this.previousAttempt(streamId, context);
    if (indexed) return indexed as CommandResult<Event>;
    const folded = await this.foldStream(decider, streamId);
    const currentRevision = streamRevision(folded.read, conflictRevision);
    const replay = findPreviousAttempt(folded.read, streamId, context);
    if (replay) return replay as CommandResult<Event>;
    if (context.ifMatch !== undefined && !ifMatchHolds(context.ifMatch, currentRevision)) {
      throw preconditionFailed(streamId, context.ifMatch, currentRevision);
    }
    const decided = decider.decide(command, folded.state);
    if (decided.length === 0) {
      return { streamId, events: [], nextExpectedRevision: currentRevision, position: -1n, replayed: false };
    }
    const toAppend = decided.map((event, index) => toEventData(event, index, streamId, context));
    const expectedRevision: ExpectedRevision = currentRevision < 0n ? 'no_stream' : currentRevision;
    const result = await this.store.appendToStream(streamId, toAppend, { expectedRevision });
    const stateAfter = (): State => decided.reduce((state, event) => decider.evolve(state, event), folded.state);
    await this.snapshotIfDue(decider, streamId, folded.baseRevision, stateAfter, result.nextExpectedRevision, toAppend[toAppend.length - 1]!.id);
    const firstRevision = result.nextExpectedRevision - BigInt(toAppend.length) + 1n;
    const created = new Date();
    const events = toAppend.map((event, index) => ({
      ...event,
      streamId,
      revision: firstRevision + BigInt(index),
      // Only the last event's position is known from the append; earlier ones are below it.
      position: index === toAppend.length - 1 ? result.position : -1n,
      created,
    })) as unknown as CommandResult<Event>['events'];
    return { streamId, events, nextExpectedRevision: result.nextExpectedRevision, position: result.position, replayed: false };
  }

  /**
   * A retry found through the store's index of event ids: the first attempt's events read from its
   * first one on, without folding the stream (a long card stream, or one whose snapshot is past
   * them). The same result as findPreviousAttempt on the folded stream. Undefined when the context
   * has no idempotency key, the store has no such index or the first event is not there: then the
   * command's fold looks, as it always did.
   */
  private async previousAttempt(streamId: string, context: CommandContext): Promise<CommandResult | undefined> {
    if (context.idempotencyKey === undefined || this.store.findEventRevision === undefined) return undefined;
    const firstRevision = await this.store.findEventRevision(streamId, eventIdFor(context, streamId, 0));
    if (firstRevision === undefined) return undefined;
    const events: RecordedEvent[] = [];
    // One command appends at most APPEND_EVENTS_MAX events, which bounds the pages read.
    for (let from = firstRevision; events.length < APPEND_EVENTS_MAX;) {
      const page = await readStreamPage(this.store, streamId, from, REPLAY_READ_EVENTS);
      for (const event of page) {
        if (event.id !== eventIdFor(context, streamId, events.length)) return replayOf(events, streamId, context);
        events.push(event);
      }
      if (page.length < REPLAY_READ_EVENTS) break;
      from = page[page.length - 1]!.revision + 1n;
    }
    return replayOf(events, streamId, context);
  }

  /**
   * True when a command with this context's idempotency key already wrote its events to `streamId`:
   * its first event is there (found through the store's event-id index), and the store appends a
   * command's events together or not at all. False when it is not there, or cannot be told this
   * cheaply (no key, a store without the index, a request whose hash must still be compared). For
   * a process manager replaying its triggers after a restart: a reaction whose command provably
   * took effect is skipped before reading what the command would need.
   */
  async tookEffect(streamId: string, context: CommandContext): Promise<boolean> {
    if (context.idempotencyKey === undefined || context.commandHash !== undefined) return false;
    const firstEventId = eventIdFor(context, streamId, 0);
    if (this.store.containsEvent !== undefined) return this.store.containsEvent(streamId, firstEventId);
    if (this.store.findEventRevision === undefined) return false;
    return (await this.store.findEventRevision(streamId, firstEventId)) !== undefined;
  }

  private async foldStream<State, Event extends DomainEvent>(decider: Folding<State, Event>, streamId: string): Promise<Folded<State>> {
    const codec = decider.snapshot;
    const snapshot = codec === undefined ? undefined : await this.usableSnapshot(codec, streamId);
    if (snapshot !== undefined) {
      const read = await readStreamFrom(this.store, streamId, snapshot.revision);
      // The snapshot's own event must still be where it was, or the snapshot is of another history.
      if (read[0]?.revision === snapshot.revision && read[0].id === snapshot.eventId) {
        return { state: foldOnto(decider, snapshot.state, read.slice(1)), revision: read[read.length - 1]!.revision, read, baseRevision: snapshot.revision };
      }
    }
    const read = await readStreamFrom(this.store, streamId, 0n);
    const revision = read.length === 0 ? -1n : read[read.length - 1]!.revision;
    return { state: foldOnto(decider, decider.initialState(), read), revision, read, baseRevision: -1n };
  }

  /** The stream's snapshot if it was written by this codec's version and decodes; else none. */
  private async usableSnapshot<State>(codec: SnapshotCodec<State>, streamId: string): Promise<{ state: State; revision: bigint; eventId: string } | undefined> {
    const stored = await this.snapshots.load(streamId);
    if (stored === undefined || stored.stateSchemaVersion !== codec.stateSchemaVersion) return undefined;
    try {
      return { state: codec.decode(JSON.parse(stored.stateJson)), revision: stored.revision, eventId: stored.eventId };
    } catch {
      // Corrupt or foreign: fold from the start, and the next snapshot replaces it.
      return undefined;
    }
  }

  /** Every snapshotEveryEvents events past the last snapshot, keep the state (revision/eventId: its last event). */
  private async snapshotIfDue<State, Event extends DomainEvent>(
    decider: Folding<State, Event>,
    streamId: string,
    baseRevision: bigint,
    state: () => State,
    revision: bigint,
    eventId: string,
  ): Promise<void> {
    const codec = decider.snapshot;
    if (codec === undefined || revision - baseRevision < BigInt(this.snapshotEveryEvents)) return;
    const stateJson = JSON.stringify(codec.encode(state()));
    try {
      await this.snapshots.save({ streamId, revision, eventId, stateSchemaVersion: codec.stateSchemaVersion, stateJson });
    } catch {
      // Derived data: a snapshot that could not be kept only makes the next reads longer.
    }
  }
}

function foldOnto<State, Event extends DomainEvent>(decider: Folding<State, Event>, initial: State, events: readonly RecordedEvent[]): State {
  let state = initial;
  for (const event of events) state = decider.evolve(state, event as unknown as Event);
  return state;
}

/**
 * A stream's revision is its last event's, not the number of events read: an EventStoreDB
 * stream may be truncated, capped by $maxCount or recreated after a soft delete. Events the
 * store does not hand out (not written through the port) may end the stream: then the revision
 * a version conflict reported, before this read, covers them.
 */
export function streamRevision(recorded: readonly RecordedEvent[], conflictRevision: bigint): bigint {
  const last = recorded[recorded.length - 1]?.revision ?? -1n;
  return last > conflictRevision ? last : conflictRevision;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function eventIdFor(context: CommandContext, streamId: string, index: number): string {
  if (context.idempotencyKey === undefined) return randomId();
  return deterministicUuid('event', context.actor.id, context.idempotencyKey, streamId, String(index));
}

function toEventData(event: DomainEvent, index: number, streamId: string, context: CommandContext): EventData {
  const metadata: EventMetadata = {
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: context.actor,
    occurredAt: context.occurredAt.toISOString(),
    schemaVersion: EVENT_SCHEMA_VERSION,
    ...(context.policyRevision !== undefined ? { policyRevision: context.policyRevision } : {}),
    ...(context.idempotencyKey !== undefined ? { idempotencyKey: context.idempotencyKey } : {}),
    ...(context.commandHash !== undefined ? { commandHash: context.commandHash } : {}),
  };
  return { id: eventIdFor(context, streamId, index), type: event.type, data: event.data, metadata };
}

/** A retried request finds the events its first attempt wrote (their ids are deterministic). */
function findPreviousAttempt(recorded: readonly RecordedEvent[], streamId: string, context: CommandContext): CommandResult | undefined {
  if (context.idempotencyKey === undefined) return undefined;
  const firstId = eventIdFor(context, streamId, 0);
  const start = recorded.findIndex((event) => event.id === firstId);
  if (start < 0) return undefined;
  const events: RecordedEvent[] = [];
  for (let index = start; index < recorded.length; index += 1) {
    if (recorded[index]!.id !== eventIdFor(context, streamId, index - start)) break;
    events.push(recorded[index]!);
  }
  return replayOf(events, streamId, context);
}

/** The first attempt's events (at least its first) as the retry's result; a reused key with another request is refused. */
function replayOf(events: readonly RecordedEvent[], streamId: string, context: CommandContext): CommandResult | undefined {
  const first = events[0];
  if (first === undefined) return undefined;
  if (context.commandHash !== undefined && first.metadata.commandHash !== context.commandHash) {
    throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', {
      idempotencyKey: context.idempotencyKey,
    });
  }
  const last = events[events.length - 1]!;
  return { streamId, events, nextExpectedRevision: last.revision, position: last.position, replayed: true };
}

function ifMatchHolds(ifMatch: IfMatch, currentRevision: bigint): boolean {
  return ifMatch === 'any' ? currentRevision >= 0n : ifMatch.includes(currentRevision);
}

function preconditionFailed(streamId: string, expected: IfMatch, actual: bigint | WrongExpectedVersionError): DomainError {
  const actualRevision = actual instanceof WrongExpectedVersionError ? actual.actualRevision : actual;
  const message = expected === 'any' ? `${streamId} does not exist` : `${streamId} changed since you read it`;
  return new DomainError('precondition_failed', 'REVISION_MISMATCH', message, {
    streamId,
    ifMatch: expected === 'any' ? '*' : expected.join(', '),
    currentRevision: actualRevision.toString(),
  });
}
