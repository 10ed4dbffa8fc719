import { assert, assertNever } from '../../src/kernel/assert.js';
import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import type { VendorEvent } from '../../src/vendors/domain/vendor.events.js';
import { Projection, ProjectedEvent, RowChange, bit, eventOf, monthOf } from '../projection.js';

/**
 * Spending: what was paid (captured on the KKP and recorded on the order), by month, buyer OPD,
 * the buyer's kabupaten/kota, vendor, category, vendor scale and vendor locality, in one cube
 * the query API groups by any of those. An order's amount is split over its lines' categories
 * (shipping goes with its first line). Vendor locality is as of the payment.
 */
export const SPENDING_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS spending_cube (
  month                     TEXT NOT NULL,
  opd_code                  TEXT NOT NULL,
  buyer_kabupaten_kota_code TEXT NOT NULL,
  vendor_id                 TEXT NOT NULL,
  vendor_scale              TEXT NOT NULL,
  vendor_is_local           INTEGER NOT NULL,
  category                  TEXT NOT NULL,
  amount_rupiah             INTEGER NOT NULL,
  order_count               INTEGER NOT NULL,
  PRIMARY KEY (month, opd_code, vendor_id, category, buyer_kabupaten_kota_code, vendor_scale, vendor_is_local)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spending_orders (
  order_id                  TEXT PRIMARY KEY,
  opd_code                  TEXT NOT NULL,
  buyer_kabupaten_kota_code TEXT NOT NULL,
  vendor_id                 TEXT NOT NULL,
  vendor_scale              TEXT NOT NULL,
  total_rupiah              INTEGER NOT NULL,
  category_amounts          TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spending_opds (
  opd_code            TEXT PRIMARY KEY,
  opd_name            TEXT NOT NULL,
  kabupaten_kota_code TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spending_vendors (
  vendor_id           TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  scale               TEXT NOT NULL,
  is_local            INTEGER NOT NULL,
  kabupaten_kota_code TEXT NOT NULL
) WITHOUT ROWID;
`;

const CUBE = 'spending_cube';
const ORDERS = 'spending_orders';
const OPDS = 'spending_opds';
const VENDORS = 'spending_vendors';

type SpendingEvent = Extract<OrderEvent, { type: 'OrderPlaced' | 'OrderPaid' }> | Extract<VendorEvent, { type: 'VendorRegistered' | 'VendorProfileUpdated' }>;

export const spendingProjection: Projection = {
  name: 'spending',
  version: 1,
  description: 'Spending paid by month, OPD, kabupaten/kota, vendor, category, vendor scale and locality',
  eventTypes: ['OrderPlaced', 'OrderPaid', 'VendorRegistered', 'VendorProfileUpdated'],
  tables: [
    { name: CUBE, primaryKey: ['month', 'opd_code', 'vendor_id', 'category', 'buyer_kabupaten_kota_code', 'vendor_scale', 'vendor_is_local'] },
    { name: ORDERS, primaryKey: ['order_id'] },
    { name: OPDS, primaryKey: ['opd_code'] },
    { name: VENDORS, primaryKey: ['vendor_id'] },
  ],
  schemaSql: SPENDING_SCHEMA_SQL,
  project: (recorded, lookup) => {
    const event = eventOf<SpendingEvent>(recorded);
    switch (event.type) {
      case 'VendorRegistered':
        return [
          {
            op: 'upsert',
            table: VENDORS,
            key: { vendor_id: event.data.vendorId },
            values: { name: event.data.name, scale: event.data.scale, is_local: bit(event.data.isLocal), kabupaten_kota_code: event.data.kabupatenKotaCode },
          },
        ];
      case 'VendorProfileUpdated':
        return [
          {
            op: 'update',
            table: VENDORS,
            key: { vendor_id: event.data.vendorId },
            set: { name: event.data.name, is_local: bit(event.data.isLocal), kabupaten_kota_code: event.data.kabupatenKotaCode },
          },
        ];
      case 'OrderPlaced': {
        const { buyer, lines, shippingRupiah } = event.data;
        const amounts: Record<string, number> = {};
        lines.forEach((line, index) => {
          amounts[line.category] = (amounts[line.category] ?? 0) + line.lineTotalRupiah + (index === 0 ? shippingRupiah : 0);
        });
        return [
          { op: 'upsert', table: OPDS, key: { opd_code: buyer.opdCode }, values: { opd_name: buyer.opdName, kabupaten_kota_code: buyer.kabupatenKotaCode } },
          {
            op: 'insert',
            table: ORDERS,
            values: {
              order_id: event.data.orderId,
              opd_code: buyer.opdCode,
              buyer_kabupaten_kota_code: buyer.kabupatenKotaCode,
              vendor_id: event.data.vendorId,
              vendor_scale: event.data.vendorScale,
              total_rupiah: event.data.totalRupiah,
              category_amounts: JSON.stringify(Object.entries(amounts)),
            },
          },
        ];
      }
      case 'OrderPaid':
        return paid(event, lookup.get(ORDERS, { order_id: event.data.orderId }), (vendorId) => lookup.get(VENDORS, { vendor_id: vendorId })?.is_local === 1);
      default:
        return assertNever(event, 'spending event');
    }
  },
};

function paid(
  event: ProjectedEvent & Extract<OrderEvent, { type: 'OrderPaid' }>,
  order: Readonly<Record<string, unknown>> | undefined,
  isLocal: (vendorId: string) => boolean,
): RowChange[] {
  assert(order, `order ${event.data.orderId} was paid but never placed`);
  const vendorId = String(order.vendor_id);
  const split = splitByCategory(JSON.parse(String(order.category_amounts)) as [string, number][], Number(order.total_rupiah), event.data.amountRupiah);
  return split.map(([category, amountRupiah], index) => ({
    op: 'increment',
    table: CUBE,
    key: {
      month: monthOf(event.metadata.occurredAt),
      opd_code: String(order.opd_code),
      vendor_id: vendorId,
      category,
      buyer_kabupaten_kota_code: String(order.buyer_kabupaten_kota_code),
      vendor_scale: String(order.vendor_scale),
      vendor_is_local: bit(isLocal(vendorId)),
    },
    // An order counts once: with its first category.
    add: { amount_rupiah: amountRupiah, order_count: index === 0 ? 1 : 0 },
  }));
}

/**
 * The paid amount over the order's categories in proportion to their amounts; whole rupiah, the
 * rounding remainder to the first category, so the parts always sum to what was paid.
 */
export function splitByCategory(amounts: readonly [string, number][], totalRupiah: number, paidRupiah: number): [string, number][] {
  assert(amounts.length > 0, 'an order has at least one category');
  if (paidRupiah === totalRupiah || totalRupiah === 0) {
    return totalRupiah === 0 ? [[amounts[0]![0], paidRupiah]] : amounts.map(([category, amount]) => [category, amount]);
  }
  // BigInt: paid x amount may pass 2^53 for large policy caps.
  const parts = amounts.map(([category, amount]): [string, number] => [category, Number((BigInt(paidRupiah) * BigInt(amount)) / BigInt(totalRupiah))]);
  const remainder = paidRupiah - parts.reduce((sum, [, amount]) => sum + amount, 0);
  parts[0] = [parts[0]![0], parts[0]![1] + remainder];
  return parts;
}
