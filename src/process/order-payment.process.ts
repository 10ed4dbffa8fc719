import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { cardStreamId } from '../cards/domain/card.decider.js';
import { CommandPipeline } from '../event-store/command-pipeline.js';
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
import { PAYMENT_FAILURE_REASON_LENGTH_MAX, PaymentStep } from '../orders/domain/order.events.js';
import { CheckpointedProcess } from './checkpointed-process.js';
import {
  FollowUpHandlers,
  ORDER_PAYMENT_TRIGGERS,
  OrderPaymentTrigger,
  followUpAt,
  followUpOf,
  followUpStreamOf,
  loadPlacedOrder,
  sendFollowUp,
} from './order-payment.follow-up.js';
import { OrderCards } from './order-cards.js';
import { processContext } from './process-context.js';
import { ProcessRefusalMetrics } from './process-refusal-metrics.js';

export const ORDER_PAYMENT_PROCESS = 'order-payment';

/** The payment step each trigger drives, as OrderPaymentFailed names it. */
const STEP_OF_TRIGGER: { readonly [T in OrderPaymentTrigger['type']]: PaymentStep } = {
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
 * Order <-> KKP card (the reactions: order-payment.follow-up.ts, shared with the demo market).
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
  readonly filter = { eventTypes: ORDER_PAYMENT_TRIGGERS };
  protected readonly process = ORDER_PAYMENT_PROCESS;
  private readonly orderCards = new OrderCards();
  private readonly handlers: FollowUpHandlers = {
    card: (request) => this.commands.execute(request),
    order: (request) => this.commands.execute(request),
  };

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
    const event = trigger as OrderPaymentTrigger;
    const orderKey = orderStreamId(event.data.orderId);
    switch (event.type) {
      case 'OrderPlaced':
      case 'OrderHoldExpired':
        this.orderCards.remember(event.data.orderId, event.data.cardId);
        return [orderKey, cardStreamId(event.data.cardId)];
      case 'OrderRejected':
      case 'OrderCancelled':
      case 'OrderReceived': {
        const cardId = await this.cardOf(event.data.orderId);
        // No order: the reaction fails alone and is recorded or parked.
        return cardId === undefined ? [orderKey] : [orderKey, cardStreamId(cardId)];
      }
      case 'AuthorisationApproved':
      case 'AuthorisationDeclined':
      case 'AuthorisationCaptured':
        return [orderKey];
    }
  }

  protected async react(trigger: RecordedEvent): Promise<void> {
    const event = trigger as OrderPaymentTrigger;
    const context = processContext(ORDER_PAYMENT_PROCESS, trigger, followUpAt(event, this.clock.now()));
    // A replayed trigger (after a restart) whose command's events are already in its stream is
    // done: the command would only be answered with them, after reading the policy and the order.
    const target = await followUpStreamOf(event, (orderId) => this.cardOf(orderId));
    if (target !== undefined && (await this.pipeline.tookEffect(target, context))) return;
    const followUp = await followUpOf(event, (orderId) => loadPlacedOrder(this.pipeline, orderId));
    await sendFollowUp(followUp, context, this.handlers);
  }

  /** The order's card, read from the order stream only when not kept; undefined when there is no order. */
  private async cardOf(orderId: string): Promise<string | undefined> {
    const kept = this.orderCards.cardOf(orderId);
    if (kept !== undefined) return kept;
    const { state } = await this.pipeline.load(orderDecider, orderStreamId(orderId));
    if (state.status === 'absent') return undefined;
    this.orderCards.remember(orderId, state.cardId);
    return state.cardId;
  }

  protected async recordRefusal(trigger: RecordedEvent, refusal: DomainError): Promise<void> {
    const event = trigger as OrderPaymentTrigger;
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
      await sendFollowUp({ to: 'order', orderId, command: failure }, { ...context, idempotencyKey: `${context.idempotencyKey}:refused` }, this.handlers);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'not_found') throw error;
      throw new PoisonEventError(`${refusal.code} (${refusal.message}) cannot be recorded: no order ${orderId}`, { cause: refusal });
    }
  }
}
