import type { Actor } from '../../kernel/actor.js';
import { forbidden } from '../../kernel/errors.js';
import type { PlacedOrder } from '../domain/order.state.js';

/** Admins and auditors see every order; a buyer its OPD's, a vendor its own. */
export function assertMayReadOrder(actor: Actor, order: PlacedOrder): void {
  if (actor.role === 'admin' || actor.role === 'auditor') return;
  if (actor.role === 'buyer' && actor.opdCode === order.buyer.opdCode) return;
  if (actor.role === 'vendor' && actor.vendorId === order.vendorId) return;
  throw forbidden('OUT_OF_SCOPE', 'this key may not read this order', { orderId: order.orderId });
}

export function orderView(order: PlacedOrder, revision: bigint): Record<string, unknown> {
  return { ...order, revision: revision.toString() };
}
