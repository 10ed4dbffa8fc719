import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { CardCommandHandler } from '../../src/cards/application/card-command.handler.js';
import { CardCommandRequest } from '../../src/cards/application/card.commands.js';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import type { EventData, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SNAPSHOT_EVERY_EVENTS } from '../../src/event-store/snapshot-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../../src/event-store/sqlite/sqlite-snapshot-store.js';
import { orderStreamId } from '../../src/orders/domain/order.decider.js';
import { PolicyService } from '../../src/policy/application/policy.service.js';
import { processContext } from '../../src/process/process-context.js';
import { sampleData, sampleIds, sampleMetadata } from '../support/ledger-event-samples.js';

const NOW = new Date('2026-11-26T03:00:00Z');

/**
 * The order-payment process manager replays its OrderPlaced trigger after a crash, long after the
 * card's snapshot moved past the authorisation: the pipeline finds the first answer by its event
 * id, and a card that no longer remembers the order still writes nothing for another trigger of it
 * (it learns from the order that the order is no longer waiting).
 */
describe("a busy card answers a replayed authorisation from the order's facts, not its whole history (integration)", () => {
  let store: SqliteEventStore;
  let snapshotsDb: Database.Database;
  let pipeline: CommandPipeline;
  let cards: CardCommandHandler;
  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
    snapshotsDb = new Database(':memory:');
    pipeline = new CommandPipeline(store, undefined, new SqliteSnapshotStore(snapshotsDb));
    cards = new CardCommandHandler(pipeline, new PolicyService(pipeline));
  });
  afterEach(async () => {
    await store.close();
    snapshotsDb.close();
  });

  const append = (streamId: string, type: string, data: unknown): Promise<unknown> =>
    store.appendToStream(streamId, [{ id: randomUUID(), type, data, metadata: sampleMetadata() } as EventData], { expectedRevision: 'any' });

  /** The card's OPD: its orders come from the same OPD, as the card allows. */
  const opdCode = sampleIds().opdCode;

  async function placeOrder(cardId: string, totalRupiah: number): Promise<RecordedEvent> {
    const ids = { ...sampleIds(), cardId, opdCode };
    await append(orderStreamId(ids.orderId), 'OrderPlaced', { ...sampleData(ids).OrderPlaced, totalRupiah });
    const [placed] = await store.readStream(orderStreamId(ids.orderId));
    return placed!;
  }

  const authorise = (cardId: string, trigger: RecordedEvent) => {
    const { orderId, buyer, vendorId, totalRupiah, domesticUmkPurchase } = trigger.data as {
      orderId: string;
      buyer: { opdCode: string };
      vendorId: string;
      totalRupiah: number;
      domesticUmkPurchase: boolean;
    };
    const command = {
      type: 'AuthoriseCard' as const,
      orderId,
      opdCode: buyer.opdCode,
      payeeVendorId: vendorId,
      amountRupiah: totalRupiah,
      domesticUmkPurchase,
    };
    return cards.execute(new CardCommandRequest(cardId, command, processContext('order-payment', trigger, NOW)));
  };

  /** Other orders on the card, decided and captured, written straight to its stream. */
  async function busyCard(cardId: string, orders: number): Promise<void> {
    const events: CardEvent[] = [];
    for (let n = 0; n < orders; n += 1) {
      const orderId = `other-${n}`;
      events.push({
        type: 'AuthorisationApproved',
        data: {
          cardId,
          orderId,
          payeeVendorId: 'v',
          amountRupiah: 1_000,
          availableBeforeRupiah: 1,
          capRupiah: 1,
          expiresAt: '2026-12-26T03:00:00.000Z',
          policyRevision: 0,
        },
      });
      events.push({
        type: 'AuthorisationCaptured',
        data: { cardId, orderId, amountRupiah: 1_000, heldRupiah: 1_000, bastNumber: `BAST/${n}`, policyRevision: 0 },
      });
    }
    await store.appendToStream(
      cardStreamId(cardId),
      events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata: sampleMetadata() })),
      { expectedRevision: 'any' },
    );
  }

  it('writes nothing for an order answered long ago, and nothing for one declined but not yet recorded', async () => {
    const cardId = randomUUID();
    await append(cardStreamId(cardId), 'CardIssued', { ...sampleData({ ...sampleIds(), cardId, opdCode }).CardIssued, limitRupiah: 10_000_000 });

    // An order approved, recorded on the order, then captured: its hold ended.
    const paid = await placeOrder(cardId, 1_550_000);
    expect((await authorise(cardId, paid)).events.map((event) => event.type)).toEqual(['AuthorisationApproved']);
    const paidOrderId = (paid.data as { orderId: string }).orderId;
    await append(orderStreamId(paidOrderId), 'OrderAuthorised', sampleData({ ...sampleIds(), orderId: paidOrderId, cardId }).OrderAuthorised);
    await cards.execute(
      new CardCommandRequest(
        cardId,
        { type: 'CaptureAuthorisation', orderId: paidOrderId, amountRupiah: 1_550_000, orderReceived: true, bastNumber: 'BAST/1' },
        processContext('order-payment', paid, NOW),
      ),
    );

    // Far more orders since than the card remembers (RECENT_HOLDS_KEPT).
    await busyCard(cardId, SNAPSHOT_EVERY_EVENTS / 2);

    // An order the card declined; the order has not recorded the decline yet (the crash came
    // first). Only the process manager decides on the card, and it replays before it handles any
    // later trigger, so few decisions lie between.
    const declined = await placeOrder(cardId, 60_000_000);
    expect((await authorise(cardId, declined)).events.map((event) => event.type)).toEqual(['AuthorisationDeclined']);
    await busyCard(cardId, 10);

    // The decline's append was the card's 500th event: it kept a snapshot, and the replays fold
    // from it and the 20 events after it.
    const before = await pipeline.load(cardDecider, cardStreamId(cardId));
    expect(before.events.length).toBe(1 + 20);

    // The paid order's authorisation is long out of the tail and of the card's memory, yet the same
    // trigger finds it by its event id (the store's index, before any fold) and gets the first answer back.
    const replayedPaid = await authorise(cardId, paid);
    expect({ replayed: replayedPaid.replayed, types: replayedPaid.events.map((event) => event.type) }).toEqual({
      replayed: true,
      types: ['AuthorisationApproved'],
    });
    // The decline is still in the tail: the same trigger gets the first answer back, writing nothing.
    const again = await authorise(cardId, declined);
    expect({ replayed: again.replayed, types: again.events.map((event) => event.type) }).toEqual({ replayed: true, types: ['AuthorisationDeclined'] });
    // The same orders from other trigger ids (no idempotency match): the order's facts (the paid
    // one is no longer placed) and the card's recent decisions refuse them.
    for (const trigger of [paid, declined]) expect((await authorise(cardId, { ...trigger, id: randomUUID() })).events).toEqual([]);
    const after = await pipeline.load(cardDecider, cardStreamId(cardId));
    expect(after.revision).toBe(before.revision);
  });
});
