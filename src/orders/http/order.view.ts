import type { Actor } from '../../kernel/actor.js';
import { DomainError, notFound } from '../../kernel/errors.js';
import { mayReadOrder } from '../domain/order.decider.js';
import type { PlacedOrder } from '../domain/order.state.js';

/** A missing order, and one the caller may not see: the same 404, so it learns nothing of it. */
export function orderNotFound(orderId: string): DomainError {
  return notFound('ORDER_NOT_FOUND', `no order ${orderId}`);
}

/** Admins and auditors see every order; a buyer its OPD's, a vendor its own; to anyone else it does not exist. */
export function assertMayReadOrder(actor: Actor, order: PlacedOrder): void {
  if (!mayReadOrder(actor, order)) throw orderNotFound(order.orderId);
}

export function orderView(order: PlacedOrder, revision: bigint): Record<string, unknown> {
  return { ...order, revision: revision.toString() };
}
