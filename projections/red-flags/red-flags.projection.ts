import { assertNever } from '../../src/kernel/assert.js';
import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import { DEFAULT_POLICY, PolicyEvent, PolicyVersion, withPolicyDefaults } from '../../src/policy/domain/policy.js';
import {
  DAY_MS,
  HOUR_MS,
  RedFlagRule,
  SMALL_VENDOR_SCALES,
  WindowOrder,
  duplicateOrders,
  nearCapFloorRupiah,
  splitPurchaseFinding,
  tukeyFence,
} from '../../src/red-flags/domain/red-flag-rules.js';
import type { RedFlagEvent } from '../../src/red-flags/domain/red-flag.events.js';
import { redFlagId } from '../../src/red-flags/red-flag-id.js';
import type { VendorEvent } from '../../src/vendors/domain/vendor.events.js';
import { Projection, ProjectedEvent, ProjectionLookup, Row, RowChange, eventOf } from '../projection.js';

/**
 * Red flags: one row per finding of a rule (docs/red-flags.md), naming the rule, the policy
 * parameters it applied (with their revision), the orders and events that raised it, and its
 * review. The other tables are the projection's own memory, each read by key: the policy
 * versions, each order's buyer and vendor, the recent orders of each OPD and vendor pair, the
 * recent unit prices of each category, each vendor's verification time and categories sold,
 * and each OPD's yearly spending. Windows use the order's placement time, never the clock.
 */
export const RED_FLAGS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS red_flags (
  flag_id          TEXT PRIMARY KEY,
  rule             TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  status           TEXT NOT NULL,
  opd_code         TEXT NOT NULL,
  vendor_id        TEXT NOT NULL,
  amount_rupiah    INTEGER NOT NULL,
  summary          TEXT NOT NULL,
  order_ids        TEXT NOT NULL,
  events           TEXT NOT NULL,
  parameters       TEXT NOT NULL,
  policy_revision  INTEGER NOT NULL,
  raised_at        TEXT NOT NULL,
  raised_position  INTEGER NOT NULL,
  review_reason    TEXT,
  reviewed_by      TEXT,
  reviewed_role    TEXT,
  reviewed_at      TEXT,
  review_position  INTEGER,
  review_count     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS red_flags_by_raised ON red_flags (raised_at, flag_id);
CREATE INDEX IF NOT EXISTS red_flags_by_rule ON red_flags (rule, raised_at);
CREATE INDEX IF NOT EXISTS red_flags_by_status ON red_flags (status, raised_at);
CREATE INDEX IF NOT EXISTS red_flags_by_opd ON red_flags (opd_code, raised_at);
CREATE INDEX IF NOT EXISTS red_flags_by_vendor ON red_flags (vendor_id, raised_at);
CREATE TABLE IF NOT EXISTS red_flag_policies (
  revision   INTEGER PRIMARY KEY,
  parameters TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_orders (
  order_id        TEXT PRIMARY KEY,
  opd_code        TEXT NOT NULL,
  vendor_id       TEXT NOT NULL,
  total_rupiah    INTEGER NOT NULL,
  placed_at       TEXT NOT NULL,
  placed_position INTEGER NOT NULL,
  state           TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_pair_windows (
  opd_code  TEXT NOT NULL,
  vendor_id TEXT NOT NULL,
  orders    TEXT NOT NULL,
  PRIMARY KEY (opd_code, vendor_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_category_prices (
  category TEXT PRIMARY KEY,
  prices   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_vendors (
  vendor_id   TEXT PRIMARY KEY,
  verified_at TEXT,
  categories  TEXT NOT NULL,
  flagged     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_opd_years (
  opd_code          TEXT NOT NULL,
  year              TEXT NOT NULL,
  spent_rupiah      INTEGER NOT NULL,
  top_vendor_id     TEXT NOT NULL,
  top_vendor_rupiah INTEGER NOT NULL,
  PRIMARY KEY (opd_code, year)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_opd_vendor_years (
  opd_code     TEXT NOT NULL,
  year         TEXT NOT NULL,
  vendor_id    TEXT NOT NULL,
  spent_rupiah INTEGER NOT NULL,
  flagged      INTEGER NOT NULL,
  PRIMARY KEY (opd_code, year, vendor_id)
) WITHOUT ROWID;
`;

export const RED_FLAGS = 'red_flags';
const POLICIES = 'red_flag_policies';
const ORDERS = 'red_flag_orders';
export const PAIR_WINDOWS = 'red_flag_pair_windows';
const PRICES = 'red_flag_category_prices';
const VENDORS = 'red_flag_vendors';
const OPD_YEARS = 'red_flag_opd_years';
const OPD_VENDOR_YEARS = 'red_flag_opd_vendor_years';

/** Orders kept per OPD and vendor pair (the most recent), whatever the windows: a bound on the row. */
export const PAIR_WINDOW_ORDERS_MAX = 200;

type OrderPlaced = ProjectedEvent & Extract<OrderEvent, { type: 'OrderPlaced' }>;
type ClosingOrderEvent = Extract<OrderEvent, { type: 'OrderDeclined' | 'OrderRejected' | 'OrderCancelled' | 'OrderHoldExpired' }>;
type RedFlagsEvent =
  | PolicyEvent
  | Extract<VendorEvent, { type: 'VendorVerified' }>
  | Extract<OrderEvent, { type: 'OrderPlaced' | 'OrderPaid' }>
  | ClosingOrderEvent
  | RedFlagEvent;

interface EventRef {
  readonly type: string;
  readonly streamId: string;
  readonly position: number;
}

interface Flag {
  readonly flagId: string;
  readonly rule: RedFlagRule;
  readonly opdCode: string;
  readonly vendorId: string;
  readonly amountRupiah: number;
  readonly summary: string;
  readonly orderIds: readonly string[];
  readonly events: readonly EventRef[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly policyRevision: number;
  readonly raisedAt: string;
  readonly raisedPosition: number;
  readonly outcome?: 'flagged' | 'refused';
}

export const redFlagsProjection: Projection = {
  name: 'red-flags',
  version: 1,
  description: 'Red flags: split purchases, orders just under the cap, concentration, price outliers, duplicates, new vendors with large orders, heterogeneous suppliers',
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
        return [{ op: 'upsert', table: POLICIES, key: { revision: event.data.revision }, values: { parameters: JSON.stringify(withPolicyDefaults(event.data)) } }];
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

function policyOf(revision: number, lookup: ProjectionLookup): PolicyVersion {
  const row = lookup.get(POLICIES, { revision });
  return row ? (JSON.parse(String(row.parameters)) as PolicyVersion) : DEFAULT_POLICY;
}

function placed(event: OrderPlaced, lookup: ProjectionLookup): RowChange[] {
  const data = event.data;
  const placedAt = data.placedAt ?? event.metadata.occurredAt;
  const policy = policyOf(data.policyRevision, lookup);
  const opdCode = data.buyer.opdCode;
  const vendorId = data.vendorId;
  const current: WindowOrder = { orderId: data.orderId, totalRupiah: data.totalRupiah, placedAt, position: event.position };
  const pairKey = { opd_code: opdCode, vendor_id: vendorId };
  const pairRow = lookup.get(PAIR_WINDOWS, pairKey);
  const earlier = pairRow ? (JSON.parse(String(pairRow.orders)) as WindowOrder[]) : [];
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
      parameters: { maxOrderTotalRupiah: split.maxOrderTotalRupiah, splitWindowDays: split.splitWindowDays, splitPurchaseAction: policy.splitPurchaseAction, windowFrom: split.windowFrom },
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
  const window = [...earlier.filter((order) => Date.parse(order.placedAt) >= keepFromMs), current].slice(-PAIR_WINDOW_ORDERS_MAX);
  return [
    ...flags.map(flagRow),
    { op: 'upsert', table: PAIR_WINDOWS, key: pairKey, values: { orders: JSON.stringify(window) } },
    {
      op: 'insert',
      table: ORDERS,
      values: { order_id: data.orderId, opd_code: opdCode, vendor_id: vendorId, total_rupiah: data.totalRupiah, placed_at: placedAt, placed_position: event.position, state: 'open' },
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

function parsePrices(row: Row | undefined): number[] {
  return row ? (JSON.parse(String(row.prices)) as number[]) : [];
}

/** An order declined, rejected, cancelled or expired unpaid leaves its pair's window: a re-placed order is not a split. */
function closedUnpaid(orderId: string, lookup: ProjectionLookup): RowChange[] {
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

/**
 * Concentration: the OPD's spending (paid, in the year the order was placed) and the paying
 * vendor's part of it. Checked for the paying vendor and for the OPD's top vendor (whose share
 * may pass the threshold when the OPD's total first reaches the minimum spend); each vendor is
 * flagged once per OPD and year.
 */
function paid(event: ProjectedEvent & Extract<OrderEvent, { type: 'OrderPaid' }>, lookup: ProjectionLookup): RowChange[] {
  const order = lookup.get(ORDERS, { order_id: event.data.orderId });
  if (!order) return [];
  const policy = policyOf(event.data.policyRevision, lookup);
  const opdCode = String(order.opd_code);
  const vendorId = String(order.vendor_id);
  const year = String(order.placed_at).slice(0, 4);
  const yearRow = lookup.get(OPD_YEARS, { opd_code: opdCode, year });
  const vendorRow = lookup.get(OPD_VENDOR_YEARS, { opd_code: opdCode, year, vendor_id: vendorId });
  const spentRupiah = Number(yearRow?.spent_rupiah ?? 0) + event.data.amountRupiah;
  const vendorSpentRupiah = Number(vendorRow?.spent_rupiah ?? 0) + event.data.amountRupiah;
  const previousTop = yearRow ? { vendorId: String(yearRow.top_vendor_id), rupiah: Number(yearRow.top_vendor_rupiah) } : undefined;
  const top = !previousTop || vendorSpentRupiah > previousTop.rupiah || previousTop.vendorId === vendorId ? { vendorId, rupiah: vendorSpentRupiah } : previousTop;
  const changes: RowChange[] = [
    { op: 'upsert', table: OPD_YEARS, key: { opd_code: opdCode, year }, values: { spent_rupiah: spentRupiah, top_vendor_id: top.vendorId, top_vendor_rupiah: top.rupiah } },
  ];
  const candidates = [{ vendorId, rupiah: vendorSpentRupiah, flagged: Number(vendorRow?.flagged ?? 0) === 1 }];
  if (top.vendorId !== vendorId) {
    const topRow = lookup.get(OPD_VENDOR_YEARS, { opd_code: opdCode, year, vendor_id: top.vendorId });
    candidates.push({ vendorId: top.vendorId, rupiah: top.rupiah, flagged: Number(topRow?.flagged ?? 0) === 1 });
  }
  for (const candidate of candidates) {
    const over = spentRupiah >= policy.concentrationMinSpendRupiah && candidate.rupiah * 100 > policy.concentrationSharePercent * spentRupiah;
    const raise = over && !candidate.flagged;
    const key = { opd_code: opdCode, year, vendor_id: candidate.vendorId };
    if (candidate.vendorId === vendorId) {
      changes.push({ op: 'upsert', table: OPD_VENDOR_YEARS, key, values: { spent_rupiah: vendorSpentRupiah, flagged: candidate.flagged || raise ? 1 : 0 } });
    } else if (raise) {
      changes.push({ op: 'update', table: OPD_VENDOR_YEARS, key, set: { flagged: 1 } });
    }
    if (!raise) continue;
    const sharePercent = Math.round((candidate.rupiah * 10_000) / spentRupiah) / 100;
    changes.push(
      flagRow({
        flagId: redFlagId('concentration', opdCode, year, candidate.vendorId),
        rule: 'concentration',
        opdCode,
        vendorId: candidate.vendorId,
        amountRupiah: candidate.rupiah,
        summary: `one vendor received ${sharePercent}% (Rp ${candidate.rupiah}) of the OPD's Rp ${spentRupiah} paid for orders placed in ${year}`,
        orderIds: [event.data.orderId],
        events: [{ type: 'OrderPaid', streamId: event.streamId, position: event.position }],
        parameters: { concentrationSharePercent: policy.concentrationSharePercent, concentrationMinSpendRupiah: policy.concentrationMinSpendRupiah, year, sharePercent, opdSpentRupiah: spentRupiah },
        policyRevision: policy.revision,
        raisedAt: event.metadata.occurredAt,
        raisedPosition: event.position,
      }),
    );
  }
  return [...changes, { op: 'update', table: ORDERS, key: { order_id: event.data.orderId }, set: { state: 'paid' } }];
}

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

function flagRow(flag: Flag): RowChange {
  return {
    op: 'insert',
    table: RED_FLAGS,
    values: {
      flag_id: flag.flagId,
      rule: flag.rule,
      outcome: flag.outcome ?? 'flagged',
      status: 'open',
      opd_code: flag.opdCode,
      vendor_id: flag.vendorId,
      amount_rupiah: flag.amountRupiah,
      summary: flag.summary,
      order_ids: JSON.stringify(flag.orderIds),
      events: JSON.stringify(flag.events),
      parameters: JSON.stringify(flag.parameters),
      policy_revision: flag.policyRevision,
      raised_at: flag.raisedAt,
      raised_position: flag.raisedPosition,
      review_reason: null,
      reviewed_by: null,
      reviewed_role: null,
      reviewed_at: null,
      review_position: null,
      review_count: 0,
    },
  };
}
