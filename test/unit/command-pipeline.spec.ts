import { CommandContext, CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { AppendResult, EventData, EventStore, ExpectedRevision } from '../../src/event-store/event-store.port.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { DomainError } from '../../src/kernel/errors.js';
import { anEvent, uniqueStream } from '../support/events.js';
import { counterDecider } from '../support/counter-decider.js';

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: { id: 'key-1', role: 'admin' },
  correlationId: 'corr-1',
  causationId: 'req-1',
  occurredAt: new Date('2026-11-26T01:00:00Z'),
  ...overrides,
});

/** Lets a test slip another writer's event in just before the pipeline's next append. */
class RacingStore implements EventStore {
  racesLeft = 0;
  appendAttempts = 0;
  constructor(private readonly inner: SqliteEventStore) {}
  async appendToStream(streamId: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    this.appendAttempts += 1;
    if (this.racesLeft > 0) {
      this.racesLeft -= 1;
      await this.inner.appendToStream(streamId, [anEvent('CounterIncremented', { by: 1, total: 1 })], { expectedRevision: 'any' });
    }
    return this.inner.appendToStream(streamId, events, options);
  }
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  countEventsAfter: EventStore['countEventsAfter'] = (...args) => this.inner.countEventsAfter(...args);
  close: EventStore['close'] = () => this.inner.close();
}

describe('command pipeline', () => {
  let inner: SqliteEventStore;
  let store: RacingStore;
  let pipeline: CommandPipeline;
  beforeEach(() => {
    inner = SqliteEventStore.open(':memory:');
    store = new RacingStore(inner);
    pipeline = new CommandPipeline(store, 3);
  });
  afterEach(() => inner.close());

  it('given no stream, when Open, then CounterOpened is appended with no_stream and full metadata', async () => {
    const stream = uniqueStream('counter');
    const result = await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 10 }, context({ policyRevision: 3 }));
    expect(result.replayed).toBe(false);
    expect(result.nextExpectedRevision).toBe(0n);
    const [stored] = await readWholeStream(inner, stream);
    expect(stored!.type).toBe('CounterOpened');
    expect(stored!.metadata).toEqual({
      correlationId: 'corr-1',
      causationId: 'req-1',
      actor: { id: 'key-1', role: 'admin' },
      occurredAt: '2026-11-26T01:00:00.000Z',
      schemaVersion: 1,
      policyRevision: 3,
    });
    expect(result.position).toBe(stored!.position);
  });

  it('retries after a version conflict and decides on the fresh state', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 10 }, context());
    store.racesLeft = 1;
    store.appendAttempts = 0;
    const result = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 2 }, context());
    expect(store.appendAttempts).toBe(2);
    // The racing writer's increment (total 1) was folded in before the retry decided.
    expect(result.events[0]!.data).toEqual({ by: 2, total: 3 });
    expect((await readWholeStream(inner, stream)).map((e) => e.type)).toEqual(['CounterOpened', 'CounterIncremented', 'CounterIncremented']);
  });

  it('gives up with a typed CONCURRENCY_CONFLICT after the retry bound', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 100 }, context());
    store.racesLeft = 10;
    const error = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 1 }, context()).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('CONCURRENCY_CONFLICT');
    expect(error.kind).toBe('conflict');
    expect(error.details.attempts).toBe(4);
  });

  it('a repeated idempotency key writes nothing new and returns the first result', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 10 }, context());
    const keyed = context({ idempotencyKey: 'retry-me', commandHash: 'h1' });
    const first = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 4 }, keyed);
    const again = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 4 }, keyed);
    expect(again.replayed).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(again.position).toBe(first.position);
    expect(await readWholeStream(inner, stream)).toHaveLength(2);
  });

  it('the same idempotency key on a different request is a conflict and writes nothing', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 10 }, context({ idempotencyKey: 'k', commandHash: 'a' }));
    const error = await pipeline
      .handle(counterDecider, stream, { type: 'Open', limit: 99 }, context({ idempotencyKey: 'k', commandHash: 'b' }))
      .catch((e) => e);
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await readWholeStream(inner, stream)).toHaveLength(1);
  });

  it('If-Match with a stale revision is a precondition failure, not a retry', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 10 }, context());
    await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 1 }, context());
    const error = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 1 }, context({ ifMatch: [0n] })).catch((e) => e);
    expect(error.kind).toBe('precondition_failed');
    expect(error.details).toMatchObject({ ifMatch: '0', currentRevision: '1' });
    const ok = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 1 }, context({ ifMatch: [1n] }));
    expect(ok.nextExpectedRevision).toBe(2n);
  });

  it('a refused command throws the decider error and appends nothing', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 1 }, context());
    const error = await pipeline.handle(counterDecider, stream, { type: 'Increment', by: 2 }, context()).catch((e) => e);
    expect(error.code).toBe('COUNTER_LIMIT');
    expect(await readWholeStream(inner, stream)).toHaveLength(1);
  });

  it('serialises concurrent commands on one stream so none is lost and the limit holds', async () => {
    const stream = uniqueStream('counter');
    await pipeline.handle(counterDecider, stream, { type: 'Open', limit: 50 }, context());
    const outcomes = await Promise.allSettled(
      Array.from({ length: 80 }, () => pipeline.handle(counterDecider, stream, { type: 'Increment', by: 1 }, context())),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(50);
    const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.map((o) => o.reason.code)).toEqual(Array(30).fill('COUNTER_LIMIT'));
    const { state } = await pipeline.load(counterDecider, stream);
    expect(state).toEqual({ status: 'open', limit: 50, total: 50 });
  });
});
