import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError as ClientStreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  Filter,
  JSONType,
  Position,
  ReadPosition,
  ResolvedEvent,
  StreamingRead,
} from '@eventstore/db-client';
import { newCommitmentSalt } from '../../audit/event-commitment.js';
import {
  APPEND_EVENTS_MAX,
  AllSubscription,
  AppendResult,
  Direction,
  EventData,
  EventStore,
  ExpectedRevision,
  READ_COUNT_MAX,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamNotFoundError,
  SubscribeToAllOptions,
  SubscriptionFilter,
  WrongExpectedVersionError,
  matchesFilter,
} from '../event-store.port.js';
import { validateAppend } from '../append-validation.js';
import { checkConnectionString, commitPosition, isSystemEvent, metadataWithSalt, toRecordedEvent } from './eventstoredb-mapping.js';

/** The port onto @eventstore/db-client, 1:1 where EventStoreDB already has the port's semantics. */
export class EventStoreDbEventStore implements EventStore {
  private constructor(private readonly client: EventStoreDBClient) {}

  /** TLS, its CA (tlsCAFile) and the user's credentials come in the connection string (docs/eventstoredb.md). */
  static connect(connectionString: string): EventStoreDbEventStore {
    checkConnectionString(connectionString);
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(streamId: string, events: readonly EventData[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    validateAppend(streamId, events, APPEND_EVENTS_MAX);
    const expected = options.expectedRevision;
    const result = await this.client
      .appendToStream(streamId, events.map(toJsonEvent), { expectedRevision: toClientRevision(expected) })
      .catch((error: unknown) => {
        throw error instanceof ClientWrongExpectedVersionError ? new WrongExpectedVersionError(streamId, expected, error.actualVersion) : error;
      });
    // The commit position of the last event written. Some servers answer an idempotent re-append
    // without a position: then it is looked up.
    const position = result.position?.commit ?? (await this.positionAt(streamId, result.nextExpectedRevision));
    return { nextExpectedRevision: result.nextExpectedRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = boundedCount(options.maxCount);
    // The client defaults to START whatever the direction; the port reads backwards from the end.
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    // No server-side count: events not written through the port are skipped here, and a page cut
    // short by them would look like the stream's end. `collect` stops at maxCount of ours.
    const read = this.client.readStream(streamId, {
      direction: toClientDirection(direction),
      fromRevision: from === 'start' ? START : from === 'end' ? END : from,
    });
    try {
      return await collect(read, maxCount);
    } catch (error) {
      if (error instanceof ClientStreamNotFoundError) throw new StreamNotFoundError(streamId);
      throw error;
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = boundedCount(options.maxCount);
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    if (from === 'start' || from === 'end') return this.readAllFrom(direction, from === 'start' ? START : END, maxCount);
    if (direction === 'forwards') return this.readAllFrom(direction, from < 0n ? START : at(from), maxCount);
    if (from < 0n) return [];
    // Backwards, EventStoreDB starts before the record at a position (it counts record ends), so
    // the port's inclusive start is fetched on its own.
    const [atFrom] = await this.readAllFrom('forwards', at(from), 1);
    const first = atFrom !== undefined && atFrom.position === from ? [atFrom] : [];
    if (first.length === maxCount) return first;
    return [...first, ...(await this.readAllFrom('backwards', at(from), maxCount - first.length))];
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    const { fromPosition, filter } = options;
    const subscription = this.client.subscribeToAll({
      // EventStoreDB's checkpoint is exclusive too; a negative one (an empty store's head) means before everything.
      fromPosition: fromPosition === 'start' || fromPosition < 0n ? START : at(fromPosition),
      filter: serverFilter(filter),
    });
    let active = true;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          if (!active) return;
          const event = toRecordedEvent(resolved);
          if (event && !isSystemEvent(event) && matchesFilter(event, filter)) yield event;
        }
      } finally {
        // Also when the consumer breaks out of its loop: end the gRPC call, not only the local stream.
        await subscription.unsubscribe();
      }
    }
    const iterator = iterate();
    return {
      [Symbol.asyncIterator]: () => iterator,
      unsubscribe: async () => {
        active = false;
        // Cancelling the call ends the client's stream, which ends a pending iteration.
        await subscription.unsubscribe();
        await iterator.return(undefined);
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const [last] = await this.readAll({ direction: 'backwards', maxCount: 1 });
    return last?.position ?? -1n;
  }

  /** Positions are byte offsets here: the lag is counted by reading $all, bounded by countMax. */
  async countEventsAfter(position: bigint, countMax: number): Promise<number> {
    const read = this.client.readAll({ direction: FORWARDS, fromPosition: position < 0n ? START : at(position) });
    let count = 0;
    try {
      for await (const resolved of read) {
        const event = resolved.event;
        if (event?.isJson && !isSystemEvent(event) && commitPosition(event.position, resolved.commitPosition) > position) count += 1;
        if (count >= countMax) break;
      }
    } finally {
      await read.cancel();
    }
    return count;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** No server-side count: system events are dropped here, so the read goes on until maxCount of ours. */
  private readAllFrom(direction: Direction, fromPosition: ReadPosition, maxCount: number): Promise<RecordedEvent[]> {
    return collect(this.client.readAll({ direction: toClientDirection(direction), fromPosition }), maxCount);
  }

  private async positionAt(streamId: string, revision: bigint): Promise<bigint> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? -1n;
  }
}

async function collect(read: StreamingRead<ResolvedEvent> | StreamingRead<AllStreamResolvedEvent>, maxCount: number): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of read) {
      const event = toRecordedEvent(resolved);
      if (event && !isSystemEvent(event)) events.push(event);
      if (events.length >= maxCount) break;
    }
  } finally {
    // Ends the gRPC call when we stop early; after a complete read it does nothing.
    await read.cancel();
  }
  return events;
}

function toJsonEvent(event: EventData) {
  return jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: metadataWithSalt(event, newCommitmentSalt()) });
}

function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

function toClientDirection(direction: Direction): typeof FORWARDS | typeof BACKWARDS {
  return direction === 'forwards' ? FORWARDS : BACKWARDS;
}

/** Events appended over gRPC have prepare position = commit position, so a commit position names one event. */
function at(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** Server-side filtering where one kind of filter maps onto EventStoreDB's; all is re-checked client side. */
function serverFilter(filter: SubscriptionFilter | undefined): Filter {
  const streamPrefixes = filter?.streamPrefixes ?? [];
  const eventTypes = filter?.eventTypes ?? [];
  if (streamPrefixes.length > 0 && eventTypes.length === 0) return streamNameFilter({ prefixes: [...streamPrefixes] });
  // Matches by prefix: `matchesFilter` then keeps the exact types only.
  if (eventTypes.length > 0 && streamPrefixes.length === 0) return eventTypeFilter({ prefixes: [...eventTypes] });
  return excludeSystemEvents();
}

function boundedCount(maxCount: number | undefined): number {
  if (maxCount === undefined) return READ_COUNT_MAX;
  if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
  return Math.min(maxCount, READ_COUNT_MAX);
}
