import type { Actor } from '../../kernel/actor.js';
import { DomainError, notFound } from '../../kernel/errors.js';
import { mayReadOrder } from '../domain/order.decider.js';
import type { SchemaObject } from '@nestjs/swagger';
import { REVISION_SCHEMA, objectSchema } from '../../http/openapi/api-responses.js';
import { CATEGORIES } from '../../catalog/domain/categories.js';
import {
  PAYMENT_FAILURE_CODE_PATTERN,
  PAYMENT_FAILURE_REASON_LENGTH_MAX,
  PAYMENT_STEPS,
  type OrderBuyer,
  type OrderLine,
  type PaymentFailure,
} from '../domain/order.events.js';
import type { Bast, OrderHold, PlacedOrder } from '../domain/order.state.js';

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

const ORDER_LINE_SCHEMA = objectSchema<OrderLine>({
  listingId: { type: 'string', format: 'uuid' },
  listingRevision: { type: 'integer', minimum: 0, description: 'the listing revision the unit price was read at' },
  title: { type: 'string' },
  category: { type: 'string', enum: Object.keys(CATEGORIES) },
  unit: { type: 'string' },
  quantity: { type: 'integer', minimum: 1 },
  unitPriceRupiah: { type: 'integer', minimum: 0 },
  lineTotalRupiah: { type: 'integer', minimum: 0 },
  isDomesticProduct: { type: 'boolean' },
});

const PAYMENT_FAILURE_SCHEMA = objectSchema<PaymentFailure>(
  {
    step: { type: 'string', enum: [...PAYMENT_STEPS] },
    code: { type: 'string', pattern: PAYMENT_FAILURE_CODE_PATTERN.source },
    reason: { type: 'string', maxLength: PAYMENT_FAILURE_REASON_LENGTH_MAX },
    policyRevision: { type: 'integer', minimum: 0 },
  },
  { optional: ['policyRevision'], description: 'the last payment step that was refused, until the order is paid' },
);

/** The OpenAPI schema of orderView's answer: the order's state, by status. */
export const ORDER_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'orderId',
    'status',
    'buyer',
    'vendorId',
    'vendorScale',
    'cardId',
    'lines',
    'shippingRupiah',
    'totalRupiah',
    'domesticUmkPurchase',
    'placedPolicyRevision',
    'revision',
  ],
  properties: {
    orderId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['placed', 'authorised', 'declined', 'accepted', 'rejected', 'shipped', 'received', 'paid', 'cancelled', 'expired'] },
    buyer: objectSchema<OrderBuyer>({
      opdCode: { type: 'string' },
      opdName: { type: 'string' },
      kabupatenKotaCode: { type: 'string' },
      officialName: { type: 'string' },
    }),
    vendorId: { type: 'string', format: 'uuid' },
    vendorScale: { type: 'string' },
    cardId: { type: 'string', format: 'uuid' },
    lines: { type: 'array', minItems: 1, items: ORDER_LINE_SCHEMA },
    shippingRupiah: { type: 'integer', minimum: 0 },
    totalRupiah: { type: 'integer', minimum: 0 },
    domesticUmkPurchase: { type: 'boolean' },
    placedPolicyRevision: { type: 'integer' },
    placedAt: { type: 'string' },
    hold: objectSchema<OrderHold>({ amountRupiah: { type: 'integer', minimum: 0 }, expiresAt: { type: 'string', format: 'date-time' } }),
    bast: objectSchema<Bast>({ bastNumber: { type: 'string' }, bastDate: { type: 'string', format: 'date' } }),
    paidRupiah: { type: 'integer' },
    reason: { type: 'string' },
    paymentFailure: PAYMENT_FAILURE_SCHEMA,
    revision: REVISION_SCHEMA,
  },
};
