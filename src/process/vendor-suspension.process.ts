import type { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../event-store/command-pipeline.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import type { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { Clock } from '../kernel/clock.js';
import { ChangeOrderCommand } from '../orders/application/order.commands.js';
import type { OrderEvent } from '../orders/domain/order.events.js';
import type { VendorEvent } from '../vendors/domain/vendor.events.js';
import type { DomainError } from '../kernel/errors.js';
import { PoisonEventError } from '../event-store/poison.js';
import { CheckpointedProcess } from './checkpointed-process.js';
import type { ProcessRefusalMetrics } from './process-refusal-metrics.js';
import { processContext } from './process-context.js';
import { ORDER_LEFT_OPEN, VendorOpenOrdersIndex } from './vendor-open-orders-index.js';

export const VENDOR_SUSPENSION_PROCESS = 'vendor-suspension';
/** Open orders read from the index at a time while cancelling a suspended vendor's orders. */
export const OPEN_ORDERS_PAGE_SIZE = 500;
/** Before any order id (UUIDs sort after it). */
const FIRST_ORDER_ID = '';

type Trigger = RecordedEvent & (OrderEvent | VendorEvent);

/**
 * A suspended vendor's orders in flight (the documented rule):
 * - not yet accepted (placed or authorised): cancelled, OrderCancelled "vendor suspended: <reason>",
 *   by this process; the order-payment process manager then voids the card hold as for any
 *   cancellation;
 * - accepted or shipped: left to complete, since goods delivered must be paid (the vendor may still
 *   ship, the buyer receive, the card be captured).
 * An order placed while the suspension was being written (the placement read the vendor before it)
 * is cancelled when its OrderPlaced arrives. One consumer of $all keeps its index and reacts, event
 * by event (the default single ordering key: the index must be read exactly at each trigger); the
 * cancellations carry idempotency keys from the trigger, so a replay writes nothing.
 */
export class VendorSuspensionProcess extends CheckpointedProcess {
  readonly name = `process.${VENDOR_SUSPENSION_PROCESS}`;
  readonly filter = { eventTypes: ['VendorSuspended', 'VendorReinstated', 'OrderPlaced', ...ORDER_LEFT_OPEN] };
  protected readonly process = VENDOR_SUSPENSION_PROCESS;
  constructor(
    private readonly commands: Pick<CommandBus, 'execute'>,
    private readonly index: VendorOpenOrdersIndex,
    subscriptions: SubscriptionRegistry,
    checkpoints: SqliteCheckpointStore,
    private readonly clock: Clock,
    refusals: ProcessRefusalMetrics,
  ) {
    super(subscriptions, checkpoints, refusals);
  }

  /**
   * Each reaction first applies its trigger to the index (in memory). Reactions run one at a time
   * (the default ordering key), so the index holds exactly the triggers up to this one.
   */
  protected async react(recorded: RecordedEvent): Promise<void> {
    const trigger = recorded as Trigger;
    this.index.stage(trigger);
    if (trigger.type === 'VendorSuspended') {
      // The open orders are read from the tables: the triggers before this one go there with their
      // checkpoint, then this one's change. A crash from here replays only this trigger on an index
      // that holds nothing later (a checkpoint behind several triggers would replay the suspension
      // against orders placed after a reinstatement, and cancel them).
      this.saveUnsaved();
      this.index.writeStaged();
      const context = processContext(VENDOR_SUSPENSION_PROCESS, trigger, this.clock.now());
      await this.cancelOpenOrders(trigger.data.vendorId, trigger.data.reason, context);
    } else if (trigger.type === 'OrderPlaced' && this.index.isSuspended(trigger.data.vendorId)) {
      const reason = 'the vendor was suspended while the order was being placed';
      await this.cancel(trigger.data.orderId, trigger.data.vendorId, reason, processContext(VENDOR_SUSPENSION_PROCESS, trigger, this.clock.now()));
    }
  }

  /** The index's staged changes and the checkpoint that covers them, in one transaction of process.db. */
  protected override storeCheckpoint(position: bigint): void {
    this.index.writeStaged(() => super.storeCheckpoint(position));
  }

  /** The order decider never refuses this cancel for an existing order: a refusal is a bug for an admin to look at. */
  protected async recordRefusal(_trigger: RecordedEvent, refusal: DomainError): Promise<void> {
    throw new PoisonEventError(`cancelling a suspended vendor's order was refused (${refusal.code}): ${refusal.message}`, { cause: refusal });
  }

  private async cancelOpenOrders(vendorId: string, reason: string, context: CommandContext): Promise<void> {
    let after = FIRST_ORDER_ID;
    for (;;) {
      const page = this.index.openOrders(vendorId, after, OPEN_ORDERS_PAGE_SIZE);
      for (const orderId of page) await this.cancel(orderId, vendorId, reason, context);
      if (page.length < OPEN_ORDERS_PAGE_SIZE) return;
      after = page[page.length - 1]!;
    }
  }

  private async cancel(orderId: string, vendorId: string, suspensionReason: string, context: CommandContext): Promise<void> {
    await this.commands.execute(
      new ChangeOrderCommand(orderId, { type: 'CancelOrderOfSuspendedVendor', by: context.actor, vendorId, suspensionReason }, context),
    );
  }
}
