import type { Actor } from '../../kernel/actor.js';
import { DomainError, notFound } from '../../kernel/errors.js';
import { mayReadOrder } from '../domain/order.decider.js';
import type { PlacedOrder } from '../domain/order.state.js';
import type { SchemaObject } from '@nestjs/swagger';
import { REVISION_SCHEMA, orNull } from '../../http/openapi/api-responses.js';

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

/** The OpenAPI schema of orderView's answer: the order's state, by status. */
export const ORDER_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['orderId', 'status', 'buyer', 'vendorId', 'vendorScale', 'cardId', 'lines', 'shippingRupiah', 'totalRupiah', 'domesticUmkPurchase', 'placedPolicyRevision', 'revision'],
  properties: {
    orderId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['placed', 'authorised', 'declined', 'accepted', 'rejected', 'shipped', 'received', 'paid', 'cancelled', 'expired'] },
    buyer: { type: 'object', required: ['opdCode'] },
    vendorId: { type: 'string', format: 'uuid' },
    vendorScale: { type: 'string' },
    cardId: { type: 'string', format: 'uuid' },
    lines: { type: 'array', minItems: 1, items: { type: 'object', required: ['listingId', 'quantity'] } },
    shippingRupiah: { type: 'integer', minimum: 0 },
    totalRupiah: { type: 'integer', minimum: 0 },
    domesticUmkPurchase: { type: 'boolean' },
    placedPolicyRevision: { type: 'integer' },
    placedAt: { type: 'string' },
    hold: { type: 'object', required: ['amountRupiah', 'expiresAt'] },
    bast: { type: 'object', required: ['bastNumber', 'bastDate'] },
    paidRupiah: { type: 'integer' },
    reason: { type: 'string' },
    paymentFailure: { type: 'object' },
    revision: REVISION_SCHEMA,
  },
};
