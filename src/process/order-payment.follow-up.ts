import { CardCommandInput, CardCommandRequest } from '../cards/application/card.commands.js';
import { cardStreamId } from '../cards/domain/card.decider.js';
import type { CardEvent } from '../cards/domain/card.events.js';
import type { CommandContext, CommandPipeline, CommandResult } from '../event-store/command-pipeline.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { DomainError } from '../kernel/errors.js';
import { ChangeOrderCommand } from '../orders/application/order.commands.js';
import { orderDecider, orderStreamId } from '../orders/domain/order.decider.js';
import type { OrderEvent } from '../orders/domain/order.events.js';
import type { PlacedOrder } from '../orders/domain/order.state.js';

export const ORDER_PAYMENT_TRIGGERS = [
  'OrderPlaced',
  'AuthorisationApproved',
  'AuthorisationDeclined',
  'OrderRejected',
  'OrderCancelled',
  'OrderReceived',
  'AuthorisationCaptured',
  'OrderHoldExpired',
] as const satisfies readonly (OrderEvent['type'] | CardEvent['type'])[];
export type OrderPaymentTrigger = RecordedEvent & Extract<OrderEvent | CardEvent, { type: (typeof ORDER_PAYMENT_TRIGGERS)[number] }>;

/** The one command a trigger calls for, and the aggregate it goes to. */
export type FollowUp =
  | { readonly to: 'card'; readonly cardId: string; readonly command: CardCommandInput }
  | { readonly to: 'order'; readonly orderId: string; readonly command: ChangeOrderCommand['command'] };

/** The contexts' command handlers a follow-up is sent through (the CommandBus in the service, the handlers themselves in the demo market). */
export interface FollowUpHandlers {
  card(request: CardCommandRequest): Promise<CommandResult>;
  order(request: ChangeOrderCommand): Promise<CommandResult>;
}

export function isOrderPaymentTrigger(event: RecordedEvent): event is OrderPaymentTrigger {
  return (ORDER_PAYMENT_TRIGGERS as readonly string[]).includes(event.type);
}

/**
 * The order-payment process manager's reaction, the only copy of it: authorise on placement,
 * record the card's answer on the order, release the hold when the order closes, capture on
 * receipt, mark the order paid after the capture. `loadOrder` gives the order's facts to the
 * triggers that carry only its id.
 */
export async function followUpOf(trigger: OrderPaymentTrigger, loadOrder: (orderId: string) => Promise<PlacedOrder>): Promise<FollowUp> {
  switch (trigger.type) {
    case 'OrderPlaced': {
      const { orderId, cardId, buyer, vendorId, totalRupiah, domesticUmkPurchase } = trigger.data;
      return {
        to: 'card',
        cardId,
        command: { type: 'AuthoriseCard', orderId, opdCode: buyer.opdCode, payeeVendorId: vendorId, amountRupiah: totalRupiah, domesticUmkPurchase },
      };
    }
    case 'AuthorisationApproved': {
      const { orderId, amountRupiah, expiresAt, policyRevision } = trigger.data;
      return { to: 'order', orderId, command: { type: 'RecordAuthorisationApproved', amountRupiah, holdExpiresAt: expiresAt, policyRevision } };
    }
    case 'AuthorisationDeclined': {
      const { orderId, reason, policyRevision } = trigger.data;
      return { to: 'order', orderId, command: { type: 'RecordAuthorisationDeclined', reason, policyRevision } };
    }
    case 'OrderRejected':
    case 'OrderCancelled': {
      const order = await loadOrder(trigger.data.orderId);
      const reason = `order ${trigger.type === 'OrderRejected' ? 'rejected' : 'cancelled'}: ${trigger.data.reason}`;
      return { to: 'card', cardId: order.cardId, command: { type: 'VoidAuthorisation', orderId: order.orderId, reason } };
    }
    case 'OrderReceived': {
      const order = await loadOrder(trigger.data.orderId);
      const orderReceived = order.status === 'received' || order.status === 'paid';
      return {
        to: 'card',
        cardId: order.cardId,
        command: { type: 'CaptureAuthorisation', orderId: order.orderId, amountRupiah: order.totalRupiah, orderReceived, bastNumber: trigger.data.bastNumber },
      };
    }
    case 'AuthorisationCaptured': {
      const { orderId, amountRupiah, policyRevision } = trigger.data;
      return { to: 'order', orderId, command: { type: 'RecordPayment', amountRupiah, policyRevision } };
    }
    case 'OrderHoldExpired':
      return { to: 'card', cardId: trigger.data.cardId, command: { type: 'ExpireAuthorisation', orderId: trigger.data.orderId } };
  }
}

/** When the follow-up happens: now, except an expiry, which the card decides on the sweep's time (the order's decision). */
export function followUpAt(trigger: OrderPaymentTrigger, now: Date): Date {
  return trigger.type === 'OrderHoldExpired' ? new Date(trigger.metadata.occurredAt) : now;
}

/**
 * The stream followUpOf's command for `trigger` goes to, told without reading the order where its
 * card is known (`cardOfOrder`: an order's card never changes); undefined when there is no order.
 */
export async function followUpStreamOf(
  trigger: OrderPaymentTrigger,
  cardOfOrder: (orderId: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  switch (trigger.type) {
    case 'OrderPlaced':
    case 'OrderHoldExpired':
      return cardStreamId(trigger.data.cardId);
    case 'AuthorisationApproved':
    case 'AuthorisationDeclined':
    case 'AuthorisationCaptured':
      return orderStreamId(trigger.data.orderId);
    case 'OrderRejected':
    case 'OrderCancelled':
    case 'OrderReceived': {
      const cardId = await cardOfOrder(trigger.data.orderId);
      return cardId === undefined ? undefined : cardStreamId(cardId);
    }
  }
}

export function sendFollowUp(followUp: FollowUp, context: CommandContext, handlers: FollowUpHandlers): Promise<CommandResult> {
  return followUp.to === 'card'
    ? handlers.card(new CardCommandRequest(followUp.cardId, followUp.command, context))
    : handlers.order(new ChangeOrderCommand(followUp.orderId, followUp.command, context));
}

/** The order as placed and changed since; an order that does not exist is a not_found refusal. */
export async function loadPlacedOrder(pipeline: Pick<CommandPipeline, 'load'>, orderId: string): Promise<PlacedOrder> {
  const { state } = await pipeline.load(orderDecider, orderStreamId(orderId));
  if (state.status === 'absent') throw new DomainError('not_found', 'ORDER_NOT_FOUND', `no order ${orderId}`);
  return state;
}
