import type { OrderEvent, PaymentFailure } from './order.events.js';

export type OrderDetails = Omit<Extract<OrderEvent, { type: 'OrderPlaced' }>['data'], 'policyRevision'> & {
  readonly placedPolicyRevision: number;
  /** The last payment step that was refused, until the order is paid. Changes no other rule. */
  readonly paymentFailure?: PaymentFailure;
};

export interface OrderHold {
  readonly amountRupiah: number;
  readonly expiresAt: string;
}

export interface Bast {
  readonly bastNumber: string;
  readonly bastDate: string;
}

/** Keyed on status: a paid order without a receipt, or a shipped one without a hold, cannot be written down. */
export type OrderState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'placed' } & OrderDetails)
  | ({ readonly status: 'authorised' | 'accepted' | 'shipped'; readonly hold: OrderHold } & OrderDetails)
  | ({ readonly status: 'received'; readonly hold: OrderHold; readonly bast: Bast } & OrderDetails)
  | ({ readonly status: 'paid'; readonly hold: OrderHold; readonly bast: Bast; readonly paidRupiah: number } & OrderDetails)
  | ({ readonly status: 'declined' | 'rejected' | 'cancelled'; readonly reason: string } & OrderDetails)
  | ({ readonly status: 'expired'; readonly hold: OrderHold } & OrderDetails);

export type PlacedOrder = Exclude<OrderState, { status: 'absent' }>;
export type OrderStatus = PlacedOrder['status'];

/** The buyer may cancel until the vendor ships. */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = ['placed', 'authorised', 'accepted'];

/**
 * A vendor's suspension cancels its orders not yet accepted; accepted and shipped orders may be
 * completed (goods delivered must be paid), and the buyer may still cancel an accepted one.
 */
export const SUSPENSION_CANCELS: readonly OrderStatus[] = ['placed', 'authorised'];
