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
import { DomainError } from '../../src/kernel/errors.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { ChangeOrderHandler } from '../../src/orders/application/change-order.handler.js';
import { ChangeOrderCommand } from '../../src/orders/application/order.commands.js';
import { orderDecider, orderStreamId } from '../../src/orders/domain/order.decider.js';
import { PolicyService } from '../../src/policy/application/policy.service.js';
import { DEFAULT_POLICY } from '../../src/policy/domain/policy.js';
import { HoldExpiryIndex } from '../../src/process/hold-expiry-index.js';
import { HoldExpirySweep } from '../../src/process/hold-expiry-sweep.js';
import { OrderPaymentProcess } from '../../src/process/order-payment.process.js';
import { ProcessRefusalMetrics } from '../../src/process/process-refusal-metrics.js';
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
  let refusals: ProcessRefusalMetrics;
  let cards: CardCommandHandler;
  const clock = new FakeClock(PLACED_AT);

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    db = new Database(':memory:');
    pipeline = new CommandPipeline(store);
    checkpoints = new SqliteCheckpointStore(db);
    cards = new CardCommandHandler(pipeline, new PolicyService(pipeline));
    refusals = new ProcessRefusalMetrics();
    const orders = new ChangeOrderHandler(pipeline);
    const bus = {
      execute: (command: unknown) => (command instanceof CardCommandRequest ? cards.execute(command) : orders.execute(command as ChangeOrderCommand)),
    } as unknown as CommandBus;
    const registry = { register: () => undefined } as unknown as SubscriptionRegistry;
    process = new OrderPaymentProcess(bus, pipeline, registry, checkpoints, clock, refusals);
    index = new HoldExpiryIndex(db);
    sweep = new HoldExpirySweep(index, { execute: (command) => orders.execute(command) }, clock, 60_000, silentLogger, refusals);
    clock.at = PLACED_AT;
    await pipeline.handle(
      opdDecider,
      opdStreamId(OPD),
      { type: 'RegisterOpd', opdCode: OPD, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' },
      adminContext(PLACED_AT),
    );
    await cards.execute(
      new CardCommandRequest(
        CARD,
        { type: 'IssueCard', cardId: CARD, opdCode: OPD, holderName: 'Siti', cardLast4: '4821', limitRupiah: 10_000_000, expiresOn: '2099-12-31' },
        adminContext(PLACED_AT),
      ),
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
        listings: [
          {
            listingId: LISTING,
            status: 'active',
            revision: 0,
            vendorId: VENDOR,
            title: 'Nasi',
            category: 'makan-minum',
            unit: 'kotak',
            priceRupiah: 35_000,
            isDomesticProduct: true,
          },
        ],
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
        await consumer.handleBatch(
          events.filter((event) => matchesFilter(event, consumer.filter)),
          events[events.length - 1]!.position,
        );
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

  it('decides a batch of placements on one card in placement order', async () => {
    // Room for two orders of 350,000 on the card: the third placed is declined, whichever runs first.
    await cards.execute(new CardCommandRequest(CARD, { type: 'ChangeCardLimit', limitRupiah: 700_000 }, adminContext(PLACED_AT)));
    const orders = ['0a000000-0000-4000-8000-000000000011', '0a000000-0000-4000-8000-000000000012', '0a000000-0000-4000-8000-000000000013'];
    for (const orderId of orders) await placeOrder(orderId);
    await drain();
    const statuses = await Promise.all(orders.map(async (orderId) => (await pipeline.load(orderDecider, orderStreamId(orderId))).state.status));
    expect(statuses).toEqual(['authorised', 'authorised', 'declined']);
    const card = await pipeline.load(cardDecider, cardStreamId(CARD));
    expect(
      card.events.filter((event) => event.type.startsWith('Authorisation')).map((event) => [event.type, (event.data as { orderId: string }).orderId]),
    ).toEqual([
      ['AuthorisationApproved', orders[0]],
      ['AuthorisationApproved', orders[1]],
      ['AuthorisationDeclined', orders[2]],
    ]);
    expect(card.state).toMatchObject({ heldRupiah: 700_000 });
  });

  it("expires a hold past its TTL from the sweep: the order closes, then the card hold expires at the sweep's time", async () => {
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

  it('records a refused capture on the order as OrderPaymentFailed, counts it, and goes on', async () => {
    const orderId = '0a000000-0000-4000-8000-000000000004';
    await placeOrder(orderId);
    await drain();
    // The hold ends on the card before the goods arrive (voided by an admin): the capture will be refused.
    await cards.execute(new CardCommandRequest(CARD, { type: 'VoidAuthorisation', orderId, reason: 'dibatalkan bank' }, adminContext(PLACED_AT)));
    const vendor = { id: 'key:vendor', role: 'vendor' as const, vendorId: VENDOR };
    await pipeline.handle(orderDecider, orderStreamId(orderId), { type: 'AcceptOrder', by: vendor, vendorStatus: 'verified' }, adminContext(PLACED_AT));
    await pipeline.handle(orderDecider, orderStreamId(orderId), { type: 'ShipOrder', by: vendor }, adminContext(PLACED_AT));
    await pipeline.handle(
      orderDecider,
      orderStreamId(orderId),
      { type: 'ReceiveOrder', by: { id: 'key:buyer', role: 'buyer', opdCode: OPD }, bastNumber: 'BAST/4', bastDate: '2026-11-26', at: PLACED_AT },
      adminContext(PLACED_AT),
    );
    await drain();

    const { state, events: orderEvents } = await pipeline.load(orderDecider, orderStreamId(orderId));
    const failed = orderEvents.filter((event) => event.type === 'OrderPaymentFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toEqual({
      orderId,
      cardId: CARD,
      step: 'capture',
      code: 'HOLD_ALREADY_ENDED',
      reason: 'cannot capture: the hold already ended (voided)',
    });
    expect(failed[0]!.metadata).toMatchObject({ actor: { id: 'process:order-payment', role: 'system' } });
    expect(state).toMatchObject({ status: 'received', paymentFailure: { step: 'capture', code: 'HOLD_ALREADY_ENDED' } });
    expect(refusals.count('order-payment', 'HOLD_ALREADY_ENDED')).toBe(1);
    expect(checkpoints.load(process.name)).toBe(await store.headPosition());

    // A replay from the start records the failure once.
    const settled = (await allEvents()).length;
    checkpoints.reset(process.name);
    await drain();
    expect(await allEvents()).toHaveLength(settled);
  });

  it('records an expiry the order refuses as OrderPaymentFailed (step expire) once, however many sweeps ask', async () => {
    const orderId = '0a000000-0000-4000-8000-000000000005';
    await placeOrder(orderId);
    await drain();
    const orders = new ChangeOrderHandler(pipeline);
    // An order that refuses the expiry (as a stale index entry would make it do).
    const refusing = {
      execute: (command: ChangeOrderCommand) =>
        command.command.type === 'ExpireOrderHold'
          ? Promise.reject(new DomainError('business_rule', 'HOLD_NOT_YET_EXPIRED', 'the card hold is still within its time to live'))
          : orders.execute(command),
    };
    const refusingSweep = new HoldExpirySweep(index, refusing, clock, 60_000, silentLogger, refusals);
    clock.at = new Date(PLACED_AT.getTime() + 30 * DAY_MS);
    expect(await refusingSweep.sweepOnce()).toBe(1);
    expect(await refusingSweep.sweepOnce()).toBe(1);

    const failed = (await pipeline.load(orderDecider, orderStreamId(orderId))).events.filter((event) => event.type === 'OrderPaymentFailed');
    expect(failed.map((event) => event.data)).toEqual([
      { orderId, cardId: CARD, step: 'expire', code: 'HOLD_NOT_YET_EXPIRED', reason: 'the card hold is still within its time to live' },
    ]);
    expect(refusals.count('hold-expiry', 'HOLD_NOT_YET_EXPIRED')).toBe(2);
  });
});
