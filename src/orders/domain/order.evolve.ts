import { assertNever } from '../../kernel/assert.js';
import type { OrderEvent } from './order.events.js';
import type { OrderDetails, OrderState, PlacedOrder } from './order.state.js';

/** Folds one order event; events are facts, so evolve never refuses. */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { policyRevision, ...details } = event.data;
    return { status: 'placed', ...details, placedPolicyRevision: policyRevision };
  }
  if (state.status === 'absent') return state;
  const details = detailsOf(state);
  const hold = 'hold' in state ? state.hold : undefined;
  switch (event.type) {
    case 'OrderAuthorised':
      return { status: 'authorised', ...details, hold: { amountRupiah: event.data.amountRupiah, expiresAt: event.data.holdExpiresAt } };
    case 'OrderDeclined':
      return { status: 'declined', ...details, reason: event.data.reason };
    case 'OrderAccepted':
      return hold ? { status: 'accepted', ...details, hold } : state;
    case 'OrderShipped':
      return hold ? { status: 'shipped', ...details, hold } : state;
    case 'OrderReceived':
      return hold ? { status: 'received', ...details, hold, bast: { bastNumber: event.data.bastNumber, bastDate: event.data.bastDate } } : state;
    case 'OrderPaid': {
      if (state.status !== 'received') return state;
      const { paymentFailure: _settled, ...paid } = state;
      return { ...paid, status: 'paid', paidRupiah: event.data.amountRupiah };
    }
    case 'OrderRejected':
      return { status: 'rejected', ...details, reason: event.data.reason };
    case 'OrderCancelled':
      return { status: 'cancelled', ...details, reason: event.data.reason };
    case 'OrderHoldExpired':
      return hold ? { status: 'expired', ...details, hold } : state;
    case 'OrderPaymentFailed': {
      const { orderId: _orderId, cardId: _cardId, ...failure } = event.data;
      return { ...state, paymentFailure: failure };
    }
    default:
      return assertNever(event, 'order event');
  }
}

export function detailsOf(order: PlacedOrder): OrderDetails {
  const {
    orderId,
    buyer,
    vendorId,
    vendorScale,
    cardId,
    lines,
    shippingRupiah,
    totalRupiah,
    domesticUmkPurchase,
    placedPolicyRevision,
    placedAt,
    paymentFailure,
  } = order;
  return {
    orderId,
    buyer,
    vendorId,
    vendorScale,
    cardId,
    lines,
    shippingRupiah,
    totalRupiah,
    domesticUmkPurchase,
    placedPolicyRevision,
    ...(placedAt !== undefined ? { placedAt } : {}),
    ...(paymentFailure !== undefined ? { paymentFailure } : {}),
  };
}
