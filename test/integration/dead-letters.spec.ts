import Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { MarketGenerator } from '../../src/demo/market-generator.js';
import type { CheckpointedConsumer } from '../../src/event-store/checkpointed-consumer.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { POISON_ATTEMPTS_MAX } from '../../src/event-store/poison.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import type { OutboundMessage } from '../../src/kafka/kafka-contract.js';
import { KafkaRelay } from '../../src/kafka/kafka-relay.js';
import { KafkaRelayMetrics } from '../../src/kafka/kafka-relay-metrics.js';
import type { RelayTransport } from '../../src/kafka/kafka-transport.js';
import type { SubscriptionRegistry } from '../../src/event-store/subscription-registry.js';
import { DomainError } from '../../src/kernel/errors.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { ProjectionRunners } from '../../src/read-models/projection-runners.js';
import { CheckpointedProcess } from '../../src/process/checkpointed-process.js';
import { ProcessRefusalMetrics } from '../../src/process/process-refusal-metrics.js';
import { anEvent, events, testMetadata, uniqueStream } from '../support/events.js';
import { allChecksums } from '../support/read-model-fixture.js';

const WAIT_MS = 20_000;

/** A consumer with an external effect (like a process manager): refuses `poison` events, and can be told to fail transiently. */
class ReactingConsumer implements CheckpointedConsumer {
  readonly name = 'reacting';
  readonly filter = { eventTypes: ['Reacted'] };
  readonly handled: string[] = [];
  readonly attemptsById = new Map<string, number>();
  transientFailuresLeft = 0;
  constructor(readonly checkpoints: SqliteCheckpointStore) {}
  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.checkpoints.load(this.name);
  }
  async handleBatch(batch: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    for (const event of batch) {
      this.attemptsById.set(event.id, (this.attemptsById.get(event.id) ?? 0) + 1);
      if (this.transientFailuresLeft > 0) {
        this.transientFailuresLeft -= 1;
        throw new DomainError('unavailable', 'BROKER_DOWN', 'the broker is down');
      }
      if ((event.data as { poison?: boolean }).poison) throw new TypeError(`cannot read ${event.id}`);
      if (!this.handled.includes(event.id)) this.handled.push(event.id);
      this.checkpoints.save(this.name, event.position);
    }
    this.checkpoints.save(this.name, checkpoint);
  }
}

/** A process manager (sliding window over batches) whose reaction cannot read `poison` events; reactions are ordered by `key`. */
class WindowedProcess extends CheckpointedProcess {
  readonly name = 'process.windowed';
  readonly filter = { eventTypes: ['Reacted'] };
  protected readonly process = 'windowed';
  readonly handled: string[] = [];
  constructor(checkpoints: SqliteCheckpointStore) {
    super({ register: () => undefined } as unknown as SubscriptionRegistry, checkpoints, new ProcessRefusalMetrics());
  }
  protected override orderingKeys(trigger: RecordedEvent): readonly string[] {
    return [(trigger.data as { key: string }).key];
  }
  protected async react(trigger: RecordedEvent): Promise<void> {
    if ((trigger.data as { poison?: boolean }).poison) throw new TypeError(`cannot read ${trigger.id}`);
    if (!this.handled.includes(trigger.id)) this.handled.push(trigger.id);
  }
  protected async recordRefusal(): Promise<void> {}
}

describe('poison events and dead letters (integration)', () => {
  let store: SqliteEventStore;
  let db: Database.Database;
  let deadLetters: DeadLetterStore;
  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
    db = new Database(':memory:');
    deadLetters = new DeadLetterStore(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  it(`parks an event that fails ${POISON_ATTEMPTS_MAX} times, then handles the events after it`, async () => {
    const consumer = new ReactingConsumer(new SqliteCheckpointStore(db));
    const stream = uniqueStream();
    const before = events(3, 'Reacted');
    const poison = anEvent('Reacted', { poison: true });
    const after = events(4, 'Reacted');
    await store.appendToStream(stream, [...before, poison, ...after], { expectedRevision: 'no_stream' });
    const poisonPosition = (await store.readAll({ maxCount: 100 })).find((event) => event.id === poison.id)!.position;
    const runner = new SubscriptionRunner(store, consumer, silentLogger, deadLetters);
    runner.start();
    const head = await store.headPosition();
    expect(await runner.waitForPosition(head, WAIT_MS)).toBe(true);
    const status = await runner.status();
    await runner.stop();

    expect(consumer.handled).toEqual([...before, ...after].map((event) => event.id));
    expect(consumer.attemptsById.get(poison.id)).toBe(1 + POISON_ATTEMPTS_MAX);
    const [parked, ...others] = deadLetters.list({ limit: 10 });
    expect(others).toEqual([]);
    expect(parked).toMatchObject({
      consumer: 'reacting',
      position: poisonPosition.toString(),
      eventId: poison.id,
      streamId: stream,
      eventType: 'Reacted',
      error: `cannot read ${poison.id}`,
      attempts: POISON_ATTEMPTS_MAX,
      status: 'open',
    });
    expect(Date.parse(parked!.lastFailedAt)).toBeGreaterThanOrEqual(Date.parse(parked!.firstFailedAt));
    expect(status).toMatchObject({ state: 'running', deadLettersOpen: 1, position: head.toString() });
    expect(runner.eventsParked).toBe(1);
    expect(consumer.checkpoints.load('reacting')).toBe(head);
  });

  it('a process manager reacting in a window parks the event its reaction cannot handle, after the same attempts, and goes on', async () => {
    const checkpoints = new SqliteCheckpointStore(db);
    const process = new WindowedProcess(checkpoints);
    const stream = uniqueStream();
    const before = [anEvent('Reacted', { key: 'a' }), anEvent('Reacted', { key: 'b' })];
    const poison = anEvent('Reacted', { key: 'a', poison: true });
    const after = [anEvent('Reacted', { key: 'a' }), anEvent('Reacted', { key: 'b' })];
    await store.appendToStream(stream, [...before, poison, ...after], { expectedRevision: 'no_stream' });
    const poisonPosition = (await store.readAll({ maxCount: 100 })).find((event) => event.id === poison.id)!.position;
    const runner = new SubscriptionRunner(store, process, silentLogger, deadLetters);
    runner.start();
    const head = await store.headPosition();
    expect(await runner.waitForPosition(head, WAIT_MS)).toBe(true);
    await runner.stop();

    expect([...process.handled].sort()).toEqual([...before, ...after].map((event) => event.id).sort());
    // The reaction after the poison on its key ran only once the poison was parked.
    expect(process.handled.indexOf(after[0]!.id)).toBeGreaterThan(process.handled.indexOf(before[0]!.id));
    const [parked, ...others] = deadLetters.list({ limit: 10 });
    expect(others).toEqual([]);
    expect(parked).toMatchObject({
      consumer: 'process.windowed',
      position: poisonPosition.toString(),
      eventId: poison.id,
      attempts: POISON_ATTEMPTS_MAX,
      status: 'open',
    });
    expect(checkpoints.load('process.windowed')).toBe(head);
  });

  it('never parks for a consumer that must not skip (the transparency log): it keeps retrying and its checkpoint stays before the event', async () => {
    const consumer = Object.assign(new ReactingConsumer(new SqliteCheckpointStore(db)), { parksPoisonEvents: false as const });
    const before = events(2, 'Reacted');
    const poison = anEvent('Reacted', { poison: true });
    await store.appendToStream(uniqueStream(), [...before, poison, ...events(2, 'Reacted')], { expectedRevision: 'no_stream' });
    const runner = new SubscriptionRunner(store, consumer, silentLogger, deadLetters);
    runner.start();
    const attemptsWanted = POISON_ATTEMPTS_MAX + 2;
    for (let waitedMs = 0; (consumer.attemptsById.get(poison.id) ?? 0) < attemptsWanted && waitedMs < WAIT_MS; waitedMs += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const status = await runner.status();
    await runner.stop();

    expect(consumer.attemptsById.get(poison.id)).toBeGreaterThanOrEqual(attemptsWanted);
    expect(deadLetters.list({ limit: 10 })).toEqual([]);
    expect(consumer.handled).toEqual(before.map((event) => event.id));
    expect(status.state).toBe('failing');
  });

  it('retries a transient failure until it passes and parks nothing', async () => {
    const consumer = new ReactingConsumer(new SqliteCheckpointStore(db));
    consumer.transientFailuresLeft = POISON_ATTEMPTS_MAX + 1;
    const written = events(3, 'Reacted');
    await store.appendToStream(uniqueStream(), written, { expectedRevision: 'no_stream' });
    const runner = new SubscriptionRunner(store, consumer, silentLogger, deadLetters);
    runner.start();
    expect(await runner.waitForPosition(await store.headPosition(), WAIT_MS)).toBe(true);
    await runner.stop();

    expect(consumer.handled).toEqual(written.map((event) => event.id));
    expect(consumer.attemptsById.get(written[0]!.id)).toBe(POISON_ATTEMPTS_MAX + 2);
    expect(deadLetters.list({ limit: 10 })).toEqual([]);
    expect(runner.eventsParked).toBe(0);
  });

  it('retries a parked event through the consumer without moving its checkpoint back', async () => {
    const consumer = new ReactingConsumer(new SqliteCheckpointStore(db));
    const poison = anEvent('Reacted', { poison: true });
    await store.appendToStream(uniqueStream(), [poison, ...events(2, 'Reacted')], { expectedRevision: 'no_stream' });
    const runner = new SubscriptionRunner(store, consumer, silentLogger, deadLetters);
    runner.start();
    const head = await store.headPosition();
    expect(await runner.waitForPosition(head, WAIT_MS)).toBe(true);
    await runner.stop();
    const [stored] = await store.readAll({ maxCount: 1 });

    expect(await runner.retry(stored!)).toEqual({ handled: false, error: `cannot read ${poison.id}` });
    const fixed = { ...stored!, data: { poison: false } };
    expect(await runner.retry(fixed)).toEqual({ handled: true });
    expect(consumer.handled[consumer.handled.length - 1]).toBe(poison.id);
    expect(consumer.checkpoints.load('reacting')).toBe(head);
  });

  it('a projection parks only the poison event: its rows equal a rebuild without it', async () => {
    const pipeline = new CommandPipeline(store);
    await new MarketGenerator(pipeline, store, { seed: 'dead-letters-a', targetEvents: 150 }).run();
    // Malformed for its type: an OrderPlaced without buyer, lines or amounts.
    const poison = { ...anEvent('OrderPlaced', { orderId: '0a000000-0000-4000-8000-00000000dead' }), metadata: testMetadata };
    const { position: poisonPosition } = await store.appendToStream('order-0a000000-0000-4000-8000-00000000dead', [poison], { expectedRevision: 'no_stream' });
    await new MarketGenerator(pipeline, store, { seed: 'dead-letters-b', targetEvents: 150 }).run();
    const head = await store.headPosition();

    const readModels = new Database(':memory:');
    const engine = new ProjectionEngine(readModels, ALL_PROJECTIONS);
    const runners = new ProjectionRunners(engine, (consumer) => new SubscriptionRunner(store, consumer, silentLogger, deadLetters), store);
    for (const name of runners.names()) runners.runner(name).start();
    expect(await runners.waitForPosition(runners.names(), head, WAIT_MS)).toBe(true);
    await Promise.all(runners.names().map((name) => runners.runner(name).stop()));

    const parked = deadLetters.list({ limit: 100 });
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((letter) => letter.eventId === poison.id && letter.position === poisonPosition.toString())).toBe(true);
    expect(parked.map((letter) => letter.consumer)).toContain('projection:orders');

    // The rebuild without it: every other event applied to a fresh database.
    const all = await store.readAll({ maxCount: 10_000 });
    const good = all.filter((event) => event.id !== poison.id);
    const rebuilt = new ProjectionEngine(new Database(':memory:'), ALL_PROJECTIONS);
    for (const projection of ALL_PROJECTIONS) {
      const types = new Set(projection.eventTypes);
      rebuilt.applyBatch(
        projection.name,
        good.filter((event) => types.has(event.type)),
        head,
      );
    }
    expect(allChecksums(engine)).toEqual(allChecksums(rebuilt));
    for (const name of runners.names()) expect(engine.loadCheckpoint(name)).toBe(head);

    // A rebuild meets the poison event too: it swaps in what it built before it, and the runners
    // go on from there, parking it again: the same rows.
    for (const name of runners.names()) runners.runner(name).start();
    await runners.rebuild(runners.names());
    await runners.whenRebuilt();
    expect(await runners.waitForPosition(runners.names(), head, WAIT_MS)).toBe(true);
    await Promise.all(runners.names().map((name) => runners.runner(name).stop()));
    expect(allChecksums(engine)).toEqual(allChecksums(rebuilt));
    expect(deadLetters.list({ limit: 100 }).find((letter) => letter.consumer === 'projection:orders')).toMatchObject({ eventId: poison.id, status: 'open' });
    rebuilt.db.close();
    readModels.close();
  }, 60_000);

  it('the Kafka relay retries a broker that does not acknowledge, and parks an event it cannot map', async () => {
    const sent: OutboundMessage[] = [];
    let failuresLeft = 2;
    const transport: RelayTransport = {
      prepare: async () => undefined,
      send: async (messages) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('KafkaJSConnectionError: connect ECONNREFUSED');
        }
        sent.push(...messages);
      },
      close: async () => undefined,
    };
    const metrics = new KafkaRelayMetrics();
    const relay = new KafkaRelay(transport, new SqliteCheckpointStore(db), metrics);
    const orderId = '0a000000-0000-4000-8000-000000000001';
    const accepted = () => anEvent('OrderAccepted', { orderId, vendorId: '0b000000-0000-4000-8000-000000000001' });
    const good = [accepted(), accepted(), accepted()];
    // Written by another writer without the ledger's metadata: its headers cannot be made (no actor).
    const poison = { ...anEvent('OrderPlaced', { orderId }), metadata: { ...testMetadata, actor: undefined } as unknown as typeof testMetadata };
    const later = [accepted(), accepted()];
    await store.appendToStream(`order-${orderId}`, [...good, poison, ...later], { expectedRevision: 'no_stream' });
    const runner = new SubscriptionRunner(store, relay, silentLogger, deadLetters);
    runner.start();
    const head = await store.headPosition();
    expect(await runner.waitForPosition(head, WAIT_MS)).toBe(true);
    await runner.stop();

    const relayed = new Set(sent.map((message) => message.headers.ce_id));
    expect([...good, ...later].every((event) => relayed.has(event.id))).toBe(true);
    expect(relayed.has(poison.id)).toBe(false);
    expect(deadLetters.list({ limit: 10 })).toMatchObject([
      { consumer: 'kafka.relay', eventId: poison.id, eventType: 'OrderPlaced', attempts: POISON_ATTEMPTS_MAX, status: 'open' },
    ]);
    expect(metrics.snapshot().sendFailuresTotal).toBe(2);
    expect(runner.eventsParked).toBe(1);
  });
});
