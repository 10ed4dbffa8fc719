import Database from 'better-sqlite3';
import type { CheckpointedConsumer } from '../../src/event-store/checkpointed-consumer.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { events, uniqueStream } from '../support/events.js';

/** A projection-like consumer: rows and checkpoint in one transaction; can be told to fail once. */
class CountingConsumer implements CheckpointedConsumer {
  readonly name = 'counting';
  readonly filter = { eventTypes: ['Counted'] };
  readonly checkpoints: SqliteCheckpointStore;
  failNext = false;
  private readonly insert;
  private readonly apply;
  constructor(readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY)');
    this.checkpoints = new SqliteCheckpointStore(db);
    this.insert = db.prepare('INSERT INTO seen (event_id) VALUES (?)');
    this.apply = db.transaction((batch: readonly RecordedEvent[], checkpoint: bigint) => {
      for (const event of batch) this.insert.run(event.id);
      if (this.failNext) {
        this.failNext = false;
        throw new Error('injected failure');
      }
      this.checkpoints.save(this.name, checkpoint);
    });
  }
  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.checkpoints.load(this.name);
  }
  async handleBatch(batch: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.apply(batch, checkpoint);
  }
  seen(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM seen').get() as { n: number }).n;
  }
}

describe('subscription runner', () => {
  let store: SqliteEventStore;
  let db: Database.Database;
  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
    db = new Database(':memory:');
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  it('handles every event exactly once across a stop, a restart and an injected failure', async () => {
    const consumer = new CountingConsumer(db);
    const stream = uniqueStream();
    await store.appendToStream(stream, events(300, 'Counted'), { expectedRevision: 'no_stream' });
    await store.appendToStream(uniqueStream(), events(5, 'Ignored'), { expectedRevision: 'no_stream' });

    const first = new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(db));
    first.start();
    const caughtUp = await store.headPosition();
    expect(await first.waitForPosition(caughtUp, 10_000)).toBe(true);
    await first.stop();
    expect(consumer.seen()).toBe(300);

    // Events appended while no runner is active, then a failure in the middle of the next batch.
    await store.appendToStream(stream, events(200, 'Counted'), { expectedRevision: 299n });
    consumer.failNext = true;
    const second = new SubscriptionRunner(store, consumer, silentLogger, new DeadLetterStore(db));
    second.start();
    const target = await store.headPosition();
    expect(await second.waitForPosition(target, 10_000)).toBe(true);
    // Live: appended while running.
    const live = await store.appendToStream(stream, events(7, 'Counted'), { expectedRevision: 499n });
    expect(await second.waitForPosition(live.position, 10_000)).toBe(true);
    const status = await second.status();
    await second.stop();

    expect(consumer.seen()).toBe(507);
    expect(status.lagEvents).toBe(0);
    expect(status.position).toBe(live.position.toString());
    expect(consumer.checkpoints.load('counting')).toBe(live.position);
  });

  it('waitForPosition gives up after its bounded wait', async () => {
    const runner = new SubscriptionRunner(store, new CountingConsumer(db), silentLogger, new DeadLetterStore(db));
    expect(await runner.waitForPosition(10n, 20)).toBe(false);
  });
});
