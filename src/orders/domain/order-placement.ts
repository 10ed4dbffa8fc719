import type { Actor } from '../../kernel/actor.js';
import { assert } from '../../kernel/assert.js';
import { FieldError, forbidden, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { isRupiah } from '../../kernel/money.js';
import { requireText } from '../../kernel/text.js';
import type { VendorScale } from '../../policy/domain/policy.js';
import { splitPurchaseFinding } from '../../red-flags/domain/red-flag-rules.js';
import type { RefusedEarlierOrder } from '../../red-flags/domain/red-flag.events.js';
import { requireRegisteredOpd } from '../../opds/domain/opd.decider.js';
import type { ListingSnapshot, OrderCommand } from './order.commands.js';
import type { OrderEvent, OrderLine } from './order.events.js';

export const ORDER_LINES_MAX = 50;
export const LINE_QUANTITY_MAX = 1_000_000;
export const OFFICIAL_NAME_LENGTH_MAX = 200;
/** Micro and small businesses and koperasi: the scales the PMK 97/2021 KKP allowance is for. */
const UMK_SCALES: readonly VendorScale[] = ['mikro', 'kecil', 'koperasi'];

type PlaceOrder = Extract<OrderCommand, { type: 'PlaceOrder' }>;

/** Lines from one verified vendor's active listings, priced at the listings' current revisions. */
export function place(command: PlaceOrder): OrderEvent[] {
  assertBuyerScope(command.by, command.opdCode);
  checkRequest(command);
  const opd = requireRegisteredOpd(command.opd);
  const card = command.card;
  // A buyer may not see another OPD's card: paying with one is answered as with a missing card.
  const invisible = card.status !== 'absent' && command.by.role === 'buyer' && card.opdCode !== command.opdCode;
  if (card.status === 'absent' || invisible) throw notFound('CARD_NOT_FOUND', `no card ${card.cardId}`, { cardId: card.cardId });
  if (card.opdCode !== command.opdCode) {
    throw ruleViolation('CARD_OF_ANOTHER_OPD', "an order is paid only with a card of the buyer's own OPD", { cardId: card.cardId, opdCode: command.opdCode });
  }
  const vendor = command.vendor;
  if (vendor.status === 'absent') throw notFound('VENDOR_NOT_FOUND', `no vendor ${vendor.vendorId}`, { vendorId: vendor.vendorId });
  if (vendor.status !== 'verified' || vendor.scale === undefined) {
    throw ruleViolation('VENDOR_NOT_SELLING', `a ${vendor.status} vendor does not receive orders`, { vendorId: vendor.vendorId, vendorStatus: vendor.status });
  }
  const lines = command.lines.map((requested) => priceLine(requested.listingId, requested.quantity, command.listings, vendor.vendorId));
  const itemsRupiah = lines.reduce((sum, line) => sum + line.lineTotalRupiah, 0);
  const totalRupiah = itemsRupiah + command.shippingRupiah;
  const maxRupiah = command.policy.maxOrderTotalRupiah;
  if (!Number.isSafeInteger(totalRupiah) || totalRupiah > maxRupiah) {
    throw ruleViolation('ORDER_TOTAL_OVER_MAX', `the order total exceeds the policy's maximum of Rp ${maxRupiah}`, {
      rule: 'maxOrderTotalRupiah',
      maxOrderTotalRupiah: maxRupiah,
      totalRupiah,
      policyRevision: command.policy.revision,
    });
  }
  refuseSplitPurchase(command, totalRupiah);
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: command.orderId,
        buyer: {
          opdCode: command.opdCode,
          opdName: opd.name,
          // The region is the OPD's registered one, never the request's: spending is credited where the buyer is.
          kabupatenKotaCode: opd.kabupatenKotaCode,
          officialName: requireText('officialName', command.officialName, OFFICIAL_NAME_LENGTH_MAX),
        },
        vendorId: vendor.vendorId,
        vendorScale: vendor.scale,
        cardId: card.cardId,
        lines,
        shippingRupiah: command.shippingRupiah,
        totalRupiah,
        domesticUmkPurchase: UMK_SCALES.includes(vendor.scale) && lines.every((line) => line.isDomesticProduct),
        policyRevision: command.policy.revision,
        placedAt: command.at.toISOString(),
      },
    },
  ];
}

export const SPLIT_PURCHASE = 'SPLIT_PURCHASE';

/** What a SPLIT_PURCHASE refusal names (its problem details; the handler records them as SplitPurchaseRefused). */
export interface SplitPurchaseDetails {
  readonly rule: 'split-purchase';
  readonly orderId: string;
  readonly opdCode: string;
  readonly vendorId: string;
  readonly totalRupiah: number;
  readonly sumRupiah: number;
  readonly maxOrderTotalRupiah: number;
  readonly splitWindowDays: number;
  readonly windowFrom: string;
  readonly earlierOrders: readonly RefusedEarlierOrder[];
  readonly policyRevision: number;
}

/** Under splitPurchaseAction 'refuse': the order that would complete a split purchase is refused (the handler records the attempt). */
function refuseSplitPurchase(command: PlaceOrder, totalRupiah: number): void {
  if (command.policy.splitPurchaseAction !== 'refuse') return;
  assert(command.recentOrders !== undefined, 'the handler passes the recent orders when the policy refuses split purchases');
  const finding = splitPurchaseFinding(command.recentOrders, { orderId: command.orderId, totalRupiah, placedAt: command.at.toISOString() }, command.policy);
  if (!finding) return;
  const details: SplitPurchaseDetails = {
    rule: 'split-purchase',
    orderId: command.orderId,
    opdCode: command.opdCode,
    vendorId: command.vendor.vendorId,
    totalRupiah,
    sumRupiah: finding.sumRupiah,
    maxOrderTotalRupiah: finding.maxOrderTotalRupiah,
    splitWindowDays: finding.splitWindowDays,
    windowFrom: finding.windowFrom,
    earlierOrders: finding.earlierOrders.map(({ orderId, totalRupiah: earlierRupiah, placedAt }) => ({ orderId, totalRupiah: earlierRupiah, placedAt })),
    policyRevision: command.policy.revision,
  };
  throw ruleViolation(
    SPLIT_PURCHASE,
    `with ${finding.earlierOrders.length} earlier order(s) to this vendor within ${finding.splitWindowDays} days the OPD would spend Rp ${finding.sumRupiah}, over the per-order maximum of Rp ${finding.maxOrderTotalRupiah}: splitting a purchase to stay under it is not allowed`,
    { ...details },
  );
}

function assertBuyerScope(by: Actor, opdCode: string): void {
  if (by.role === 'admin' || (by.role === 'buyer' && by.opdCode === opdCode)) return;
  throw forbidden('OUT_OF_SCOPE', `this key may not act for OPD ${opdCode}`, { opdCode });
}

function checkRequest(command: PlaceOrder): void {
  const errors: FieldError[] = [];
  if (command.lines.length < 1 || command.lines.length > ORDER_LINES_MAX) errors.push({ field: 'lines', messages: [`1..${ORDER_LINES_MAX} lines`] });
  const ids = command.lines.map((line) => line.listingId);
  if (new Set(ids).size !== ids.length) errors.push({ field: 'lines', messages: ['each listing at most once'] });
  command.lines.forEach((line, index) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > LINE_QUANTITY_MAX) {
      errors.push({ field: `lines[${index}].quantity`, messages: [`an integer from 1 to ${LINE_QUANTITY_MAX}`] });
    }
  });
  if (!isRupiah(command.shippingRupiah)) errors.push({ field: 'shippingRupiah', messages: ['an integer >= 0 (rupiah)'] });
  if (errors.length > 0) throw invalid('INVALID_ORDER', 'the order is invalid', errors);
  requireText('officialName', command.officialName, OFFICIAL_NAME_LENGTH_MAX);
}

function priceLine(listingId: string, quantity: number, listings: readonly ListingSnapshot[], vendorId: string): OrderLine {
  const listing = listings.find((candidate) => candidate.listingId === listingId);
  if (listing === undefined || listing.status === 'absent') throw notFound('LISTING_NOT_FOUND', `no listing ${listingId}`, { listingId });
  if (listing.vendorId !== vendorId) {
    throw ruleViolation('ORDER_MIXES_VENDORS', 'an order holds listings of one vendor only', { listingId, listingVendorId: listing.vendorId, vendorId });
  }
  if (listing.status !== 'active') throw ruleViolation('LISTING_DELISTED', `listing ${listingId} is delisted`, { listingId });
  return {
    listingId,
    listingRevision: listing.revision,
    title: listing.title,
    category: listing.category,
    unit: listing.unit,
    quantity,
    unitPriceRupiah: listing.priceRupiah,
    lineTotalRupiah: listing.priceRupiah * quantity,
    isDomesticProduct: listing.isDomesticProduct,
  };
}
