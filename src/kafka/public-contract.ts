import { DECLINE_REASONS } from '../cards/domain/card.events.js';
import type { CardEvent } from '../cards/domain/card.events.js';
import type { ListingEvent } from '../catalog/domain/listing.events.js';
import type { OpdEvent } from '../opds/domain/opd.events.js';
import type { OrderEvent, OrderLine } from '../orders/domain/order.events.js';
import type { PolicyEvent } from '../policy/domain/policy.js';
import type { RedFlagEvent } from '../red-flags/domain/red-flag.events.js';
import type { NibEvent, VendorEvent } from '../vendors/domain/vendor.events.js';
import { maskNpwp } from '../vendors/domain/vendor-rules.js';
import type { EventCategory } from './kafka-topics.js';

/**
 * What the public topics carry of each event (docs/kafka.md, "Public variants"). Every field is
 * copied by name (an allow-list), so a field added to an event later stays internal until a
 * rule here publishes it. Dropped everywhere: names and contacts of persons (cardholder, the
 * buying official, vendor contacts), card digits (last four) and expiry, the actor, free text
 * typed by a user (reasons, notes: they can hold anything), a person's finances (a sole
 * trader's capital and sales). NPWP is masked for every vendor: UD and perorangan vendors use
 * their owner's NPWP, and a person's 16-digit NPWP is the NIK.
 */
export type KnownEvent = VendorEvent | NibEvent | OpdEvent | ListingEvent | OrderEvent | CardEvent | PolicyEvent | RedFlagEvent;
export type KnownEventType = KnownEvent['type'];

/** The event schema version these rules were written for; others stay internal until a rule knows them. */
export const PUBLIC_RULES_SCHEMA_VERSION = 1;

interface PublicRule<E extends KnownEvent> {
  readonly category: EventCategory;
  /** `internal-only`: the event never goes to a public topic. */
  readonly publish: ((data: E['data']) => Record<string, unknown>) | 'internal-only';
}

type PublicRules = { readonly [T in KnownEventType]: PublicRule<Extract<KnownEvent, { type: T }>> };

const PUBLIC_RULES: PublicRules = {
  VendorRegistered: {
    category: 'vendor',
    publish: (d) => ({
      vendorId: d.vendorId,
      nib: d.nib,
      npwpMasked: maskNpwp(d.npwp),
      name: d.name,
      legalForm: d.legalForm,
      scale: d.scale,
      kabupatenKotaCode: d.kabupatenKotaCode,
      isLocal: d.isLocal,
      policyRevision: d.policyRevision,
    }),
  },
  VendorVerified: { category: 'vendor', publish: (d) => ({ vendorId: d.vendorId }) },
  VendorRejected: { category: 'vendor', publish: (d) => ({ vendorId: d.vendorId }) },
  VendorSuspended: { category: 'vendor', publish: (d) => ({ vendorId: d.vendorId }) },
  VendorReinstated: { category: 'vendor', publish: (d) => ({ vendorId: d.vendorId }) },
  VendorProfileUpdated: {
    category: 'vendor',
    publish: (d) => ({ vendorId: d.vendorId, name: d.name, kabupatenKotaCode: d.kabupatenKotaCode, isLocal: d.isLocal }),
  },
  NibReserved: { category: 'nib', publish: 'internal-only' },
  NibReleased: { category: 'nib', publish: 'internal-only' },
  // An OPD is a public body: every fact of its registration is public.
  OpdRegistered: {
    category: 'opd',
    publish: (d) => ({ opdCode: d.opdCode, name: d.name, kabupatenKotaCode: d.kabupatenKotaCode, pemdaCode: d.pemdaCode, pemdaLevel: d.pemdaLevel }),
  },
  OpdRenamed: { category: 'opd', publish: (d) => ({ opdCode: d.opdCode, previousName: d.previousName, name: d.name }) },
  ListingCreated: {
    category: 'listing',
    publish: (d) => ({
      listingId: d.listingId,
      vendorId: d.vendorId,
      title: d.title,
      category: d.category,
      unit: d.unit,
      priceRupiah: d.priceRupiah,
      isDomesticProduct: d.isDomesticProduct,
    }),
  },
  ListingPriceChanged: {
    category: 'listing',
    publish: (d) => ({ listingId: d.listingId, previousPriceRupiah: d.previousPriceRupiah, priceRupiah: d.priceRupiah }),
  },
  ListingDelisted: { category: 'listing', publish: (d) => ({ listingId: d.listingId }) },
  OrderPlaced: {
    category: 'order',
    publish: (d) => ({
      orderId: d.orderId,
      buyer: { opdCode: d.buyer.opdCode, opdName: d.buyer.opdName, kabupatenKotaCode: d.buyer.kabupatenKotaCode },
      vendorId: d.vendorId,
      vendorScale: d.vendorScale,
      cardId: d.cardId,
      lines: d.lines.map(publicOrderLine),
      shippingRupiah: d.shippingRupiah,
      totalRupiah: d.totalRupiah,
      domesticUmkPurchase: d.domesticUmkPurchase,
      policyRevision: d.policyRevision,
      // Added with schemaVersion 1 still: orders placed before it have no placedAt.
      ...(d.placedAt !== undefined ? { placedAt: d.placedAt } : {}),
    }),
  },
  OrderAuthorised: {
    category: 'order',
    publish: (d) => ({ orderId: d.orderId, cardId: d.cardId, amountRupiah: d.amountRupiah, holdExpiresAt: d.holdExpiresAt, policyRevision: d.policyRevision }),
  },
  OrderDeclined: {
    category: 'order',
    // The process manager copies the card's decline code here; anything else is free text.
    publish: (d) => ({ orderId: d.orderId, cardId: d.cardId, reason: declineCode(d.reason), policyRevision: d.policyRevision }),
  },
  OrderAccepted: { category: 'order', publish: (d) => ({ orderId: d.orderId, vendorId: d.vendorId }) },
  OrderRejected: { category: 'order', publish: (d) => ({ orderId: d.orderId, vendorId: d.vendorId }) },
  OrderShipped: { category: 'order', publish: (d) => ({ orderId: d.orderId, vendorId: d.vendorId }) },
  // The BAST number is the handover document's reference: auditors and the public match payments to it.
  OrderReceived: { category: 'order', publish: (d) => ({ orderId: d.orderId, bastNumber: d.bastNumber, bastDate: d.bastDate }) },
  OrderPaid: {
    category: 'order',
    publish: (d) => ({ orderId: d.orderId, cardId: d.cardId, amountRupiah: d.amountRupiah, policyRevision: d.policyRevision }),
  },
  OrderCancelled: { category: 'order', publish: (d) => ({ orderId: d.orderId }) },
  OrderHoldExpired: {
    category: 'order',
    publish: (d) => ({ orderId: d.orderId, cardId: d.cardId, holdExpiresAt: d.holdExpiresAt }),
  },
  // The step and the refusal code say what failed; the reason is an error message (free text) and stays internal.
  OrderPaymentFailed: {
    category: 'order',
    publish: (d) => ({
      orderId: d.orderId,
      cardId: d.cardId,
      step: d.step,
      code: d.code,
      ...(d.policyRevision !== undefined ? { policyRevision: d.policyRevision } : {}),
    }),
  },
  CardIssued: {
    category: 'card',
    publish: (d) => ({ cardId: d.cardId, opdCode: d.opdCode, opdName: d.opdName, limitRupiah: d.limitRupiah }),
  },
  CardLimitChanged: {
    category: 'card',
    publish: (d) => ({ cardId: d.cardId, previousLimitRupiah: d.previousLimitRupiah, limitRupiah: d.limitRupiah }),
  },
  CardSuspended: { category: 'card', publish: (d) => ({ cardId: d.cardId }) },
  CardReinstated: { category: 'card', publish: (d) => ({ cardId: d.cardId }) },
  CardClosed: { category: 'card', publish: (d) => ({ cardId: d.cardId }) },
  AuthorisationApproved: {
    category: 'card',
    publish: (d) => ({
      cardId: d.cardId,
      orderId: d.orderId,
      payeeVendorId: d.payeeVendorId,
      amountRupiah: d.amountRupiah,
      availableBeforeRupiah: d.availableBeforeRupiah,
      capRupiah: d.capRupiah,
      expiresAt: d.expiresAt,
      policyRevision: d.policyRevision,
    }),
  },
  AuthorisationDeclined: {
    category: 'card',
    publish: (d) => ({
      cardId: d.cardId,
      orderId: d.orderId,
      payeeVendorId: d.payeeVendorId,
      amountRupiah: d.amountRupiah,
      reason: declineCode(d.reason),
      availableRupiah: d.availableRupiah,
      capRupiah: d.capRupiah,
      policyRevision: d.policyRevision,
    }),
  },
  AuthorisationCaptured: {
    category: 'card',
    publish: (d) => ({
      cardId: d.cardId,
      orderId: d.orderId,
      amountRupiah: d.amountRupiah,
      heldRupiah: d.heldRupiah,
      bastNumber: d.bastNumber,
      policyRevision: d.policyRevision,
    }),
  },
  AuthorisationVoided: {
    category: 'card',
    publish: (d) => ({ cardId: d.cardId, orderId: d.orderId, amountRupiah: d.amountRupiah, policyRevision: d.policyRevision }),
  },
  AuthorisationExpired: {
    category: 'card',
    publish: (d) => ({ cardId: d.cardId, orderId: d.orderId, amountRupiah: d.amountRupiah, expiresAt: d.expiresAt, policyRevision: d.policyRevision }),
  },
  // The bank's statement reference stays internal; the settled amount is public spending.
  StatementSettled: { category: 'card', publish: (d) => ({ cardId: d.cardId, amountRupiah: d.amountRupiah }) },
  PolicySet: {
    category: 'policy',
    publish: (d) => ({
      revision: d.revision,
      effectiveFrom: d.effectiveFrom,
      maxOrderTotalRupiah: d.maxOrderTotalRupiah,
      kkpPerPayeeCapRupiah: d.kkpPerPayeeCapRupiah,
      domesticUmkAllowanceEnabled: d.domesticUmkAllowanceEnabled,
      domesticUmkKkpCapRupiah: d.domesticUmkKkpCapRupiah,
      eligibleScales: [...d.eligibleScales],
      authorisationTtlDays: d.authorisationTtlDays,
      splitWindowDays: d.splitWindowDays,
      ...redFlagParameters(d),
    }),
  },
  // The refusal names OPD, vendor, card and amounts, all public in OrderPlaced; nothing personal.
  SplitPurchaseRefused: {
    category: 'redflag',
    publish: (d) => ({
      flagId: d.flagId,
      orderId: d.orderId,
      opdCode: d.opdCode,
      vendorId: d.vendorId,
      cardId: d.cardId,
      totalRupiah: d.totalRupiah,
      attemptedAt: d.attemptedAt,
      splitWindowDays: d.splitWindowDays,
      maxOrderTotalRupiah: d.maxOrderTotalRupiah,
      sumRupiah: d.sumRupiah,
      earlierOrders: d.earlierOrders.map((order) => ({ orderId: order.orderId, totalRupiah: order.totalRupiah, placedAt: order.placedAt })),
      policyRevision: d.policyRevision,
    }),
  },
  // The status is public; the reason is free text typed by an official and stays internal.
  RedFlagReviewed: { category: 'redflag', publish: (d) => ({ flagId: d.flagId, status: d.status }) },
};

/** The red-flag parameters a PolicySet carries (absent from events written before they existed). */
function redFlagParameters(d: Extract<KnownEvent, { type: 'PolicySet' }>['data']): Record<string, unknown> {
  const fields = [
    'splitPurchaseAction',
    'nearCapPercent',
    'concentrationSharePercent',
    'concentrationMinSpendRupiah',
    'duplicateWindowHours',
    'newVendorDays',
    'newVendorLargeOrderRupiah',
    'priceOutlierSampleSize',
    'priceOutlierMinSamples',
    'heterogeneousCategoriesMin',
  ] as const;
  return Object.fromEntries(fields.filter((field) => d[field] !== undefined).map((field) => [field, d[field]]));
}

function publicOrderLine(line: OrderLine): Record<string, unknown> {
  return {
    listingId: line.listingId,
    listingRevision: line.listingRevision,
    title: line.title,
    category: line.category,
    unit: line.unit,
    quantity: line.quantity,
    unitPriceRupiah: line.unitPriceRupiah,
    lineTotalRupiah: line.lineTotalRupiah,
    isDomesticProduct: line.isDomesticProduct,
  };
}

function declineCode(reason: string): string {
  return (DECLINE_REASONS as readonly string[]).includes(reason) ? reason : 'OTHER';
}

export const KNOWN_EVENT_TYPES = Object.keys(PUBLIC_RULES) as KnownEventType[];

export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(PUBLIC_RULES, type);
}

/** Why an event did not go to a public topic; every case is counted in the relay's metrics. */
export type PublicWithheldReason = 'internal_only' | 'unknown_type' | 'category_mismatch' | 'unknown_schema_version' | 'malformed_data';

export type PublicVariant = { readonly data: Record<string, unknown> } | { readonly withheld: PublicWithheldReason };

/** The public variant of an event's data, or why there is none. Unknown events never go public (fail closed). */
export function publicVariant(
  event: { readonly type: string; readonly data: unknown; readonly schemaVersion: number },
  category: EventCategory,
): PublicVariant {
  if (!isKnownEventType(event.type)) return { withheld: 'unknown_type' };
  const rule = PUBLIC_RULES[event.type] as PublicRule<KnownEvent>;
  if (rule.category !== category) return { withheld: 'category_mismatch' };
  if (event.schemaVersion !== PUBLIC_RULES_SCHEMA_VERSION) return { withheld: 'unknown_schema_version' };
  if (rule.publish === 'internal-only') return { withheld: 'internal_only' };
  try {
    return { data: rule.publish(event.data as KnownEvent['data']) };
  } catch {
    // Data not of its type's shape (the store validated nothing of it): never guess what to publish.
    return { withheld: 'malformed_data' };
  }
}

/** Which category each known event type belongs to (the AsyncAPI document and tests use it). */
export function categoryOfEventType(type: KnownEventType): EventCategory {
  return PUBLIC_RULES[type].category;
}

export function isPublishedType(type: KnownEventType): boolean {
  return PUBLIC_RULES[type].publish !== 'internal-only';
}
