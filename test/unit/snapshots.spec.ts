import Database from 'better-sqlite3';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { cardSnapshotCodec } from '../../src/cards/domain/card.snapshot.js';
import { CommandContext, CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { EventStore, ReadStreamOptions } from '../../src/event-store/event-store.port.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { SNAPSHOT_EVERY_EVENTS, StoredSnapshot } from '../../src/event-store/snapshot-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../../src/event-store/sqlite/sqlite-snapshot-store.js';
import type { Decider } from '../../src/kernel/decider.js';
import { fold } from '../../src/kernel/decider.js';
import { DEFAULT_POLICY } from '../../src/policy/domain/policy.js';
import { CounterCommand, CounterEvent, CounterState, counterDecider } from '../support/counter-decider.js';
import { anEvent, uniqueStream } from '../support/events.js';

const context: CommandContext = {
  actor: { id: 'key-1', role: 'admin' },
  correlationId: 'corr-1',
  causationId: 'req-1',
  occurredAt: new Date('2026-11-26T01:00:00Z'),
};

/** The toy counter with snapshots, so the pipeline's snapshot path is tested apart from any real aggregate. */
const snapshottedCounter: Decider<CounterState, CounterCommand, CounterEvent> = {
  ...counterDecider,
  snapshot: {
    stateSchemaVersion: 1,
    encode: (state) => state,
    decode: (json) => {
      const state = json as CounterState;
      if (state.status !== 'absent' && (state.status !== 'open' || !Number.isInteger(state.total))) throw new Error('not a counter');
      return state;
    },
  },
};

/** Records where every stream read started, to see the pipeline read only the tail. */
class ReadRecordingStore {
  readonly readsFrom: Array<ReadStreamOptions['fromRevision']> = [];
  constructor(readonly inner: SqliteEventStore) {}
  get store(): EventStore {
    return {
      appendToStream: (...args) => this.inner.appendToStream(...args),
      readStream: (streamId, options) => {
        this.readsFrom.push(options?.fromRevision);
        return this.inner.readStream(streamId, options);
      },
      readAll: (...args) => this.inner.readAll(...args),
      countEventsAfter: (...args) => this.inner.countEventsAfter(...args),
      subscribeToAll: (...args) => this.inner.subscribeToAll(...args),
      headPosition: () => this.inner.headPosition(),
      close: () => this.inner.close(),
    };
  }
}

async function openCounter(store: EventStore, stream: string, increments: number): Promise<void> {
  await store.appendToStream(stream, [anEvent('CounterOpened', { limit: 1_000_000 })], { expectedRevision: 'no_stream' });
  for (let n = 1; n <= increments; n += 1) {
    await store.appendToStream(stream, [anEvent('CounterIncremented', { by: 1, total: n })], { expectedRevision: 'any' });
  }
}

describe('snapshots', () => {
  let db: Database.Database;
  let snapshots: SqliteSnapshotStore;
  let events: ReadRecordingStore;
  let pipeline: CommandPipeline;
  beforeEach(() => {
    db = new Database(':memory:');
    snapshots = new SqliteSnapshotStore(db);
    events = new ReadRecordingStore(SqliteEventStore.open(':memory:'));
    pipeline = new CommandPipeline(events.store, 3, snapshots);
  });
  afterEach(async () => {
    await events.inner.close();
    db.close();
  });

  describe('SqliteSnapshotStore', () => {
    const snapshot = (revision: bigint, stateSchemaVersion = 1): StoredSnapshot => ({
      streamId: 's-1',
      revision,
      eventId: `e-${revision}`,
      stateSchemaVersion,
      stateJson: `{"r":${revision}}`,
    });

    it('loads nothing for a stream never snapshotted, and loads what it saved', async () => {
      expect(await snapshots.load('s-1')).toBeUndefined();
      await snapshots.save(snapshot(499n));
      expect(await snapshots.load('s-1')).toEqual(snapshot(499n));
    });

    it('keeps the later of two snapshots of one version, and replaces any snapshot of another version', async () => {
      await snapshots.save(snapshot(999n));
      await snapshots.save(snapshot(499n));
      expect((await snapshots.load('s-1'))?.revision).toBe(999n);
      await snapshots.save(snapshot(499n, 2));
      expect(await snapshots.load('s-1')).toEqual(snapshot(499n, 2));
    });
  });

  describe('command pipeline with snapshots', () => {
    it(`keeps a snapshot every ${SNAPSHOT_EVERY_EVENTS} events and then reads only the tail after it`, async () => {
      const stream = uniqueStream('counter');
      await openCounter(events.store, stream, SNAPSHOT_EVERY_EVENTS + 20);
      await pipeline.load(snapshottedCounter, stream);
      const kept = await snapshots.load(stream);
      expect(kept).toMatchObject({ revision: BigInt(SNAPSHOT_EVERY_EVENTS + 20), stateSchemaVersion: 1 });
      expect(JSON.parse(kept!.stateJson)).toEqual({ status: 'open', limit: 1_000_000, total: SNAPSHOT_EVERY_EVENTS + 20 });

      events.readsFrom.length = 0;
      await pipeline.handle(snapshottedCounter, stream, { type: 'Increment', by: 5 }, context);
      expect(events.readsFrom).toEqual([BigInt(SNAPSHOT_EVERY_EVENTS + 20)]);
      const loaded = await pipeline.load(snapshottedCounter, stream);
      expect(loaded.state).toEqual(fold(counterDecider, (await readWholeStream(events.store, stream)) as unknown as CounterEvent[]));
      expect(loaded.state).toMatchObject({ total: SNAPSHOT_EVERY_EVENTS + 25 });
      expect(loaded.revision).toBe(BigInt(SNAPSHOT_EVERY_EVENTS + 21));
      expect(loaded.events.map((event) => event.revision)).toEqual([BigInt(SNAPSHOT_EVERY_EVENTS + 20), BigInt(SNAPSHOT_EVERY_EVENTS + 21)]);
    });

    it('writes a new snapshot after a command once enough events were folded on top of the last one', async () => {
      const stream = uniqueStream('counter');
      await openCounter(events.store, stream, SNAPSHOT_EVERY_EVENTS - 1);
      expect(await snapshots.load(stream)).toBeUndefined();
      await pipeline.handle(snapshottedCounter, stream, { type: 'Increment', by: 1 }, context);
      const kept = await snapshots.load(stream);
      expect(kept?.revision).toBe(BigInt(SNAPSHOT_EVERY_EVENTS));
      expect(JSON.parse(kept!.stateJson)).toMatchObject({ total: SNAPSHOT_EVERY_EVENTS });
      const [last] = await events.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      expect(kept?.eventId).toBe(last!.id);
    });

    it('ignores a snapshot of another state schema version, a corrupt one, and one of another history, and folds from the start', async () => {
      const stream = uniqueStream('counter');
      await openCounter(events.store, stream, 10);
      const [last] = await events.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      const wrong = { streamId: stream, revision: 10n, eventId: last!.id, stateSchemaVersion: 1 };
      const cases: StoredSnapshot[] = [
        { ...wrong, stateSchemaVersion: 0, stateJson: JSON.stringify({ status: 'open', limit: 1, total: 999 }) },
        { ...wrong, stateJson: '{"status": "open", "lim' },
        { ...wrong, stateJson: JSON.stringify({ status: 'open', limit: 1, total: 'many' }) },
        { ...wrong, eventId: 'an-event-of-a-deleted-store', stateJson: JSON.stringify({ status: 'open', limit: 1, total: 999 }) },
        { ...wrong, revision: 50n, stateJson: JSON.stringify({ status: 'open', limit: 1, total: 999 }) },
      ];
      for (const stale of cases) {
        db.prepare('DELETE FROM snapshots').run();
        await snapshots.save(stale);
        const { state, revision } = await pipeline.load(snapshottedCounter, stream);
        expect({ state, revision }).toEqual({ state: { status: 'open', limit: 1_000_000, total: 10 }, revision: 10n });
      }
    });

    it('leaves deciders without a snapshot codec on full reads', async () => {
      const stream = uniqueStream('counter');
      await openCounter(events.store, stream, SNAPSHOT_EVERY_EVENTS + 1);
      await pipeline.load(counterDecider, stream);
      expect(await snapshots.load(stream)).toBeUndefined();
    });

    it('a card folded from its snapshot and the tail is the card folded from its start, and decides the same', async () => {
      const cardId = 'c0000000-0000-4000-8000-000000000001';
      const stream = cardStreamId(cardId);
      const history = cardHistory(cardId, SNAPSHOT_EVERY_EVENTS * 2 + 7);
      for (let start = 0; start < history.length; start += 500) {
        const page = history.slice(start, start + 500).map((event) => anEvent(event.type, event.data));
        await events.store.appendToStream(stream, page, { expectedRevision: 'any' });
      }
      await pipeline.load(cardDecider, stream);
      expect((await snapshots.load(stream))?.revision).toBe(BigInt(history.length - 1));
      await events.store.appendToStream(
        stream,
        cardHistory(cardId, 5, 'tail')
          .slice(1)
          .map((event) => anEvent(event.type, event.data)),
        { expectedRevision: 'any' },
      );
      const whole = (await readWholeStream(events.store, stream)) as unknown as CardEvent[];
      const loaded = await pipeline.load(cardDecider, stream);
      expect(loaded.events.length).toBe(1 + 10);
      expect(cardSnapshotCodec.encode(loaded.state)).toEqual(cardSnapshotCodec.encode(fold(cardDecider, whole)));

      const authorise = {
        type: 'AuthoriseCard' as const,
        orderId: 'new-order',
        orderAwaitingAuthorisation: true,
        opdCode: 'DINKES-3673',
        payeeVendorId: 'v-1',
        amountRupiah: 5_000,
        domesticUmkPurchase: false,
        policy: DEFAULT_POLICY,
        at: new Date('2026-11-26T02:00:00Z'),
      };
      const expected = cardDecider.decide(authorise, fold(cardDecider, whole));
      const result = await pipeline.handle(cardDecider, stream, authorise, context);
      expect(result.events.map(({ type, data }) => ({ type, data }))).toEqual(expected);
    });
  });
});

/** A card and `orders` orders, each approved for 10,000 rupiah and captured at 9,000. */
function cardHistory(cardId: string, orders: number, prefix = 'order'): CardEvent[] {
  const history: CardEvent[] = [
    {
      type: 'CardIssued',
      data: {
        cardId,
        opdCode: 'DINKES-3673',
        opdName: 'Dinas Kesehatan',
        holderName: 'Siti',
        cardLast4: '4821',
        limitRupiah: 2_000_000_000_000,
        expiresOn: '2099-12-31',
      },
    },
  ];
  for (let n = 0; n < orders; n += 1) {
    const orderId = `${prefix}-${n}`;
    history.push({
      type: 'AuthorisationApproved',
      data: {
        cardId,
        orderId,
        payeeVendorId: 'v-1',
        amountRupiah: 10_000,
        availableBeforeRupiah: 1,
        capRupiah: 1,
        expiresAt: '2099-01-01T00:00:00.000Z',
        policyRevision: 1,
      },
    });
    history.push({
      type: 'AuthorisationCaptured',
      data: { cardId, orderId, amountRupiah: 9_000, heldRupiah: 10_000, bastNumber: `BAST/${n}`, policyRevision: 1 },
    });
  }
  return history;
}
