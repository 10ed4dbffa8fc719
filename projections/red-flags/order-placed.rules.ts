import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import {
  DAY_MS,
  HOUR_MS,
  SMALL_VENDOR_SCALES,
  WindowOrder,
  duplicateOrders,
  nearCapFloorRupiah,
  placedMsOf,
  splitPurchaseFinding,
  tukeyFence,
} from '../../src/red-flags/domain/red-flag-rules.js';
import { redFlagId } from '../../src/red-flags/red-flag-id.js';
import type { ProjectedEvent, ProjectionLookup, Row, RowChange } from '../projection.js';
import { EventRef, Flag, flagRow } from './flag-row.js';
import { ORDERS, PAIR_WINDOWS, PAIR_WINDOW_ORDERS_MAX, PRICES, VENDORS, policyOf } from './red-flags.tables.js';

type OrderPlaced = ProjectedEvent & Extract<OrderEvent, { type: 'OrderPlaced' }>;

/**
 * The rules checked when an order is placed: split purchase, duplicate payment, near cap, new
 * vendor with a large order, heterogeneous supplier and price outlier; then the order joins its
 * pair's window, its prices the category's reference and its categories the vendor's.
 */
export function placed(event: OrderPlaced, lookup: ProjectionLookup): RowChange[] {
  const data = event.data;
  const placedAt = data.placedAt ?? event.metadata.occurredAt;
  const policy = policyOf(data.policyRevision, lookup);
  const opdCode = data.buyer.opdCode;
  const vendorId = data.vendorId;
  const current: WindowOrder = { orderId: data.orderId, totalRupiah: data.totalRupiah, placedAt, position: event.position };
  const pairKey = { opd_code: opdCode, vendor_id: vendorId };
  const pairRow = lookup.get(PAIR_WINDOWS, pairKey);
  const earlier = pairRow ? parsedWindow(opdCode, vendorId, String(pairRow.orders)) : [];
  const base = { opdCode, vendorId, policyRevision: policy.revision, raisedAt: placedAt, raisedPosition: event.position };
  const ownEvent: EventRef = { type: 'OrderPlaced', streamId: event.streamId, position: event.position };
  const flags: Flag[] = [];

  const split = splitPurchaseFinding(earlier, current, policy);
  if (split) {
    const orders = [...split.earlierOrders, current];
    flags.push({
      ...base,
      flagId: redFlagId('split-purchase', data.orderId),
      rule: 'split-purchase',
      amountRupiah: split.sumRupiah,
      summary: `${orders.length} orders from one OPD to one vendor within ${split.splitWindowDays} days sum to Rp ${split.sumRupiah}, over the per-order maximum of Rp ${split.maxOrderTotalRupiah}`,
      orderIds: orders.map((order) => order.orderId),
      events: orders.map((order) => ({ type: 'OrderPlaced', streamId: `order-${order.orderId}`, position: order.position })),
      parameters: {
        maxOrderTotalRupiah: split.maxOrderTotalRupiah,
        splitWindowDays: split.splitWindowDays,
        splitPurchaseAction: policy.splitPurchaseAction,
        windowFrom: split.windowFrom,
      },
    });
  }
  for (const duplicate of duplicateOrders(earlier, current, policy)) {
    flags.push({
      ...base,
      flagId: redFlagId('duplicate-payment', duplicate.orderId, data.orderId),
      rule: 'duplicate-payment',
      amountRupiah: data.totalRupiah,
      summary: `two orders of the same total, Rp ${data.totalRupiah}, from one OPD to one vendor within ${policy.duplicateWindowHours} hours`,
      orderIds: [duplicate.orderId, data.orderId],
      events: [{ type: 'OrderPlaced', streamId: `order-${duplicate.orderId}`, position: duplicate.position }, ownEvent],
      parameters: { duplicateWindowHours: policy.duplicateWindowHours },
    });
  }
  const floorRupiah = nearCapFloorRupiah(policy);
  if (data.totalRupiah >= floorRupiah && data.totalRupiah <= policy.maxOrderTotalRupiah) {
    flags.push({
      ...base,
      flagId: redFlagId('near-cap', data.orderId),
      rule: 'near-cap',
      amountRupiah: data.totalRupiah,
      summary: `an order of Rp ${data.totalRupiah}, at least ${policy.nearCapPercent}% of the per-order maximum of Rp ${policy.maxOrderTotalRupiah}`,
      orderIds: [data.orderId],
      events: [ownEvent],
      parameters: { maxOrderTotalRupiah: policy.maxOrderTotalRupiah, nearCapPercent: policy.nearCapPercent, floorRupiah },
    });
  }

  const vendorRow = lookup.get(VENDORS, { vendor_id: vendorId });
  const verifiedAt = vendorRow?.verified_at ? String(vendorRow.verified_at) : undefined;
  if (verifiedAt !== undefined && data.totalRupiah >= policy.newVendorLargeOrderRupiah) {
    const ageMs = Date.parse(placedAt) - Date.parse(verifiedAt);
    if (ageMs >= 0 && ageMs <= policy.newVendorDays * DAY_MS) {
      flags.push({
        ...base,
        flagId: redFlagId('new-vendor-large-order', data.orderId),
        rule: 'new-vendor-large-order',
        amountRupiah: data.totalRupiah,
        summary: `an order of Rp ${data.totalRupiah} ${Math.floor(ageMs / DAY_MS)} days after the vendor was verified (a heuristic: new vendors also win large orders honestly)`,
        orderIds: [data.orderId],
        events: [ownEvent],
        parameters: { newVendorDays: policy.newVendorDays, newVendorLargeOrderRupiah: policy.newVendorLargeOrderRupiah, verifiedAt },
      });
    }
  }

  const soldBefore = vendorRow ? (JSON.parse(String(vendorRow.categories)) as string[]) : [];
  const sold = [...new Set([...soldBefore, ...data.lines.map((line) => line.category)])].sort();
  const alreadyFlagged = vendorRow ? Number(vendorRow.flagged) === 1 : false;
  const heterogeneous = !alreadyFlagged && SMALL_VENDOR_SCALES.includes(data.vendorScale) && sold.length >= policy.heterogeneousCategoriesMin;
  if (heterogeneous) {
    flags.push({
      ...base,
      flagId: redFlagId('heterogeneous-supplier', vendorId),
      rule: 'heterogeneous-supplier',
      amountRupiah: data.totalRupiah,
      summary: `a ${data.vendorScale} vendor has sold in ${sold.length} categories (${sold.join(', ')})`,
      orderIds: [data.orderId],
      events: [ownEvent],
      parameters: { heterogeneousCategoriesMin: policy.heterogeneousCategoriesMin, vendorScale: data.vendorScale, categories: sold },
    });
  }

  // The reference is the category's prices before this order: an order's own lines do not vouch for each other.
  const pricesBefore = new Map<string, number[]>();
  data.lines.forEach((line, index) => {
    if (!pricesBefore.has(line.category)) pricesBefore.set(line.category, parsePrices(lookup.get(PRICES, { category: line.category })));
    const reference = pricesBefore.get(line.category)!;
    if (reference.length < policy.priceOutlierMinSamples) return;
    const fence = tukeyFence(reference);
    if (line.unitPriceRupiah <= fence.upperFence) return;
    flags.push({
      ...base,
      flagId: redFlagId('price-outlier', data.orderId, String(index + 1)),
      rule: 'price-outlier',
      amountRupiah: line.unitPriceRupiah,
      summary: `a unit price of Rp ${line.unitPriceRupiah} in ${line.category}, above Q3 + 1.5 IQR (Rp ${Math.round(fence.upperFence)}) of the category's last ${reference.length} prices`,
      orderIds: [data.orderId],
      events: [ownEvent],
      parameters: {
        category: line.category,
        lineNo: index + 1,
        listingId: line.listingId,
        samples: reference.length,
        q1Rupiah: fence.q1,
        q3Rupiah: fence.q3,
        upperFenceRupiah: fence.upperFence,
        priceOutlierSampleSize: policy.priceOutlierSampleSize,
        priceOutlierMinSamples: policy.priceOutlierMinSamples,
      },
    });
  });
  const priceChanges: RowChange[] = [...pricesBefore].map(([category, before]) => {
    const added = data.lines.filter((line) => line.category === category).map((line) => line.unitPriceRupiah);
    return { op: 'upsert', table: PRICES, key: { category }, values: { prices: JSON.stringify([...before, ...added].slice(-policy.priceOutlierSampleSize)) } };
  });

  const keepFromMs = Date.parse(placedAt) - Math.max(policy.splitWindowDays * DAY_MS, policy.duplicateWindowHours * HOUR_MS);
  const window = [...earlier.filter((order) => placedMsOf(order) >= keepFromMs), current].slice(-PAIR_WINDOW_ORDERS_MAX);
  const windowJson = JSON.stringify(window);
  rememberWindow(opdCode, vendorId, windowJson, window);
  return [
    ...flags.map(flagRow),
    { op: 'upsert', table: PAIR_WINDOWS, key: pairKey, values: { orders: windowJson } },
    {
      op: 'insert',
      table: ORDERS,
      values: {
        order_id: data.orderId,
        opd_code: opdCode,
        vendor_id: vendorId,
        total_rupiah: data.totalRupiah,
        placed_at: placedAt,
        placed_position: event.position,
        state: 'open',
      },
    },
    {
      op: 'upsert',
      table: VENDORS,
      key: { vendor_id: vendorId },
      values: { verified_at: verifiedAt ?? null, categories: JSON.stringify(sold), flagged: alreadyFlagged || heterogeneous ? 1 : 0 },
    },
    ...priceChanges,
  ];
}

/** Pairs whose last window is kept parsed: a busy pair's row (up to PAIR_WINDOW_ORDERS_MAX orders) is read back at its next order. */
const PARSED_WINDOWS_MAX = 64;
const parsedWindows = new Map<string, { readonly json: string; readonly orders: readonly WindowOrder[] }>();

/**
 * A pair's window as JSON.parse gives it, from the copy parsed for the same text when there is
 * one (the rules only read it; a memo of a pure function, so replays are unchanged).
 */
function parsedWindow(opdCode: string, vendorId: string, json: string): readonly WindowOrder[] {
  const known = parsedWindows.get(pairMemoKey(opdCode, vendorId));
  if (known !== undefined && known.json === json) return known.orders;
  return rememberWindow(opdCode, vendorId, json, JSON.parse(json) as WindowOrder[]);
}

/** Keeps a pair's window with its JSON text (the row written, or read), the least recently kept pair going first. */
function rememberWindow(opdCode: string, vendorId: string, json: string, orders: WindowOrder[]): readonly WindowOrder[] {
  const key = pairMemoKey(opdCode, vendorId);
  const frozen = Object.freeze(orders);
  parsedWindows.delete(key);
  parsedWindows.set(key, { json, orders: frozen });
  if (parsedWindows.size > PARSED_WINDOWS_MAX) parsedWindows.delete(parsedWindows.keys().next().value!);
  return frozen;
}

function pairMemoKey(opdCode: string, vendorId: string): string {
  return `${opdCode}\u0000${vendorId}`;
}

function parsePrices(row: Row | undefined): number[] {
  return row ? (JSON.parse(String(row.prices)) as number[]) : [];
}

/** An order declined, rejected, cancelled or expired unpaid leaves its pair's window: a re-placed order is not a split. */
export function closedUnpaid(orderId: string, lookup: ProjectionLookup): RowChange[] {
  const order = lookup.get(ORDERS, { order_id: orderId });
  if (!order) return [];
  const pairKey = { opd_code: String(order.opd_code), vendor_id: String(order.vendor_id) };
  const pairRow = lookup.get(PAIR_WINDOWS, pairKey);
  const window = pairRow ? (JSON.parse(String(pairRow.orders)) as WindowOrder[]) : [];
  return [
    { op: 'update', table: ORDERS, key: { order_id: orderId }, set: { state: 'closed' } },
    { op: 'update', table: PAIR_WINDOWS, key: pairKey, set: { orders: JSON.stringify(window.filter((entry) => entry.orderId !== orderId)) } },
  ];
}
