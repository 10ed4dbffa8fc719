import { CommandPipeline, streamRevision } from '../../src/event-store/command-pipeline.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { counterDecider } from '../support/counter-decider.js';
import { anEvent, uniqueStream } from '../support/events.js';

const context = { actor: { id: 'test', role: 'system' as const }, correlationId: 'c', causationId: 'c', occurredAt: new Date('2026-11-26T00:00:00Z') };

/**
 * A store that hides some events of a stream from reads, as EventStoreDB does for a truncated
 * stream (the first events) and as the adapter does for events not written through the port
 * (binary, foreign): the pipeline must still find the stream's revision.
 */
class HidingStore implements EventStore {
  appendAttempts = 0;
  constructor(
    private readonly inner: SqliteEventStore,
    private readonly hidden: (event: RecordedEvent) => boolean,
  ) {}
  appendToStream: EventStore['appendToStream'] = (...args) => {
    this.appendAttempts += 1;
    return this.inner.appendToStream(...args);
  };
  readStream: EventStore['readStream'] = async (...args) => (await this.inner.readStream(...args)).filter((event) => !this.hidden(event));
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  countEventsAfter: EventStore['countEventsAfter'] = (...args) => this.inner.countEventsAfter(...args);
  close: EventStore['close'] = () => this.inner.close();
}

describe("a stream's revision (unit)", () => {
  let inner: SqliteEventStore;
  beforeEach(() => {
    inner = SqliteEventStore.open(':memory:');
  });
  afterEach(() => inner.close());

  it('is the last event read, or the revision a conflict reported when that is later', () => {
    const at = (revision: bigint) => ({ revision }) as RecordedEvent;
    expect(streamRevision([], -1n)).toBe(-1n);
    expect(streamRevision([at(5n), at(6n)], -1n)).toBe(6n);
    expect(streamRevision([at(5n), at(6n)], 8n)).toBe(8n);
    expect(streamRevision([at(5n), at(9n)], 8n)).toBe(9n);
  });

  it('comes from the last event, not the count, when a stream starts after revision 0 (truncated): no conflict', async () => {
    const streamId = uniqueStream('counter');
    const early = [anEvent('CounterIncremented', { by: 1, total: 1 }), anEvent('CounterIncremented', { by: 1, total: 2 })];
    await inner.appendToStream(streamId, [...early, anEvent('CounterOpened', { limit: 10 })], { expectedRevision: 'no_stream' });
    const store = new HidingStore(inner, (event) => event.revision < 2n);
    const result = await new CommandPipeline(store).handle(counterDecider, streamId, { type: 'Increment', by: 1 }, context);
    expect(result.nextExpectedRevision).toBe(3n);
    expect(store.appendAttempts).toBe(1);
  });

  it('goes past events the store does not hand out at the end of a stream, after one conflict', async () => {
    const streamId = uniqueStream('counter');
    await inner.appendToStream(streamId, [anEvent('CounterOpened', { limit: 10 }), anEvent('ForeignBinary', {})], { expectedRevision: 'no_stream' });
    const store = new HidingStore(inner, (event) => event.type === 'ForeignBinary');
    const pipeline = new CommandPipeline(store);
    const first = await pipeline.handle(counterDecider, streamId, { type: 'Increment', by: 1 }, context);
    expect(first.nextExpectedRevision).toBe(2n);
    expect(store.appendAttempts).toBe(2);
    expect((await pipeline.load(counterDecider, streamId)).revision).toBe(2n);
  });
});
