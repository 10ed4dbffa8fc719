import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventData, RecordedEvent, SubscriptionFilter } from '../../src/event-store/event-store.port.js';
import { RECENT_EVENTS_MAX, RecentEvents, StreamEventCache } from '../../src/event-store/sqlite/parsed-event-cache.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

function recorded(streamId: string, revision: number, position: number): RecordedEvent {
  return {
    id: `${streamId}-${revision}`,
    type: 'Happened',
    streamId,
    revision: BigInt(revision),
    position: BigInt(position),
    data: { revision },
    metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'test', role: 'admin' }, occurredAt: '2025-01-06T01:00:00.000Z', schemaVersion: 1 },
    created: new Date(0),
  };
}

/** A stream of `length` events as the store would read them, counting the reads. */
function fakeStream(streamId: string, length: number) {
  const events = Array.from({ length }, (_, revision) => recorded(streamId, revision, revision + 1));
  const reads: number[] = [];
  return {
    events,
    reads,
    readFrom: (maxCount: number) => (revision: number) => {
      reads.push(revision);
      return events.slice(revision, revision + maxCount);
    },
  };
}

describe('StreamEventCache', () => {
  it('reads a stream once, then only the events appended since', () => {
    const cache = new StreamEventCache(100);
    const stream = fakeStream('card-1', 3);
    expect(cache.read('card-1', 0, 10, 2, stream.readFrom(10))).toEqual(stream.events);
    expect(cache.read('card-1', 0, 10, 2, stream.readFrom(10))).toEqual(stream.events);
    expect(stream.reads).toEqual([0]);
    stream.events.push(recorded('card-1', 3, 4), recorded('card-1', 4, 5));
    expect(cache.read('card-1', 0, 10, 4, stream.readFrom(10))).toEqual(stream.events);
    expect(stream.reads).toEqual([0, 3]);
    // From a revision inside the cached part, at most maxCount.
    expect(cache.read('card-1', 2, 2, 4, stream.readFrom(2))).toEqual(stream.events.slice(2, 4));
    expect(stream.reads).toEqual([0, 3]);
  });

  it('reads afresh what starts before or after the cached part', () => {
    const cache = new StreamEventCache(100);
    const stream = fakeStream('card-1', 6);
    expect(cache.read('card-1', 3, 10, 5, stream.readFrom(10))).toEqual(stream.events.slice(3));
    expect(cache.read('card-1', 0, 10, 5, stream.readFrom(10))).toEqual(stream.events);
    expect(stream.reads).toEqual([3, 0]);
    expect(cache.read('card-1', 1, 10, 5, stream.readFrom(10))).toEqual(stream.events.slice(1));
    expect(stream.reads).toEqual([3, 0]);
  });

  it('keeps at most its bound of events, dropping the least recently read streams first', () => {
    const cache = new StreamEventCache(5);
    const a = fakeStream('a', 2);
    const b = fakeStream('b', 2);
    const c = fakeStream('c', 2);
    cache.read('a', 0, 10, 1, a.readFrom(10));
    cache.read('b', 0, 10, 1, b.readFrom(10));
    cache.read('a', 0, 10, 1, a.readFrom(10));
    cache.read('c', 0, 10, 1, c.readFrom(10));
    // b was the least recently read: it went to make room for c.
    cache.read('a', 0, 10, 1, a.readFrom(10));
    cache.read('c', 0, 10, 1, c.readFrom(10));
    cache.read('b', 0, 10, 1, b.readFrom(10));
    expect([a.reads, b.reads, c.reads]).toEqual([[0], [0, 0], [0]]);
    // A stream longer than the bound is read every time, never kept.
    const long = fakeStream('long', 6);
    cache.read('long', 0, 10, 5, long.readFrom(10));
    cache.read('long', 0, 10, 5, long.readFrom(10));
    expect(long.reads).toEqual([0, 0]);
  });
});

describe('RecentEvents', () => {
  const all = Array.from({ length: 20 }, (_, index) => recorded(`s-${index}`, 0, index + 1));
  function reader() {
    const reads: Array<[number, number]> = [];
    let head = 10;
    return {
      reads,
      grow: (to: number) => (head = to),
      readAfter: (position: number, maxCount: number) => {
        reads.push([position, maxCount]);
        return all.filter((event) => Number(event.position) > position && Number(event.position) <= head).slice(0, maxCount);
      },
    };
  }

  it('the subscriptions at the head share one read of each new event', () => {
    const recent = new RecentEvents(100);
    const store = reader();
    expect(recent.after(0, 4, store.readAfter)).toEqual(all.slice(0, 4));
    expect(recent.after(0, 50, store.readAfter)).toEqual(all.slice(0, 10));
    expect(recent.after(3, 50, store.readAfter)).toEqual(all.slice(3, 10));
    store.grow(12);
    expect(recent.after(10, 50, store.readAfter)).toEqual(all.slice(10, 12));
    expect(recent.after(7, 50, store.readAfter)).toEqual(all.slice(7, 12));
    // Each row was read once; the later calls only asked for what came after the last one kept.
    expect(store.reads).toEqual([
      [0, 4],
      [4, 46],
      [10, 43],
      [10, 50],
      [12, 45],
    ]);
  });

  it('a subscription behind what is kept reads the store, and a bound drops the oldest events', () => {
    const recent = new RecentEvents(4);
    const store = reader();
    expect(recent.after(0, 50, store.readAfter)).toEqual(all.slice(0, 10));
    // Only positions 7..10 are kept: a reader after 2 goes to the store.
    expect(recent.after(2, 3, store.readAfter)).toEqual(all.slice(2, 5));
    expect(recent.after(6, 50, store.readAfter)).toEqual(all.slice(6, 10));
    expect(store.reads).toEqual([
      [0, 50],
      [2, 3],
      [10, 46],
    ]);
    // What a read after 2 would neither come from nor be kept in; after 6 it would.
    expect(recent.covers(2)).toBe(false);
    expect(recent.covers(6)).toBe(true);
    expect(recent.covers(10)).toBe(true);
  });
});

describe('SqliteEventStore with its parsed-event caches', () => {
  const event = (n: number): EventData => ({
    id: randomUUID(),
    type: 'Happened',
    data: { n, nested: { list: [n] } },
    metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'test', role: 'admin' }, occurredAt: '2025-01-06T01:00:00.000Z', schemaVersion: 1 },
  });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bela-parsed-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sees another process's appends to a stream it has cached, and hands out frozen events", async () => {
    const file = join(dir, 'events.db');
    const service = SqliteEventStore.open(file);
    const cli = SqliteEventStore.open(file);
    try {
      await service.appendToStream('card-1', [event(1)], { expectedRevision: 'no_stream' });
      expect((await service.readStream('card-1')).map((read) => read.data)).toEqual([{ n: 1, nested: { list: [1] } }]);
      await cli.appendToStream('card-1', [event(2), event(3)], { expectedRevision: 0n });
      const read = await service.readStream('card-1');
      expect(read.map((recordedEvent) => [recordedEvent.revision, (recordedEvent.data as { n: number }).n])).toEqual([
        [0n, 1],
        [1n, 2],
        [2n, 3],
      ]);
      expect(await service.readStream('card-1', { fromRevision: 1n, maxCount: 1 })).toEqual([read[1]]);
      expect(Object.isFrozen(read[0]) && Object.isFrozen(read[0]!.data) && Object.isFrozen((read[0]!.data as { nested: object }).nested)).toBe(true);
      expect(() => {
        ((read[0]!.data as { nested: { list: number[] } }).nested.list as number[]).push(9);
      }).toThrow(TypeError);
    } finally {
      await cli.close();
      await service.close();
    }
  });

  it('subscriptions get every event in order, whether from the shared tail or from the file', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.db'));
    try {
      for (let n = 0; n < 30; n += 1) await store.appendToStream(`s-${n}`, [event(n)], { expectedRevision: 'no_stream' });
      const take = async (from: bigint | 'start', count: number): Promise<bigint[]> => {
        const subscription = store.subscribeToAll({ fromPosition: from });
        const positions: bigint[] = [];
        for await (const recordedEvent of subscription) {
          positions.push(recordedEvent.position);
          if (positions.length === count) break;
        }
        await subscription.unsubscribe();
        return positions;
      };
      const expected = (from: number, count: number) => Array.from({ length: count }, (_, index) => BigInt(from + index + 1));
      expect(await take('start', 30)).toEqual(expected(0, 30));
      expect(await take(12n, 18)).toEqual(expected(12, 18));
      expect(await take(3n, 5)).toEqual(expected(3, 5));
    } finally {
      await store.close();
    }
  });

  it('a filtered subscription far behind the shared tail (it parses only the matching rows) gets exactly the matching events, in order and frozen', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.db'));
    const typed = (n: number): EventData => ({ ...event(n), type: n % 3 === 0 ? 'Wanted' : 'Ignored' });
    try {
      // More than the shared tail keeps: a subscription from the start reads below it.
      const count = 250 * Math.ceil((RECENT_EVENTS_MAX + 1_500) / 250);
      for (let n = 0; n < count; n += 250) {
        await store.appendToStream(
          `s-${n}`,
          Array.from({ length: 250 }, (_, index) => typed(n + index)),
          { expectedRevision: 'no_stream' },
        );
      }
      const expected = (await store.readAll({ maxCount: count })).filter((recordedEvent) => recordedEvent.type === 'Wanted');
      const follow = async (length: number, filter?: SubscriptionFilter): Promise<RecordedEvent[]> => {
        const subscription = store.subscribeToAll({ fromPosition: 'start', ...(filter ? { filter } : {}) });
        const received: RecordedEvent[] = [];
        for await (const recordedEvent of subscription) {
          received.push(recordedEvent);
          if (received.length === length) break;
        }
        await subscription.unsubscribe();
        return received;
      };
      // The first reader fills the shared tail with the last events; the second starts below it.
      expect((await follow(count)).at(-1)!.position).toBe(await store.headPosition());
      const wanted = await follow(expected.length, { eventTypes: ['Wanted'] });
      expect(wanted.map((recordedEvent) => recordedEvent.position)).toEqual(expected.map((recordedEvent) => recordedEvent.position));
      expect(wanted.map((recordedEvent) => recordedEvent.data)).toEqual(expected.map((recordedEvent) => recordedEvent.data));
      expect(wanted.every((recordedEvent) => Object.isFrozen(recordedEvent) && Object.isFrozen(recordedEvent.data))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
