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
import {
  APPEND_EVENTS_MAX,
  AllSubscription,
  AppendResult,
  Direction,
  EventData,
  EventMetadata,
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

/** The server's "no position" (-1 as an unsigned 64-bit integer): stream reads before EventStoreDB 22.6. */
const NO_POSITION = 2n ** 64n - 1n;

/** The port onto @eventstore/db-client, 1:1 where EventStoreDB already has the port's semantics. */
export class EventStoreDbEventStore implements EventStore {
  private constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    // With this option the client reports a conflict as a quiet `success: false`, which the port cannot
    // express. Keys are matched as the client does: case, '-' and '_' ignored.
    if (/[?&]throwonappendfailure=false(&|$)/.test(connectionString.toLowerCase().replace(/[-_\s]/g, ''))) {
      throw new RangeError('throwOnAppendFailure=false is not supported: conflicts would pass silently');
    }
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(
    streamId: string,
    events: readonly EventData[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    validateAppend(streamId, events, APPEND_EVENTS_MAX);
    const expected = options.expectedRevision;
    const result = await this.client
      .appendToStream(streamId, events.map(toJsonEvent), { expectedRevision: toClientRevision(expected) })
      .catch((error: unknown) => {
        throw error instanceof ClientWrongExpectedVersionError
          ? new WrongExpectedVersionError(streamId, expected, error.actualVersion)
          : error;
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
    const read = this.client.readStream(streamId, {
      direction: toClientDirection(direction),
      fromRevision: from === 'start' ? START : from === 'end' ? END : from,
      maxCount,
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

async function collect(
  read: StreamingRead<ResolvedEvent> | StreamingRead<AllStreamResolvedEvent>,
  maxCount: number,
): Promise<RecordedEvent[]> {
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
  return jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: event.metadata });
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

/**
 * Links (resolveLinkTos is off, so they arrive as binary `$>` events) and events not written through
 * the port (binary data, or metadata that is not a JSON object) are skipped.
 */
function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event?.isJson || !isMetadataObject(event.metadata)) return undefined;
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    position: commitPosition(event.position, resolved.commitPosition),
    data: event.data,
    metadata: event.metadata,
    created: event.created,
  };
}

/**
 * Reads of $all carry each event's commit position. Stream reads carry it from EventStoreDB 22.6;
 * older servers send none (NO_POSITION), and then -1n says "unknown": never use it as a checkpoint.
 */
function commitPosition(position: Position | undefined, readPosition: bigint | undefined): bigint {
  if (position !== undefined && position.commit !== NO_POSITION) return position.commit;
  return readPosition ?? -1n;
}

function isMetadataObject(metadata: unknown): metadata is EventMetadata {
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && !(metadata instanceof Uint8Array);
}

function isSystemEvent(event: RecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function boundedCount(maxCount: number | undefined): number {
  if (maxCount === undefined) return READ_COUNT_MAX;
  if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
  return Math.min(maxCount, READ_COUNT_MAX);
}
