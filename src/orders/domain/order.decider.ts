import type { Actor } from '../../kernel/actor.js';
import { assertNever } from '../../kernel/assert.js';
import type { Decider } from '../../kernel/decider.js';
import { isIsoDate, wibDate } from '../../kernel/dates.js';
import { DomainError, FieldError, conflict, forbidden, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { requireText } from '../../kernel/text.js';
import type { OrderCommand } from './order.commands.js';
import { OrderEvent, PAYMENT_FAILURE_CODE_PATTERN, PAYMENT_FAILURE_REASON_LENGTH_MAX, PAYMENT_STEPS, PaymentFailure } from './order.events.js';
import { evolveOrder } from './order.evolve.js';
import { CANCELLABLE_STATUSES, OrderState, OrderStatus, PlacedOrder, SUSPENSION_CANCELS } from './order.state.js';
import { place } from './order-placement.js';

/** Reasons and notes on an order. */
export const REASON_LENGTH_MAX = 500;
export const BAST_NUMBER_LENGTH_MAX = 100;

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
  if (state.status === 'absent') throw noSuchOrder();
  const { orderId } = state;
  switch (command.type) {
    case 'RecordAuthorisationApproved':
      // The card's answer may arrive after the buyer cancelled or a replay: only a placed order takes it.
      if (state.status !== 'placed') return [];
      return [
        {
          type: 'OrderAuthorised',
          data: {
            orderId,
            cardId: state.cardId,
            amountRupiah: command.amountRupiah,
            holdExpiresAt: command.holdExpiresAt,
            policyRevision: command.policyRevision,
          },
        },
      ];
    case 'RecordAuthorisationDeclined':
      if (state.status !== 'placed') return [];
      return [{ type: 'OrderDeclined', data: { orderId, cardId: state.cardId, reason: command.reason, policyRevision: command.policyRevision } }];
    case 'AcceptOrder':
      assertMayChangeOrder(command, state);
      requireStatus(state, ['authorised'], 'accept');
      if (command.vendorStatus !== 'verified') {
        throw ruleViolation('VENDOR_NOT_SELLING', `a ${command.vendorStatus} vendor accepts no orders`, {
          orderId,
          vendorId: state.vendorId,
          vendorStatus: command.vendorStatus,
        });
      }
      return [{ type: 'OrderAccepted', data: { orderId, vendorId: state.vendorId } }];
    case 'RejectOrder':
      assertMayChangeOrder(command, state);
      requireStatus(state, ['placed', 'authorised'], 'reject');
      return [
        {
          type: 'OrderRejected',
          data: { orderId, vendorId: state.vendorId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) },
        },
      ];
    case 'ShipOrder':
      assertMayChangeOrder(command, state);
      requireStatus(state, ['accepted'], 'ship');
      return [
        {
          type: 'OrderShipped',
          data: {
            orderId,
            vendorId: state.vendorId,
            note: command.note === undefined ? null : requireText('note', command.note, REASON_LENGTH_MAX, { multiline: true }),
          },
        },
      ];
    case 'ReceiveOrder':
      return receive(command, state);
    case 'CancelOrder':
      assertMayChangeOrder(command, state);
      requireStatus(state, CANCELLABLE_STATUSES, 'cancel');
      return [{ type: 'OrderCancelled', data: { orderId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) } }];
    case 'CancelOrderOfSuspendedVendor':
      assertMayChangeOrder(command, state);
      // Accepted or shipped orders go on (goods delivered must be paid); closed ones have nothing to cancel.
      if (!SUSPENSION_CANCELS.includes(state.status) || state.vendorId !== command.vendorId) return [];
      return [
        {
          type: 'OrderCancelled',
          data: { orderId, reason: `vendor suspended: ${requireText('suspensionReason', command.suspensionReason, REASON_LENGTH_MAX, { multiline: true })}` },
        },
      ];
    case 'RecordPayment':
      if (state.status === 'paid') return [];
      requireStatus(state, ['received'], 'record the payment of');
      return [{ type: 'OrderPaid', data: { orderId, cardId: state.cardId, amountRupiah: command.amountRupiah, policyRevision: command.policyRevision } }];
    case 'ExpireOrderHold':
      return expireHold(command.at, state);
    case 'RecordPaymentFailure':
      return [{ type: 'OrderPaymentFailed', data: { orderId, cardId: state.cardId, ...paymentFailure(command) } }];
    default:
      return assertNever(command, 'order command');
  }
}

/** A refusal as the order keeps it: a known step, an error code, a one-line-or-more reason. */
function paymentFailure(command: Extract<OrderCommand, { type: 'RecordPaymentFailure' }>): PaymentFailure {
  const errors: FieldError[] = [];
  if (!PAYMENT_STEPS.includes(command.step)) errors.push({ field: 'step', messages: [`one of ${PAYMENT_STEPS.join(', ')}`] });
  if (!PAYMENT_FAILURE_CODE_PATTERN.test(command.code)) errors.push({ field: 'code', messages: ['an error code: A-Z, 0-9 and _'] });
  if (command.policyRevision !== undefined && !(Number.isSafeInteger(command.policyRevision) && command.policyRevision >= 0)) {
    errors.push({ field: 'policyRevision', messages: ['a policy revision'] });
  }
  if (errors.length > 0) throw invalid('INVALID_PAYMENT_FAILURE', 'the payment failure is invalid', errors);
  return {
    step: command.step,
    code: command.code,
    reason: requireText('reason', command.reason, PAYMENT_FAILURE_REASON_LENGTH_MAX, { multiline: true }),
    ...(command.policyRevision !== undefined ? { policyRevision: command.policyRevision } : {}),
  };
}

function receive(command: Extract<OrderCommand, { type: 'ReceiveOrder' }>, state: PlacedOrder): OrderEvent[] {
  assertMayChangeOrder(command, state);
  requireStatus(state, ['shipped'], 'receive');
  const bastNumber = requireText('bastNumber', command.bastNumber, BAST_NUMBER_LENGTH_MAX);
  if (!isIsoDate(command.bastDate)) throw invalid('INVALID_BAST', 'bastDate must be a date, YYYY-MM-DD', [{ field: 'bastDate', messages: ['YYYY-MM-DD'] }]);
  const today = wibDate(command.at);
  if (command.bastDate > today) {
    throw ruleViolation('BAST_DATE_IN_FUTURE', 'the BAST (berita acara serah terima) cannot be dated after today (WIB)', { bastDate: command.bastDate, today });
  }
  const placedOn = state.placedAt !== undefined ? wibDate(new Date(state.placedAt)) : undefined;
  if (placedOn !== undefined && command.bastDate < placedOn) {
    throw ruleViolation('BAST_BEFORE_ORDER', 'the BAST (berita acara serah terima) cannot be dated before the order was placed (WIB)', {
      bastDate: command.bastDate,
      placedOn,
    });
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
    throw ruleViolation('HOLD_NOT_YET_EXPIRED', 'the card hold is still within its time to live', {
      orderId: state.orderId,
      holdExpiresAt: state.hold.expiresAt,
    });
  }
  return [{ type: 'OrderHoldExpired', data: { orderId: state.orderId, cardId: state.cardId, holdExpiresAt: state.hold.expiresAt } }];
}

/** A missing order, and one the actor may not see: the same answer, so a stranger learns nothing of it. */
export function noSuchOrder(): DomainError {
  return notFound('ORDER_NOT_FOUND', 'no such order');
}

/** Admins, auditors and the processes see every order; a buyer its OPD's, a vendor its own. */
export function mayReadOrder(actor: Actor, order: PlacedOrder): boolean {
  if (actor.role === 'admin' || actor.role === 'auditor' || actor.role === 'system') return true;
  if (actor.role === 'buyer') return actor.opdCode === order.buyer.opdCode;
  return actor.role === 'vendor' && actor.vendorId === order.vendorId;
}

/**
 * Who may issue a command on an order: its vendor accepts, rejects and ships; its buying OPD (or
 * an admin) receives and cancels; the process managers record what the card decided. Checked by
 * the decider, and by the handler before anything else, so that a stranger learns nothing of the
 * order from a precondition (If-Match) answer. One who may not even read the order is told it does
 * not exist (404, as for a missing one); one who may read it but not do this is refused (403).
 */
export function assertMayChangeOrder(command: Exclude<OrderCommand, { type: 'PlaceOrder' }>, order: PlacedOrder): void {
  if ('by' in command && !mayReadOrder(command.by, order)) throw noSuchOrder();
  switch (command.type) {
    case 'AcceptOrder':
    case 'RejectOrder':
    case 'ShipOrder':
      if (command.by.role === 'vendor' && command.by.vendorId === order.vendorId) return;
      throw forbidden('NOT_ORDER_VENDOR', "only the order's vendor acts on it", { orderId: order.orderId });
    case 'ReceiveOrder':
    case 'CancelOrder':
      if (isOrderBuyer(command.by, order)) return;
      throw forbidden('OUT_OF_SCOPE', 'only the buying OPD (or an admin) acts on this order', { orderId: order.orderId });
    case 'CancelOrderOfSuspendedVendor':
      if (command.by.role === 'system') return;
      throw forbidden('OUT_OF_SCOPE', 'only the vendor-suspension process cancels for a suspension', { orderId: order.orderId });
    case 'RecordAuthorisationApproved':
    case 'RecordAuthorisationDeclined':
    case 'RecordPayment':
    case 'ExpireOrderHold':
    case 'RecordPaymentFailure':
      return;
    default:
      return assertNever(command, 'order command');
  }
}

function isOrderBuyer(by: Actor, order: PlacedOrder): boolean {
  return by.role === 'admin' || (by.role === 'buyer' && by.opdCode === order.buyer.opdCode);
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
