import type { Actor } from '../../kernel/actor.js';
import { assertNever } from '../../kernel/assert.js';
import type { Decider } from '../../kernel/decider.js';
import { isIsoDate, wibDate } from '../../kernel/dates.js';
import { conflict, forbidden, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import type { OrderCommand } from './order.commands.js';
import type { OrderEvent } from './order.events.js';
import { evolveOrder } from './order.evolve.js';
import { CANCELLABLE_STATUSES, OrderState, OrderStatus, PlacedOrder } from './order.state.js';
import { assertBuyerScope, place } from './order-placement.js';

const TEXT_LENGTH_MAX = 500;
const BAST_NUMBER_LENGTH_MAX = 100;

export const orderStreamId = (orderId: string): string => `order-${orderId}`;

export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: evolveOrder,
  decide,
};

function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'PlaceOrder') {
    if (state.status !== 'absent') throw conflict('ORDER_EXISTS', 'this order was already placed', { orderId: state.orderId });
    return place(command);
  }
  if (state.status === 'absent') throw notFound('ORDER_NOT_FOUND', 'no such order');
  const { orderId } = state;
  switch (command.type) {
    case 'RecordAuthorisationApproved':
      // The card's answer may arrive after the buyer cancelled or a replay: only a placed order takes it.
      if (state.status !== 'placed') return [];
      return [
        {
          type: 'OrderAuthorised',
          data: { orderId, cardId: state.cardId, amountRupiah: command.amountRupiah, holdExpiresAt: command.holdExpiresAt, policyRevision: command.policyRevision },
        },
      ];
    case 'RecordAuthorisationDeclined':
      if (state.status !== 'placed') return [];
      return [{ type: 'OrderDeclined', data: { orderId, cardId: state.cardId, reason: command.reason, policyRevision: command.policyRevision } }];
    case 'AcceptOrder':
      assertOrderVendor(command.by, state);
      requireStatus(state, ['authorised'], 'accept');
      return [{ type: 'OrderAccepted', data: { orderId, vendorId: state.vendorId } }];
    case 'RejectOrder':
      assertOrderVendor(command.by, state);
      requireStatus(state, ['placed', 'authorised'], 'reject');
      return [{ type: 'OrderRejected', data: { orderId, vendorId: state.vendorId, reason: requireText('reason', command.reason, TEXT_LENGTH_MAX) } }];
    case 'ShipOrder':
      assertOrderVendor(command.by, state);
      requireStatus(state, ['accepted'], 'ship');
      return [{ type: 'OrderShipped', data: { orderId, vendorId: state.vendorId, note: command.note === undefined ? null : requireText('note', command.note, TEXT_LENGTH_MAX) } }];
    case 'ReceiveOrder':
      return receive(command, state);
    case 'CancelOrder':
      assertBuyerScope(command.by, state.buyer.opdCode);
      requireStatus(state, CANCELLABLE_STATUSES, 'cancel');
      return [{ type: 'OrderCancelled', data: { orderId, reason: requireText('reason', command.reason, TEXT_LENGTH_MAX) } }];
    case 'RecordPayment':
      if (state.status === 'paid') return [];
      requireStatus(state, ['received'], 'record the payment of');
      return [{ type: 'OrderPaid', data: { orderId, cardId: state.cardId, amountRupiah: command.amountRupiah, policyRevision: command.policyRevision } }];
    case 'ExpireOrderHold':
      return expireHold(command.at, state);
    default:
      return assertNever(command, 'order command');
  }
}

function receive(command: Extract<OrderCommand, { type: 'ReceiveOrder' }>, state: PlacedOrder): OrderEvent[] {
  assertBuyerScope(command.by, state.buyer.opdCode);
  requireStatus(state, ['shipped'], 'receive');
  const bastNumber = requireText('bastNumber', command.bastNumber, BAST_NUMBER_LENGTH_MAX);
  if (!isIsoDate(command.bastDate)) throw invalid('INVALID_BAST', 'bastDate must be a date, YYYY-MM-DD', [{ field: 'bastDate', messages: ['YYYY-MM-DD'] }]);
  const today = wibDate(command.at);
  if (command.bastDate > today) {
    throw ruleViolation('BAST_DATE_IN_FUTURE', 'the BAST (berita acara serah terima) cannot be dated after today (WIB)', { bastDate: command.bastDate, today });
  }
  return [{ type: 'OrderReceived', data: { orderId: state.orderId, bastNumber, bastDate: command.bastDate } }];
}

/**
 * The hold's time to live passed before the goods were received: the order closes and the
 * hold is released. Deciding it on the order's stream means a receipt and an expiry cannot
 * both win. Once received (or closed) there is nothing to expire.
 */
function expireHold(at: Date, state: PlacedOrder): OrderEvent[] {
  if (state.status !== 'authorised' && state.status !== 'accepted' && state.status !== 'shipped') return [];
  if (at.getTime() < Date.parse(state.hold.expiresAt)) {
    throw ruleViolation('HOLD_NOT_YET_EXPIRED', 'the card hold is still within its time to live', { orderId: state.orderId, holdExpiresAt: state.hold.expiresAt });
  }
  return [{ type: 'OrderHoldExpired', data: { orderId: state.orderId, cardId: state.cardId, holdExpiresAt: state.hold.expiresAt } }];
}

function assertOrderVendor(by: Actor, order: PlacedOrder): void {
  if (by.role === 'vendor' && by.vendorId === order.vendorId) return;
  throw forbidden('NOT_ORDER_VENDOR', 'only the order\'s vendor acts on it', { orderId: order.orderId });
}

function requireStatus(order: PlacedOrder, allowed: readonly OrderStatus[], action: string): void {
  if (!allowed.includes(order.status)) {
    throw ruleViolation('ORDER_INVALID_TRANSITION', `cannot ${action} an order that is ${order.status}`, {
      orderId: order.orderId,
      status: order.status,
      allowedFrom: allowed,
    });
  }
}

function requireText(field: string, value: string, lengthMax: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > lengthMax) {
    throw invalid('INVALID_TEXT', `${field} must be 1..${lengthMax} characters`, [{ field, messages: [`1..${lengthMax} characters`] }]);
  }
  return trimmed;
}
