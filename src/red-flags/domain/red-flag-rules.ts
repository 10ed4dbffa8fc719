import type { PolicyValues } from '../../policy/domain/policy.js';

/** The red-flag rules (docs/red-flags.md explains each in plain words). Codes never change meaning. */
export const RED_FLAG_RULES = [
  'split-purchase',
  'near-cap',
  'concentration',
  'price-outlier',
  'duplicate-payment',
  'new-vendor-large-order',
  'heterogeneous-supplier',
] as const;
export type RedFlagRule = (typeof RED_FLAG_RULES)[number];

/** A flag is open until an admin or auditor reviews it; a later review replaces the earlier one. */
export const RED_FLAG_STATUSES = ['open', 'dismissed', 'confirmed'] as const;
export type RedFlagStatus = (typeof RED_FLAG_STATUSES)[number];
export const REVIEW_STATUSES = ['dismissed', 'confirmed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_REASON_LENGTH_MAX = 1_000;

/** `redflag-<flagId>`: the refusal of a split purchase (when policy refuses) and every review of the flag. */
export const redFlagStreamId = (flagId: string): string => `redflag-${flagId}`;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** An order as the split-purchase and duplicate rules see it. */
export interface WindowOrder {
  readonly orderId: string;
  readonly totalRupiah: number;
  /** Placement time (ISO 8601). */
  readonly placedAt: string;
  /** Its OrderPlaced's position in $all (the event that raised a flag). */
  readonly position: number;
}

/**
 * An order's placement time in ms. Kept per order object: the red-flags projection checks each
 * placement against its pair's window (up to 200 orders, the same objects from one order to
 * the next), and parsing an ISO date is the dearest step of that check.
 */
export function placedMsOf(order: Pick<WindowOrder, 'placedAt'>): number {
  let ms = placedMsByOrder.get(order);
  if (ms === undefined) {
    ms = Date.parse(order.placedAt);
    placedMsByOrder.set(order, ms);
  }
  return ms;
}

const placedMsByOrder = new WeakMap<object, number>();

export interface SplitPurchaseFinding {
  readonly splitWindowDays: number;
  readonly maxOrderTotalRupiah: number;
  readonly windowFrom: string;
  /** The earlier orders inside the window, oldest first; the order being placed is not among them. */
  readonly earlierOrders: readonly WindowOrder[];
  /** Earlier orders plus the order being placed. */
  readonly sumRupiah: number;
}

/**
 * Split purchase: one OPD buying from one vendor, several orders each within the per-order
 * maximum inside splitWindowDays whose sum exceeds it (Perpres 16/2018 forbids splitting to stay
 * under a threshold). Any category counts: a split need not keep to one kind of goods. The same
 * function decides a refusal at placement and raises the flag in the read model.
 */
export function splitPurchaseFinding(
  earlier: readonly WindowOrder[],
  current: Pick<WindowOrder, 'orderId' | 'totalRupiah' | 'placedAt'>,
  policy: Pick<PolicyValues, 'maxOrderTotalRupiah' | 'splitWindowDays'>,
): SplitPurchaseFinding | undefined {
  const maxRupiah = policy.maxOrderTotalRupiah;
  if (current.totalRupiah > maxRupiah) return undefined;
  const atMs = Date.parse(current.placedAt);
  const fromMs = atMs - policy.splitWindowDays * DAY_MS;
  const inWindow = earlier.filter((order) => {
    if (order.orderId === current.orderId || order.totalRupiah > maxRupiah) return false;
    const placedMs = placedMsOf(order);
    return placedMs >= fromMs && placedMs <= atMs;
  });
  const sumRupiah = inWindow.reduce((sum, order) => sum + order.totalRupiah, current.totalRupiah);
  if (inWindow.length === 0 || sumRupiah <= maxRupiah) return undefined;
  // Sorted only for a finding: the projection checks every placement against its pair's whole window.
  inWindow.sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.orderId.localeCompare(b.orderId));
  return {
    splitWindowDays: policy.splitWindowDays,
    maxOrderTotalRupiah: maxRupiah,
    windowFrom: new Date(fromMs).toISOString(),
    earlierOrders: inWindow,
    sumRupiah,
  };
}

/** Earlier orders of the same total within the duplicate window (either side of the order). */
export function duplicateOrders(
  earlier: readonly WindowOrder[],
  current: Pick<WindowOrder, 'orderId' | 'totalRupiah' | 'placedAt'>,
  policy: Pick<PolicyValues, 'duplicateWindowHours'>,
): WindowOrder[] {
  const atMs = Date.parse(current.placedAt);
  const windowMs = policy.duplicateWindowHours * HOUR_MS;
  return earlier.filter(
    (order) => order.orderId !== current.orderId && order.totalRupiah === current.totalRupiah && Math.abs(placedMsOf(order) - atMs) <= windowMs,
  );
}

/** The smallest total that counts as "just under the cap" (at or above nearCapPercent of the maximum). */
export function nearCapFloorRupiah(policy: Pick<PolicyValues, 'maxOrderTotalRupiah' | 'nearCapPercent'>): number {
  return Math.ceil((policy.maxOrderTotalRupiah * policy.nearCapPercent) / 100);
}

export interface Fence {
  readonly q1: number;
  readonly q3: number;
  readonly iqr: number;
  /** Q3 + 1.5 IQR: a price above it is an outlier (Tukey's fence). */
  readonly upperFence: number;
}

/** Quartiles by linear interpolation between order statistics (the common "type 7" definition). */
export function tukeyFence(prices: readonly number[]): Fence {
  // A typed array sorts numbers numerically without a comparator call per comparison.
  const sorted = Float64Array.from(prices).sort();
  const quantile = (q: number): number => {
    const index = (sorted.length - 1) * q;
    const low = Math.floor(index);
    const high = Math.ceil(index);
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
  };
  const q1 = quantile(0.25);
  const q3 = quantile(0.75);
  const iqr = q3 - q1;
  return { q1, q3, iqr, upperFence: q3 + 1.5 * iqr };
}

/** The vendor scales the heterogeneous-supplier rule watches: a micro or small business rarely sells everything. */
export const SMALL_VENDOR_SCALES: readonly string[] = ['mikro', 'kecil'];
