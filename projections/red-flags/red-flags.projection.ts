import { assertNever } from '../../src/kernel/assert.js';
import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import { PolicyEvent, withPolicyDefaults } from '../../src/policy/domain/policy.js';
import type { RedFlagEvent } from '../../src/red-flags/domain/red-flag.events.js';
import type { VendorEvent } from '../../src/vendors/domain/vendor.events.js';
import { Projection, ProjectedEvent, RowChange, eventOf } from '../projection.js';
import { paid } from './concentration.rule.js';
import { flagRow } from './flag-row.js';
import { closedUnpaid, placed } from './order-placed.rules.js';
import { OPD_VENDOR_YEARS, OPD_YEARS, ORDERS, PAIR_WINDOWS, POLICIES, PRICES, RED_FLAGS, RED_FLAGS_SCHEMA_SQL, VENDORS } from './red-flags.tables.js';

/**
 * Red flags: one row per finding of a rule (docs/red-flags.md), naming the rule, the policy
 * parameters it applied (with their revision), the orders and events that raised it, and its
 * review. Windows use the order's placement time, never the clock. Pure: the same rows live,
 * in a rebuild and in an auditor's replay.
 */
type ClosingOrderEvent = Extract<OrderEvent, { type: 'OrderDeclined' | 'OrderRejected' | 'OrderCancelled' | 'OrderHoldExpired' }>;
type RedFlagsEvent =
  | PolicyEvent
  | Extract<VendorEvent, { type: 'VendorVerified' }>
  | Extract<OrderEvent, { type: 'OrderPlaced' | 'OrderPaid' }>
  | ClosingOrderEvent
  | RedFlagEvent;

export const redFlagsProjection: Projection = {
  name: 'red-flags',
  version: 1,
  description:
    'Red flags: split purchases, orders just under the cap, concentration, price outliers, duplicates, new vendors with large orders, heterogeneous suppliers',
  eventTypes: [
    'PolicySet',
    'VendorVerified',
    'OrderPlaced',
    'OrderPaid',
    'OrderDeclined',
    'OrderRejected',
    'OrderCancelled',
    'OrderHoldExpired',
    'SplitPurchaseRefused',
    'RedFlagReviewed',
  ],
  tables: [
    { name: RED_FLAGS, primaryKey: ['flag_id'] },
    { name: POLICIES, primaryKey: ['revision'] },
    { name: ORDERS, primaryKey: ['order_id'] },
    { name: PAIR_WINDOWS, primaryKey: ['opd_code', 'vendor_id'] },
    { name: PRICES, primaryKey: ['category'] },
    { name: VENDORS, primaryKey: ['vendor_id'] },
    { name: OPD_YEARS, primaryKey: ['opd_code', 'year'] },
    { name: OPD_VENDOR_YEARS, primaryKey: ['opd_code', 'year', 'vendor_id'] },
  ],
  schemaSql: RED_FLAGS_SCHEMA_SQL,
  project: (recorded, lookup) => {
    const event = eventOf<RedFlagsEvent>(recorded);
    switch (event.type) {
      case 'PolicySet':
        return [
          { op: 'upsert', table: POLICIES, key: { revision: event.data.revision }, values: { parameters: JSON.stringify(withPolicyDefaults(event.data)) } },
        ];
      case 'VendorVerified': {
        const known = lookup.get(VENDORS, { vendor_id: event.data.vendorId });
        // The first verification starts the "new vendor" period; a reinstatement does not restart it.
        if (known?.verified_at) return [];
        return [
          {
            op: 'upsert',
            table: VENDORS,
            key: { vendor_id: event.data.vendorId },
            values: { verified_at: event.metadata.occurredAt, categories: known ? String(known.categories) : '[]', flagged: known ? Number(known.flagged) : 0 },
          },
        ];
      }
      case 'OrderPlaced':
        return placed(event, lookup);
      case 'OrderPaid':
        return paid(event, lookup);
      case 'OrderDeclined':
      case 'OrderRejected':
      case 'OrderCancelled':
      case 'OrderHoldExpired':
        return closedUnpaid(event.data.orderId, lookup);
      case 'SplitPurchaseRefused':
        return [refusedFlag(event)];
      case 'RedFlagReviewed':
        return [
          {
            op: 'update',
            table: RED_FLAGS,
            key: { flag_id: event.data.flagId },
            set: {
              status: event.data.status,
              review_reason: event.data.reason,
              reviewed_by: event.metadata.actor.id,
              reviewed_role: event.metadata.actor.role,
              reviewed_at: event.metadata.occurredAt,
              review_position: event.position,
            },
            add: { review_count: 1 },
          },
        ];
      default:
        return assertNever(event, 'red-flags event');
    }
  },
};

function refusedFlag(event: ProjectedEvent & Extract<RedFlagEvent, { type: 'SplitPurchaseRefused' }>): RowChange {
  const data = event.data;
  return flagRow({
    flagId: data.flagId,
    rule: 'split-purchase',
    outcome: 'refused',
    opdCode: data.opdCode,
    vendorId: data.vendorId,
    amountRupiah: data.sumRupiah,
    summary: `an order of Rp ${data.totalRupiah} was refused: with ${data.earlierOrders.length} earlier orders from the OPD to the vendor within ${data.splitWindowDays} days it would sum to Rp ${data.sumRupiah}, over the per-order maximum of Rp ${data.maxOrderTotalRupiah}`,
    orderIds: [...data.earlierOrders.map((order) => order.orderId), data.orderId],
    events: [{ type: event.type, streamId: event.streamId, position: event.position }],
    parameters: { maxOrderTotalRupiah: data.maxOrderTotalRupiah, splitWindowDays: data.splitWindowDays, splitPurchaseAction: 'refuse' },
    policyRevision: data.policyRevision,
    raisedAt: data.attemptedAt,
    raisedPosition: event.position,
  });
}
