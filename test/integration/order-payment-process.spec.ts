import Database from 'better-sqlite3';
import type { CommandBus } from '@nestjs/cqrs';
import { CardCommandHandler } from '../../src/cards/application/card-command.handler.js';
import { CardCommandRequest } from '../../src/cards/application/card.commands.js';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import { CommandContext, CommandPipeline } from '../../src/event-store/command-pipeline.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { matchesFilter } from '../../src/event-store/event-store.port.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import type { SubscriptionRegistry } from '../../src/event-store/subscription-registry.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { Clock } from '../../src/kernel/clock.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { ChangeOrderHandler } from '../../src/orders/application/change-order.handler.js';
import { ChangeOrderCommand } from '../../src/orders/application/order.commands.js';
import { orderDecider, orderStreamId } from '../../src/orders/domain/order.decider.js';
import { PolicyService } from '../../src/policy/application/policy.service.js';
import { DEFAULT_POLICY } from '../../src/policy/domain/policy.js';
import { HoldExpiryIndex } from '../../src/process/hold-expiry-index.js';
import { HoldExpirySweep } from '../../src/process/hold-expiry-sweep.js';
import { OrderPaymentProcess } from '../../src/process/order-payment.process.js';
import { readOpd } from '../../src/opds/application/opd-registry.js';
import { opdDecider, opdStreamId } from '../../src/opds/domain/opd.decider.js';

const CARD = '0c000000-0000-4000-8000-000000000001';
const OPD = '3673-DINKES';
const VENDOR = '0b000000-0000-4000-8000-000000000001';
const LISTING = '0d000000-0000-4000-8000-000000000001';
const PLACED_AT = new Date('2026-11-26T03:00:00Z');
const DAY_MS = 86_400_000;
const DRAIN_ROUNDS_MAX = 20;

class FakeClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
}

const adminContext = (occurredAt: Date): CommandContext => ({ actor: { id: 'key:admin', role: 'admin' }, correlationId: 'c', causationId: 'c', occurredAt });

describe('order-payment process and hold-expiry sweep (integration)', () => {
  let store: SqliteEventStore;
  let db: Database.Database;
  let pipeline: CommandPipeline;
  let checkpoints: SqliteCheckpointStore;
  let process: OrderPaymentProcess;
  let index: HoldExpiryIndex;
  let sweep: HoldExpirySweep;
  const clock = new FakeClock(PLACED_AT);

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    db = new Database(':memory:');
    pipeline = new CommandPipeline(store);
    checkpoints = new SqliteCheckpointStore(db);
    const cards = new CardCommandHandler(pipeline, new PolicyService(pipeline));
    const orders = new ChangeOrderHandler(pipeline);
    const bus = { execute: (command: unknown) => (command instanceof CardCommandRequest ? cards.execute(command) : orders.execute(command as ChangeOrderCommand)) } as unknown as CommandBus;
    const registry = { register: () => undefined } as unknown as SubscriptionRegistry;
    process = new OrderPaymentProcess(bus, pipeline, registry, checkpoints, clock);
    index = new HoldExpiryIndex(db);
    sweep = new HoldExpirySweep(index, { execute: (command) => orders.execute(command) }, clock, 60_000, silentLogger);
    clock.at = PLACED_AT;
    await pipeline.handle(opdDecider, opdStreamId(OPD), { type: 'RegisterOpd', opdCode: OPD, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' }, adminContext(PLACED_AT));
    await cards.execute(
      new CardCommandRequest(CARD, { type: 'IssueCard', cardId: CARD, opdCode: OPD, holderName: 'Siti', cardLast4: '4821', limitRupiah: 10_000_000, expiresOn: '2099-12-31' }, adminContext(PLACED_AT)),
    );
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  async function placeOrder(orderId: string): Promise<void> {
    await pipeline.handle(
      orderDecider,
      orderStreamId(orderId),
      {
        type: 'PlaceOrder',
        orderId,
        by: { id: 'key:buyer', role: 'buyer', opdCode: OPD },
        opdCode: OPD,
        opd: await readOpd(pipeline, OPD),
        officialName: 'Budi',
        lines: [{ listingId: LISTING, quantity: 10 }],
        shippingRupiah: 0,
        vendor: { vendorId: VENDOR, status: 'verified', scale: 'mikro' },
        listings: [{ listingId: LISTING, status: 'active', revision: 0, vendorId: VENDOR, title: 'Nasi', category: 'makan-minum', unit: 'kotak', priceRupiah: 35_000, isDomesticProduct: true }],
        card: { cardId: CARD, status: 'active', opdCode: OPD },
        policy: DEFAULT_POLICY,
        at: PLACED_AT,
      },
      adminContext(PLACED_AT),
    );
  }

  /** Feeds every consumer what $all holds after its checkpoint, until nothing new is written (bounded). */
  async function drain(): Promise<void> {
    for (let round = 0; round < DRAIN_ROUNDS_MAX; round += 1) {
      const head = await store.headPosition();
      for (const consumer of [process, index]) {
        const from = await consumer.loadCheckpoint();
        const events = await store.readAll({ fromPosition: from === 'start' ? 'start' : from + 1n, maxCount: 10_000 });
        if (events.length === 0) continue;
        await consumer.handleBatch(events.filter((event) => matchesFilter(event, consumer.filter)), events[events.length - 1]!.position);
      }
      if ((await store.headPosition()) === head) return;
    }
    throw new Error(`still writing after ${DRAIN_ROUNDS_MAX} rounds`);
  }

  const allEvents = (): Promise<RecordedEvent[]> => store.readAll({ maxCount: 10_000 });

  it('authorises on placement, and a replay from the start writes nothing new', async () => {
    const orderId = '0a000000-0000-4000-8000-000000000001';
    await placeOrder(orderId);
    await drain();
    expect((await pipeline.load(orderDecider, orderStreamId(orderId))).state).toMatchObject({ status: 'authorised', hold: { amountRupiah: 350_000 } });
    const before = await allEvents();
    checkpoints.reset(process.name);
    await drain();
    expect(await allEvents()).toHaveLength(before.length);
  });

  it('expires a hold past its TTL from the sweep: the order closes, then the card hold expires at the sweep\'s time', async () => {
    const lapsing = '0a000000-0000-4000-8000-000000000002';
    const received = '0a000000-0000-4000-8000-000000000003';
    await placeOrder(lapsing);
    await placeOrder(received);
    await drain();
    // The second order is received before the TTL: the sweep leaves it alone.
    const vendor = { id: 'key:vendor', role: 'vendor' as const, vendorId: VENDOR };
    await pipeline.handle(orderDecider, orderStreamId(received), { type: 'AcceptOrder', by: vendor, vendorStatus: 'verified' }, adminContext(PLACED_AT));
    await pipeline.handle(orderDecider, orderStreamId(received), { type: 'ShipOrder', by: vendor }, adminContext(PLACED_AT));
    await pipeline.handle(
      orderDecider,
      orderStreamId(received),
      { type: 'ReceiveOrder', by: { id: 'key:buyer', role: 'buyer', opdCode: OPD }, bastNumber: 'BAST/1', bastDate: '2026-11-26', at: PLACED_AT },
      adminContext(PLACED_AT),
    );
    await drain();

    clock.at = new Date(PLACED_AT.getTime() + 30 * DAY_MS - 1);
    expect(await sweep.sweepOnce()).toBe(0);
    clock.at = new Date(PLACED_AT.getTime() + 30 * DAY_MS);
    expect(await sweep.sweepOnce()).toBe(1);
    // The index has not caught up yet: a second sweep asks again and writes nothing.
    const before = (await allEvents()).length;
    expect(await sweep.sweepOnce()).toBe(1);
    expect(await allEvents()).toHaveLength(before);
    const sweptAt = clock.at;
    clock.at = new Date(sweptAt.getTime() + DAY_MS);
    await drain();
    expect(await sweep.sweepOnce()).toBe(0);

    expect((await pipeline.load(orderDecider, orderStreamId(lapsing))).state.status).toBe('expired');
    expect((await pipeline.load(orderDecider, orderStreamId(received))).state.status).toBe('paid');
    const card = await pipeline.load(cardDecider, cardStreamId(CARD));
    expect(card.state).toMatchObject({ heldRupiah: 0, capturedUnsettledRupiah: 350_000 });
    const expired = card.events.find((event) => event.type === 'AuthorisationExpired')!;
    expect(expired.data).toMatchObject({ orderId: lapsing, amountRupiah: 350_000 });
    expect(expired.metadata.occurredAt).toBe(sweptAt.toISOString());

    const settled = (await allEvents()).length;
    checkpoints.reset(process.name);
    await drain();
    expect(await allEvents()).toHaveLength(settled);
  });
});
