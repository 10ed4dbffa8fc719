import { CommandContext, CommandPipeline, CommandResult, REPLAY_READ_EVENTS } from '../../src/event-store/command-pipeline.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { MemorySnapshotStore } from '../../src/event-store/memory-snapshot-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { Decider } from '../../src/kernel/decider.js';
import { ruleViolation } from '../../src/kernel/errors.js';
import { CounterCommand, CounterEvent, CounterState, counterDecider } from '../support/counter-decider.js';
import { uniqueStream } from '../support/events.js';

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: { id: 'process:test', role: 'system' },
  correlationId: 'corr-1',
  causationId: 'trigger-1',
  occurredAt: new Date('2026-11-26T01:00:00Z'),
  ...overrides,
});

/** A toy aggregate whose one command writes as many events as asked, to cross the replay's read pages. */
type TallyEvent = { type: 'Tallied'; data: { mark: number } };
type TallyCommand = { type: 'Tally'; marks: number };
const tallyDecider: Decider<number, TallyCommand, TallyEvent> = {
  initialState: () => 0,
  evolve: (count) => count + 1,
  decide: (command, count) => {
    if (command.marks < 1) throw ruleViolation('NO_MARKS', 'nothing to tally');
    return Array.from({ length: command.marks }, (_, index) => ({ type: 'Tallied' as const, data: { mark: count + index } }));
  },
};

const snapshottedCounter: Decider<CounterState, CounterCommand, CounterEvent> = {
  ...counterDecider,
  snapshot: { stateSchemaVersion: 1, encode: (state) => state, decode: (json) => json as CounterState },
};

/** The same store without the event-id index: the pipeline finds retries in the folded stream, as before. */
function withoutIndex(inner: SqliteEventStore): EventStore & { indexLookups: number } {
  return {
    indexLookups: 0,
    appendToStream: (...args) => inner.appendToStream(...args),
    readStream: (...args) => inner.readStream(...args),
    readStreamIfExists: (...args) => inner.readStreamIfExists(...args),
    readAll: (...args) => inner.readAll(...args),
    subscribeToAll: (...args) => inner.subscribeToAll(...args),
    headPosition: () => inner.headPosition(),
    countEventsAfter: (...args) => inner.countEventsAfter(...args),
    close: () => inner.close(),
  };
}

/** The store with its index, counting the lookups and the stream reads each answer took. */
function counting(inner: SqliteEventStore): EventStore & { indexLookups: number; eventsRead: number } {
  const store = {
    ...withoutIndex(inner),
    eventsRead: 0,
    findEventRevision: (streamId: string, eventId: string) => {
      store.indexLookups += 1;
      return inner.findEventRevision(streamId, eventId);
    },
    readStreamIfExists: async (...args: Parameters<SqliteEventStore['readStreamIfExists']>) => {
      const events = await inner.readStreamIfExists(...args);
      store.eventsRead += events.length;
      return events;
    },
  };
  return store;
}

describe('command pipeline: a retry found by the event-id index', () => {
  let inner: SqliteEventStore;
  beforeEach(() => {
    inner = SqliteEventStore.open(':memory:');
  });
  afterEach(() => inner.close());

  /** A history of other commands around the keyed one, so the index lookup has something to skip. */
  async function history(pipeline: CommandPipeline, stream: string, keyed: CommandContext, marks: number): Promise<CommandResult> {
    for (let n = 0; n < 20; n += 1) await pipeline.handle(tallyDecider, stream, { type: 'Tally', marks: 1 }, context());
    const first = await pipeline.handle(tallyDecider, stream, { type: 'Tally', marks }, keyed);
    for (let n = 0; n < 20; n += 1) await pipeline.handle(tallyDecider, stream, { type: 'Tally', marks: 1 }, context());
    return first;
  }

  it.each([1, REPLAY_READ_EVENTS, REPLAY_READ_EVENTS + 1, 3 * REPLAY_READ_EVENTS + 2])(
    'returns what the fold path returns for a command that wrote %i events, reading only them',
    async (marks) => {
      const indexed = counting(inner);
      const folding = withoutIndex(inner);
      const stream = uniqueStream('tally');
      const keyed = context({ idempotencyKey: `tally-${marks}`, commandHash: 'h1' });
      const first = await history(new CommandPipeline(indexed), stream, keyed, marks);
      indexed.eventsRead = 0;
      indexed.indexLookups = 0;

      const byIndex = await new CommandPipeline(indexed).handle(tallyDecider, stream, { type: 'Tally', marks }, keyed);
      const byFold = await new CommandPipeline(folding).handle(tallyDecider, stream, { type: 'Tally', marks }, keyed);

      expect(byIndex).toEqual(byFold);
      expect(byIndex.replayed).toBe(true);
      expect(byIndex.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
      expect(byIndex.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(byIndex.position).toBe(first.position);
      expect(indexed.indexLookups).toBe(1);
      // The command's events and at most one page past them, never the stream's other 40.
      expect(indexed.eventsRead).toBeLessThanOrEqual(marks + REPLAY_READ_EVENTS);
      expect(await readWholeStream(inner, stream)).toHaveLength(40 + marks);
    },
  );

  it('refuses a reused key with another request exactly as the fold path does, writing nothing', async () => {
    const stream = uniqueStream('tally');
    await history(new CommandPipeline(inner), stream, context({ idempotencyKey: 'k', commandHash: 'a' }), 2);
    const reused = context({ idempotencyKey: 'k', commandHash: 'b' });
    const byIndex = await new CommandPipeline(inner).handle(tallyDecider, stream, { type: 'Tally', marks: 5 }, reused).catch((error: unknown) => error);
    const byFold = await new CommandPipeline(withoutIndex(inner))
      .handle(tallyDecider, stream, { type: 'Tally', marks: 5 }, reused)
      .catch((error: unknown) => error);
    expect(byIndex).toMatchObject({ kind: 'conflict', code: 'IDEMPOTENCY_KEY_REUSED', details: { idempotencyKey: 'k' } });
    expect(byFold).toEqual(byIndex);
    expect(await readWholeStream(inner, stream)).toHaveLength(42);
  });

  it('a key not yet used folds and decides as before', async () => {
    const indexed = counting(inner);
    const stream = uniqueStream('tally');
    await history(new CommandPipeline(indexed), stream, context({ idempotencyKey: 'earlier' }), 1);
    const result = await new CommandPipeline(indexed).handle(tallyDecider, stream, { type: 'Tally', marks: 2 }, context({ idempotencyKey: 'new' }));
    expect(result.replayed).toBe(false);
    expect(result.events.map((event) => event.data)).toEqual([{ mark: 41 }, { mark: 42 }]);
  });

  it('tookEffect tells a command whose events are in the stream, by the index alone, and only for its key, stream and actor', async () => {
    const indexed = counting(inner);
    const pipeline = new CommandPipeline(indexed);
    const stream = uniqueStream('tally');
    const keyed = context({ idempotencyKey: 'process:trigger-1' });
    expect(await pipeline.tookEffect(stream, keyed)).toBe(false);
    await history(pipeline, stream, keyed, 3);
    indexed.eventsRead = 0;
    expect(await pipeline.tookEffect(stream, keyed)).toBe(true);
    expect(indexed.eventsRead).toBe(0);
    expect(await pipeline.tookEffect(uniqueStream('tally'), keyed)).toBe(false);
    expect(await pipeline.tookEffect(stream, context({ idempotencyKey: 'process:trigger-2' }))).toBe(false);
    expect(await pipeline.tookEffect(stream, { ...keyed, actor: { id: 'process:other', role: 'system' } })).toBe(false);
    // Cannot be told without reading: no key, a request hash still to compare, a store without the index.
    expect(await pipeline.tookEffect(stream, context())).toBe(false);
    expect(await pipeline.tookEffect(stream, { ...keyed, commandHash: 'h' })).toBe(false);
    expect(await new CommandPipeline(withoutIndex(inner)).tookEffect(stream, keyed)).toBe(false);
  });

  it('tookEffect asks containsEvent where the store offers it: the same answers, without reading the events the index points at', async () => {
    const indexed = counting(inner);
    let containsLookups = 0;
    const withContains: EventStore = {
      ...indexed,
      containsEvent: (streamId: string, eventId: string) => {
        containsLookups += 1;
        return inner.containsEvent(streamId, eventId);
      },
    };
    const pipeline = new CommandPipeline(withContains);
    const stream = uniqueStream('tally');
    const keyed = context({ idempotencyKey: 'process:trigger-1' });
    expect(await pipeline.tookEffect(stream, keyed)).toBe(false);
    await history(new CommandPipeline(inner), stream, keyed, 3);
    indexed.indexLookups = 0;
    expect(await pipeline.tookEffect(stream, keyed)).toBe(true);
    expect(await pipeline.tookEffect(uniqueStream('tally'), keyed)).toBe(false);
    expect(await pipeline.tookEffect(stream, context({ idempotencyKey: 'process:trigger-2' }))).toBe(false);
    expect(await pipeline.tookEffect(stream, { ...keyed, actor: { id: 'process:other', role: 'system' } })).toBe(false);
    expect(containsLookups).toBe(5);
    expect(indexed.indexLookups).toBe(0);
  });

  it('finds a first attempt that lies before the stream snapshot (the fold reads only the tail after it)', async () => {
    const stream = uniqueStream('counter');
    const snapshots = new MemorySnapshotStore(10);
    const snapshotEveryEvents = 5;
    const pipeline = new CommandPipeline(inner, 3, snapshots, snapshotEveryEvents);
    await pipeline.handle(snapshottedCounter, stream, { type: 'Open', limit: 100 }, context());
    const keyed = context({ idempotencyKey: 'early', commandHash: 'h' });
    const first = await pipeline.handle(snapshottedCounter, stream, { type: 'Increment', by: 1 }, keyed);
    for (let n = 0; n < 3 * snapshotEveryEvents; n += 1) await pipeline.handle(snapshottedCounter, stream, { type: 'Increment', by: 1 }, context());
    expect((await snapshots.load(stream))!.revision).toBeGreaterThan(first.nextExpectedRevision);

    const again = await pipeline.handle(snapshottedCounter, stream, { type: 'Increment', by: 1 }, keyed);
    expect(again).toMatchObject({ replayed: true, nextExpectedRevision: first.nextExpectedRevision, position: first.position });
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
    expect(await readWholeStream(inner, stream)).toHaveLength(2 + 3 * snapshotEveryEvents);
  });
});
