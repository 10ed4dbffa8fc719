import { randomUUID } from 'node:crypto';
import type { EventData } from '../../src/event-store/event-store.port.js';
import { WrongExpectedVersionError } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { WriteThroughStreamCache } from '../../src/event-store/write-through-stream-cache.js';

const STREAM = 'order-1';

function event(type: string, data: Record<string, unknown>): EventData {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'demo:admin', role: 'admin' }, occurredAt: '2025-01-06T01:00:00.000Z', schemaVersion: 1 },
  };
}

/** What a fold sees of an event (created is the store's clock; the cache's own is close to it, not equal). */
const folded = ({
  id,
  type,
  streamId,
  revision,
  position,
  data,
  metadata,
}: {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  position: bigint;
  data: unknown;
  metadata: unknown;
}) => ({
  id,
  type,
  streamId,
  revision,
  position,
  data,
  metadata,
});

describe('WriteThroughStreamCache', () => {
  let store: SqliteEventStore;
  let cache: WriteThroughStreamCache;

  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
    cache = new WriteThroughStreamCache(store, 1_000);
  });

  afterEach(async () => {
    await store.close();
  });

  it('answers reads of its own appends as the store reads them back (revisions, positions, JSON data)', async () => {
    await store.appendToStream('other', [event('Other', {})], { expectedRevision: 'no_stream' });
    expect(await cache.readStreamIfExists(STREAM)).toEqual([]);
    await cache.appendToStream(
      STREAM,
      [event('OrderPlaced', { at: new Date('2025-01-06T02:00:00.000Z'), skipped: undefined }), event('OrderNoted', { n: 1 })],
      { expectedRevision: 'no_stream' },
    );
    await cache.appendToStream(STREAM, [event('OrderAccepted', {})], { expectedRevision: 1n });
    const cached = await cache.readStreamIfExists(STREAM, { fromRevision: 1n });
    expect(cached.map(folded)).toEqual((await store.readStream(STREAM, { fromRevision: 1n })).map(folded));
    expect(cached.map((recorded) => recorded.revision)).toEqual([1n, 2n]);
    expect((await cache.readStream(STREAM))[0]!.data).toEqual({ at: '2025-01-06T02:00:00.000Z' });
  });

  it('drops a copy another writer made stale once the store refuses a write decided on it', async () => {
    await cache.appendToStream(STREAM, [event('OrderPlaced', {})], { expectedRevision: 'no_stream' });
    await store.appendToStream(STREAM, [event('OrderCancelled', {})], { expectedRevision: 0n });
    await expect(cache.appendToStream(STREAM, [event('OrderAccepted', {})], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await cache.readStreamIfExists(STREAM)).map((recorded) => recorded.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
  });

  it('keeps at most its bound of events, dropping the streams used longest ago', async () => {
    const small = new WriteThroughStreamCache(store, 2);
    await small.appendToStream('a', [event('A', {})], { expectedRevision: 'no_stream' });
    await small.readStreamIfExists('a');
    await small.appendToStream('a', [event('A', {})], { expectedRevision: 0n });
    await small.readStreamIfExists('b');
    await small.appendToStream('b', [event('B', {})], { expectedRevision: 'no_stream' });
    await store.appendToStream('a', [event('A', {})], { expectedRevision: 1n });
    // 'a' was dropped for 'b', so it is read from the store again: all three of its events.
    expect(await small.readStreamIfExists('a')).toHaveLength(3);
  });

  it('reads the tail of a stream it has not cached from the store, without caching it', async () => {
    await store.appendToStream(STREAM, [event('A', {}), event('B', {}), event('C', {})], { expectedRevision: 'no_stream' });
    expect((await cache.readStreamIfExists(STREAM, { fromRevision: 2n })).map((recorded) => recorded.type)).toEqual(['C']);
    await store.appendToStream(STREAM, [event('D', {})], { expectedRevision: 2n });
    expect((await cache.readStreamIfExists(STREAM, { fromRevision: 2n })).map((recorded) => recorded.type)).toEqual(['C', 'D']);
  });

  it('throws StreamNotFoundError from readStream for a stream with no events, like the store', async () => {
    await expect(cache.readStream(STREAM)).rejects.toThrow(/order-1/);
  });
});
