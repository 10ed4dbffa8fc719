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
import type { Actor } from '../../src/kernel/actor.js';
import type { Clock } from '../../src/kernel/clock.js';
import { readOpd } from '../../src/opds/application/opd-registry.js';
import { opdDecider, opdStreamId } from '../../src/opds/domain/opd.decider.js';
import { ChangeOrderHandler } from '../../src/orders/application/change-order.handler.js';
import { ChangeOrderCommand } from '../../src/orders/application/order.commands.js';
import { orderDecider, orderStreamId } from '../../src/orders/domain/order.decider.js';
import { PolicyService } from '../../src/policy/application/policy.service.js';
import { DEFAULT_POLICY } from '../../src/policy/domain/policy.js';
import { OrderPaymentProcess } from '../../src/process/order-payment.process.js';
import { VendorOpenOrdersIndex } from '../../src/process/vendor-open-orders-index.js';
import { ProcessRefusalMetrics } from '../../src/process/process-refusal-metrics.js';
import { VendorSuspensionProcess } from '../../src/process/vendor-suspension.process.js';
import { vendorDecider, vendorStreamId } from '../../src/vendors/domain/vendor.decider.js';

const OPD = '3673-DINKES';
const CARD = '0c000000-0000-4000-8000-000000000001';
const SUSPENDED = '0b000000-0000-4000-8000-000000000001';
const OTHER = '0b000000-0000-4000-8000-000000000002';
const LISTING = '0d000000-0000-4000-8000-000000000001';
const AT = new Date('2026-11-26T03:00:00Z');
const DRAIN_ROUNDS_MAX = 20;
const ORDER = (n: number): string => `0a000000-0000-4000-8000-00000000000${n}`;

const clock: Clock = { now: () => AT };
const admin: Actor = { id: 'key:admin', role: 'admin' };
const context = (actor: Actor = admin): CommandContext => ({ actor, correlationId: 'c', causationId: 'c', occurredAt: AT });
const vendorKey = (vendorId: string): Actor => ({ id: `key:${vendorId}`, role: 'vendor', vendorId });

describe('vendor-suspension process manager (integration)', () => {
  let store: SqliteEventStore;
  let db: Database.Database;
  let pipeline: CommandPipeline;
  let checkpoints: SqliteCheckpointStore;
  let payment: OrderPaymentProcess;
  let suspension: VendorSuspensionProcess;
  let orders: ChangeOrderHandler;
  let bus: CommandBus;

  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    db = new Database(':memory:');
    pipeline = new CommandPipeline(store);
    checkpoints = new SqliteCheckpointStore(db);
    const cards = new CardCommandHandler(pipeline, new PolicyService(pipeline));
    orders = new ChangeOrderHandler(pipeline);
    bus = {
      execute: (command: unknown) => (command instanceof CardCommandRequest ? cards.execute(command) : orders.execute(command as ChangeOrderCommand)),
    } as unknown as CommandBus;
    const registry = { register: () => undefined } as unknown as SubscriptionRegistry;
    const refusals = new ProcessRefusalMetrics();
    payment = new OrderPaymentProcess(bus, pipeline, registry, checkpoints, clock, refusals);
    suspension = new VendorSuspensionProcess(bus, new VendorOpenOrdersIndex(db), registry, checkpoints, clock, refusals);

    await pipeline.handle(
      opdDecider,
      opdStreamId(OPD),
      { type: 'RegisterOpd', opdCode: OPD, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' },
      context(),
    );
    await cards.execute(
      new CardCommandRequest(
        CARD,
        { type: 'IssueCard', cardId: CARD, opdCode: OPD, holderName: 'Siti', cardLast4: '4821', limitRupiah: 100_000_000, expiresOn: '2099-12-31' },
        context(),
      ),
    );
    for (const [vendorId, nib] of [
      [SUSPENDED, '9120301234567'],
      [OTHER, '9120301234568'],
    ] as const) {
      const registration = {
        vendorId,
        nib,
        npwp: '012345678901234',
        name: 'CV Uji',
        legalForm: 'cv',
        capitalRupiah: 500_000_000,
        kabupatenKotaCode: '3673',
        contact: { email: 'a@b.co', phone: '+62 254 123456' },
      } as const;
      await pipeline.handle(vendorDecider, vendorStreamId(vendorId), { type: 'RegisterVendor', ...registration, policy: DEFAULT_POLICY }, context());
      await pipeline.handle(vendorDecider, vendorStreamId(vendorId), { type: 'VerifyVendor' }, context());
    }
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  /** Placed straight through the decider (as if the placement read the vendor before a suspension was written). */
  async function place(orderId: string, vendorId: string): Promise<void> {
    await pipeline.handle(
      orderDecider,
      orderStreamId(orderId),
      {
        type: 'PlaceOrder',
        orderId,
        by: admin,
        opdCode: OPD,
        opd: await readOpd(pipeline, OPD),
        officialName: 'Budi',
        lines: [{ listingId: LISTING, quantity: 10 }],
        shippingRupiah: 0,
        vendor: { vendorId, status: 'verified', scale: 'kecil' },
        listings: [
          {
            listingId: LISTING,
            status: 'active',
            revision: 0,
            vendorId,
            title: 'Nasi',
            category: 'makan-minum',
            unit: 'kotak',
            priceRupiah: 35_000,
            isDomesticProduct: true,
          },
        ],
        card: { cardId: CARD, status: 'active', opdCode: OPD },
        policy: DEFAULT_POLICY,
        at: AT,
      },
      context(),
    );
  }

  const change = (orderId: string, command: ChangeOrderCommand['command'], actor: Actor): Promise<unknown> =>
    orders.execute(new ChangeOrderCommand(orderId, command, context(actor)));

  /** Feeds both process managers what $all holds after their checkpoints, until nothing new is written (bounded). */
  async function drain(): Promise<void> {
    for (let round = 0; round < DRAIN_ROUNDS_MAX; round += 1) {
      const head = await store.headPosition();
      for (const consumer of [payment, suspension]) {
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

  const statusOf = async (orderId: string): Promise<string> => (await pipeline.load(orderDecider, orderStreamId(orderId))).state.status;
  const holdOf = async (orderId: string): Promise<string | undefined> => {
    const { state } = await pipeline.load(cardDecider, cardStreamId(CARD));
    if (state.status === 'absent') return undefined;
    return state.openHolds.get(orderId) ? 'held' : state.recentHolds.get(orderId)?.status;
  };
  const allEvents = (): Promise<RecordedEvent[]> => store.readAll({ maxCount: 10_000 });

  it('cancels the orders not yet accepted and their holds are voided; accepted and shipped orders go on; a replay writes nothing', async () => {
    const [authorised, accepted, shipped, otherVendors, placedOnly] = [1, 2, 3, 4, 5].map(ORDER) as [string, string, string, string, string];
    for (const orderId of [authorised, accepted, shipped]) await place(orderId, SUSPENDED);
    await place(otherVendors, OTHER);
    await drain();
    await change(accepted, { type: 'AcceptOrder', by: vendorKey(SUSPENDED) }, vendorKey(SUSPENDED));
    await change(shipped, { type: 'AcceptOrder', by: vendorKey(SUSPENDED) }, vendorKey(SUSPENDED));
    await change(shipped, { type: 'ShipOrder', by: vendorKey(SUSPENDED) }, vendorKey(SUSPENDED));
    // Placed, its authorisation not yet recorded on the order when the suspension arrives.
    await place(placedOnly, SUSPENDED);
    await pipeline.handle(vendorDecider, vendorStreamId(SUSPENDED), { type: 'SuspendVendor', reason: 'izin usaha dicabut' }, context());
    await drain();

    for (const orderId of [authorised, placedOnly]) {
      const { state, events } = await pipeline.load(orderDecider, orderStreamId(orderId));
      expect(state).toMatchObject({ status: 'cancelled', reason: 'vendor suspended: izin usaha dicabut' });
      expect(events.at(-1)!.metadata.actor).toEqual({ id: 'process:vendor-suspension', role: 'system' });
      expect(await holdOf(orderId)).toBe('voided');
    }
    expect([await statusOf(accepted), await holdOf(accepted)]).toEqual(['accepted', 'held']);
    expect([await statusOf(shipped), await holdOf(shipped)]).toEqual(['shipped', 'held']);
    expect([await statusOf(otherVendors), await holdOf(otherVendors)]).toEqual(['authorised', 'held']);

    // The vendor may still complete what it accepted: goods delivered must be paid.
    await change(accepted, { type: 'ShipOrder', by: vendorKey(SUSPENDED) }, vendorKey(SUSPENDED));
    expect(await statusOf(accepted)).toBe('shipped');

    const before = (await allEvents()).length;
    checkpoints.reset(suspension.name);
    checkpoints.reset(payment.name);
    await drain();
    expect(await allEvents()).toHaveLength(before);
  });

  it('resumes after a failed cancellation from a checkpoint the index never ran ahead of: an order placed after the reinstatement stays', async () => {
    const open = ORDER(1);
    const afterReinstatement = ORDER(2);
    await place(open, SUSPENDED);
    await drain();
    // The first cancellation fails (the store is busy, say): the process stops at the suspension.
    let failures = 1;
    const failingOnce = {
      execute: (command: unknown) => {
        if (command instanceof ChangeOrderCommand && failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('the store is busy'));
        }
        return bus.execute(command as ChangeOrderCommand);
      },
    } as unknown as CommandBus;
    const registry = { register: () => undefined } as unknown as SubscriptionRegistry;
    const refusals = new ProcessRefusalMetrics();
    suspension = new VendorSuspensionProcess(failingOnce, new VendorOpenOrdersIndex(db), registry, checkpoints, clock, refusals);
    await pipeline.handle(vendorDecider, vendorStreamId(SUSPENDED), { type: 'SuspendVendor', reason: 'audit' }, context());
    await expect(drain()).rejects.toThrow('the store is busy');
    await pipeline.handle(vendorDecider, vendorStreamId(SUSPENDED), { type: 'ReinstateVendor' }, context());
    await place(afterReinstatement, SUSPENDED);

    // A restart: the index read back from process.db, the process from its stored checkpoint.
    suspension = new VendorSuspensionProcess(bus, new VendorOpenOrdersIndex(db), registry, checkpoints, clock, refusals);
    await drain();
    expect(await statusOf(open)).toBe('cancelled');
    expect(await statusOf(afterReinstatement)).toBe('authorised');
    expect(db.prepare('SELECT order_id FROM vendor_open_orders ORDER BY order_id').all()).toEqual([{ order_id: afterReinstatement }]);
    expect(db.prepare('SELECT vendor_id FROM suspended_vendors').all()).toEqual([]);
  });

  it('refuses an accept while the vendor is suspended, and cancels an order placed in the race with the suspension', async () => {
    const waiting = ORDER(6);
    const racing = ORDER(7);
    await place(waiting, SUSPENDED);
    await drain();
    await pipeline.handle(vendorDecider, vendorStreamId(SUSPENDED), { type: 'SuspendVendor', reason: 'audit' }, context());
    await expect(change(waiting, { type: 'AcceptOrder', by: vendorKey(SUSPENDED) }, vendorKey(SUSPENDED))).rejects.toMatchObject({
      code: 'VENDOR_NOT_SELLING',
    });
    await place(racing, SUSPENDED);
    await drain();
    expect(await statusOf(waiting)).toBe('cancelled');
    expect(await statusOf(racing)).toBe('cancelled');
    expect(await holdOf(racing)).toBe('voided');

    // Reinstated: new orders are the vendor's to accept again.
    await pipeline.handle(vendorDecider, vendorStreamId(SUSPENDED), { type: 'ReinstateVendor' }, context());
    const after = ORDER(8);
    await place(after, SUSPENDED);
    await drain();
    await change(after, { type: 'AcceptOrder', by: vendorKey(SUSPENDED) }, vendorKey(SUSPENDED));
    expect(await statusOf(after)).toBe('accepted');
  });
});
