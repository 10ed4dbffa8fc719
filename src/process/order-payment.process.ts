import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CardCommandInput, CardCommandRequest } from '../cards/application/card.commands.js';
import { cardStreamId } from '../cards/domain/card.decider.js';
import type { CardEvent } from '../cards/domain/card.events.js';
import { CommandPipeline, CommandContext } from '../event-store/command-pipeline.js';
import { CONSUMER_CHECKPOINTS } from '../event-store/event-store.module.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { Clock } from '../kernel/clock.js';
import { PoisonEventError } from '../event-store/poison.js';
import { DomainError } from '../kernel/errors.js';
import { ChangeOrderCommand } from '../orders/application/order.commands.js';
import { orderDecider, orderStreamId } from '../orders/domain/order.decider.js';
import { OrderEvent, PAYMENT_FAILURE_REASON_LENGTH_MAX, PaymentStep } from '../orders/domain/order.events.js';
import type { PlacedOrder } from '../orders/domain/order.state.js';
import { CheckpointedProcess } from './checkpointed-process.js';
import { processContext } from './process-context.js';
import { ProcessRefusalMetrics } from './process-refusal-metrics.js';

export const ORDER_PAYMENT_PROCESS = 'order-payment';

const TRIGGERS = [
  'OrderPlaced',
  'AuthorisationApproved',
  'AuthorisationDeclined',
  'OrderRejected',
  'OrderCancelled',
  'OrderReceived',
  'AuthorisationCaptured',
  'OrderHoldExpired',
] as const satisfies readonly (OrderEvent['type'] | CardEvent['type'])[];
type Trigger = Extract<OrderEvent | CardEvent, { type: (typeof TRIGGERS)[number] }>;

/** The payment step each trigger drives, as OrderPaymentFailed names it. */
const STEP_OF_TRIGGER: { readonly [T in Trigger['type']]: PaymentStep } = {
  OrderPlaced: 'authorise',
  AuthorisationApproved: 'record-authorisation',
  AuthorisationDeclined: 'record-authorisation',
  OrderRejected: 'void',
  OrderCancelled: 'void',
  OrderReceived: 'capture',
  AuthorisationCaptured: 'record-payment',
  OrderHoldExpired: 'expire',
};

/**
 * Order <-> KKP card: authorise on placement, record the answer on the order, release the hold
 * when the order closes, capture on receipt, mark the order paid after the capture.
 * Reactions to triggers of one order, and commands to one card, keep $all order (orderingKeys), so
 * a cancellation is always handled after the authorisation it releases and a card decides its
 * authorisations in placement order; other orders and cards are handled at the same time. The
 * checkpoint is stored only after the commands succeeded.
 * A step the card or the order refuses becomes OrderPaymentFailed on the order (step, code,
 * reason), so an order that stays unpaid says why; with no order to record it on, the trigger is
 * parked as a dead letter.
 */
@Injectable()
export class OrderPaymentProcess extends CheckpointedProcess {
  readonly name = `process.${ORDER_PAYMENT_PROCESS}`;
  readonly filter = { eventTypes: TRIGGERS };
  protected readonly process = ORDER_PAYMENT_PROCESS;

  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    subscriptions: SubscriptionRegistry,
    @Inject(CONSUMER_CHECKPOINTS) checkpoints: SqliteCheckpointStore,
    @Inject(CLOCK) private readonly clock: Clock,
    refusals: ProcessRefusalMetrics,
  ) {
    super(subscriptions, checkpoints, refusals);
  }

  /** The order, and the card when the reaction sends it a command (an order's card never changes). */
  protected override async orderingKeys(trigger: RecordedEvent): Promise<readonly string[]> {
    const event = trigger as RecordedEvent & Trigger;
    const orderKey = orderStreamId(event.data.orderId);
    switch (event.type) {
      case 'OrderPlaced':
      case 'OrderHoldExpired':
        return [orderKey, cardStreamId(event.data.cardId)];
      case 'OrderRejected':
      case 'OrderCancelled':
      case 'OrderReceived': {
        const { state } = await this.pipeline.load(orderDecider, orderKey);
        // No order: the reaction fails alone and is recorded or parked.
        return state.status === 'absent' ? [orderKey] : [orderKey, cardStreamId(state.cardId)];
      }
      case 'AuthorisationApproved':
      case 'AuthorisationDeclined':
      case 'AuthorisationCaptured':
        return [orderKey];
    }
  }

  protected react(trigger: RecordedEvent): Promise<void> {
    return this.issue(trigger as RecordedEvent & Trigger, processContext(ORDER_PAYMENT_PROCESS, trigger, this.clock.now()));
  }

  private async issue(event: RecordedEvent & Trigger, context: CommandContext): Promise<void> {
    switch (event.type) {
      case 'OrderPlaced': {
        const { orderId, cardId, buyer, vendorId, totalRupiah, domesticUmkPurchase } = event.data;
        return this.card(cardId, { type: 'AuthoriseCard', orderId, opdCode: buyer.opdCode, payeeVendorId: vendorId, amountRupiah: totalRupiah, domesticUmkPurchase }, context);
      }
      case 'AuthorisationApproved': {
        const { orderId, amountRupiah, expiresAt, policyRevision } = event.data;
        return this.order(orderId, { type: 'RecordAuthorisationApproved', amountRupiah, holdExpiresAt: expiresAt, policyRevision }, context);
      }
      case 'AuthorisationDeclined': {
        const { orderId, reason, policyRevision } = event.data;
        return this.order(orderId, { type: 'RecordAuthorisationDeclined', reason, policyRevision }, context);
      }
      case 'OrderRejected':
      case 'OrderCancelled': {
        const order = await this.loadOrder(event.data.orderId);
        const reason = `order ${event.type === 'OrderRejected' ? 'rejected' : 'cancelled'}: ${event.data.reason}`;
        return this.card(order.cardId, { type: 'VoidAuthorisation', orderId: order.orderId, reason }, context);
      }
      case 'OrderReceived': {
        const order = await this.loadOrder(event.data.orderId);
        const orderReceived = order.status === 'received' || order.status === 'paid';
        return this.card(order.cardId, { type: 'CaptureAuthorisation', orderId: order.orderId, amountRupiah: order.totalRupiah, orderReceived, bastNumber: event.data.bastNumber }, context);
      }
      case 'AuthorisationCaptured': {
        const { orderId, amountRupiah, policyRevision } = event.data;
        return this.order(orderId, { type: 'RecordPayment', amountRupiah, policyRevision }, context);
      }
      case 'OrderHoldExpired':
        // The sweep's time decided the expiry on the order; the card decides on the same time.
        return this.card(event.data.cardId, { type: 'ExpireAuthorisation', orderId: event.data.orderId }, { ...context, occurredAt: new Date(event.metadata.occurredAt) });
    }
  }

  protected async recordRefusal(trigger: RecordedEvent, refusal: DomainError): Promise<void> {
    const event = trigger as RecordedEvent & Trigger;
    const { orderId } = event.data;
    const policyRevision = refusal.details.policyRevision;
    const context = processContext(ORDER_PAYMENT_PROCESS, trigger, this.clock.now());
    const failure: ChangeOrderCommand['command'] = {
      type: 'RecordPaymentFailure',
      step: STEP_OF_TRIGGER[event.type],
      code: refusal.code,
      reason: [...refusal.message].slice(0, PAYMENT_FAILURE_REASON_LENGTH_MAX).join(''),
      ...(typeof policyRevision === 'number' ? { policyRevision } : {}),
    };
    try {
      // Its own key: the refused command wrote nothing, and the failure must not be mistaken for it.
      await this.order(orderId, failure, { ...context, idempotencyKey: `${context.idempotencyKey}:refused` });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'not_found') throw error;
      throw new PoisonEventError(`${refusal.code} (${refusal.message}) cannot be recorded: no order ${orderId}`, { cause: refusal });
    }
  }

  private async card(cardId: string, command: CardCommandInput, context: CommandContext): Promise<void> {
    await this.commands.execute(new CardCommandRequest(cardId, command, context));
  }

  private async order(orderId: string, command: ChangeOrderCommand['command'], context: CommandContext): Promise<void> {
    await this.commands.execute(new ChangeOrderCommand(orderId, command, context));
  }

  private async loadOrder(orderId: string): Promise<PlacedOrder> {
    const { state } = await this.pipeline.load(orderDecider, orderStreamId(orderId));
    if (state.status === 'absent') throw new DomainError('not_found', 'ORDER_NOT_FOUND', `no order ${orderId}`);
    return state;
  }
}
