import type {
  AllSubscription,
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from './event-store.port.js';
import { READ_COUNT_MAX, StreamNotFoundError, WrongExpectedVersionError } from './event-store.port.js';
import { readWholeStream } from './read-whole-stream.js';

/**
 * An event store seen by its only writer (the demo generator filling a store of its own): the
 * streams it reads are kept in memory and extended by its own appends, so that folding an order or
 * a card again does not read and parse its rows back. Appends, the hash chain, $all reads and
 * subscriptions all go to the store itself. Another process writing the same streams (a service
 * running on the store) makes a cached copy stale: the store's expected-revision check refuses a
 * write decided on it, the copy is dropped, and the pipeline's retry reads the stream afresh.
 */
export class WriteThroughStreamCache implements EventStore {
  /** Whole streams from revision 0, least recently used first (Map keeps insertion order). */
  private readonly streams = new Map<string, RecordedEvent[]>();
  private eventsCached = 0;

  constructor(
    private readonly store: EventStore,
    private readonly eventsCachedMax: number,
  ) {}

  async appendToStream(streamId: string, events: readonly EventData[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    let result: AppendResult;
    try {
      result = await this.store.appendToStream(streamId, events, options);
    } catch (error) {
      // Another writer moved the stream: the pipeline's retry reads it from the store again.
      if (error instanceof WrongExpectedVersionError) this.forget(streamId);
      throw error;
    }
    const cached = this.streams.get(streamId);
    if (cached === undefined || events.length === 0) return result;
    const lastRevision = cached.length === 0 ? -1n : cached[cached.length - 1]!.revision;
    if (lastRevision === result.nextExpectedRevision) return result;
    // Only an append that continued the cached copy extends it (an idempotent replay answers with older revisions).
    if (lastRevision + BigInt(events.length) !== result.nextExpectedRevision) {
      this.forget(streamId);
      return result;
    }
    // One append's events take consecutive positions, ending at the one reported.
    const created = new Date();
    events.forEach((event, index) => {
      cached.push({
        id: event.id,
        type: event.type,
        streamId,
        revision: lastRevision + 1n + BigInt(index),
        position: result.position - BigInt(events.length - 1 - index),
        // As a read from the store would give them back (JSON), not the writer's own objects.
        data: JSON.parse(JSON.stringify(event.data)) as unknown,
        metadata: JSON.parse(JSON.stringify(event.metadata)) as RecordedEvent['metadata'],
        created,
      });
    });
    this.eventsCached += events.length;
    this.evictOverBound();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = await this.readStreamIfExists(streamId, options);
    if (events.length === 0 && (this.streams.get(streamId)?.length ?? 0) === 0) throw new StreamNotFoundError(streamId);
    return events;
  }

  async readStreamIfExists(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 'start';
    if ((options.direction ?? 'forwards') !== 'forwards' || from === 'end') return this.readFromStore(streamId, options);
    const start = from === 'start' ? 0 : Number(from);
    // A tail read (after a snapshot) of a stream not cached reads only that tail: old cards are folded monthly and never written again.
    if (start > 0 && !this.streams.has(streamId)) return this.readFromStore(streamId, options);
    const cached = await this.cachedStream(streamId);
    return cached.slice(start, start + Math.min(options.maxCount ?? READ_COUNT_MAX, READ_COUNT_MAX));
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    return this.store.subscribeToAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }

  countEventsAfter(position: bigint, countMax: number): Promise<number> {
    return this.store.countEventsAfter(position, countMax);
  }

  close(): Promise<void> {
    this.streams.clear();
    this.eventsCached = 0;
    return this.store.close();
  }

  private async cachedStream(streamId: string): Promise<RecordedEvent[]> {
    const cached = this.streams.get(streamId);
    if (cached !== undefined) {
      // Most recently used goes last.
      this.streams.delete(streamId);
      this.streams.set(streamId, cached);
      return cached;
    }
    const read = await readWholeStream(this.store, streamId);
    // A concurrent read may have cached it meanwhile: keep that copy (appends may have extended it).
    const raced = this.streams.get(streamId);
    if (raced !== undefined) return raced;
    this.streams.set(streamId, read);
    this.eventsCached += read.length;
    this.evictOverBound();
    return read;
  }

  private readFromStore(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    if (this.store.readStreamIfExists !== undefined) return this.store.readStreamIfExists(streamId, options);
    return this.store.readStream(streamId, options).catch((error: unknown) => {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    });
  }

  private forget(streamId: string): void {
    this.eventsCached -= this.streams.get(streamId)?.length ?? 0;
    this.streams.delete(streamId);
  }

  private evictOverBound(): void {
    for (const streamId of this.streams.keys()) {
      if (this.eventsCached <= this.eventsCachedMax) return;
      this.forget(streamId);
    }
  }
}
