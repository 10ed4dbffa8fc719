import { DECLINE_REASONS } from '../cards/domain/card.events.js';
import { CATEGORY_CODES } from '../catalog/domain/categories.js';
import { PAYMENT_FAILURE_CODE_PATTERN, PAYMENT_STEPS } from '../orders/domain/order.events.js';
import { SPLIT_PURCHASE_ACTIONS, VENDOR_SCALES } from '../policy/domain/policy.js';
import { REVIEW_STATUSES } from '../red-flags/domain/red-flag-rules.js';
import { KABUPATEN_KOTA_CODE_PATTERN } from '../vendors/domain/regions.js';
import { LEGAL_FORMS, NIB_PATTERN } from '../vendors/domain/vendor-rules.js';
import { OPD_CODE_FORMAT, OPD_CODE_LENGTH_MAX, OPD_CODE_PATTERN, PEMDA_CODE_PATTERN } from '../opds/domain/opd-code.js';
import { DATE_PATTERN } from '../kernel/dates.js';
import { CARD_LAST4_PATTERN } from '../cards/domain/card-number.js';
import type { KnownEventType } from './public-contract.js';

/**
 * JSON Schema (draft-07, as AsyncAPI 3.0 uses) of every event's data: the internal variant
 * (the data as written) and the public one (public-contract.ts). docs/asyncapi.yaml is
 * generated from these (scripts/kafka/write-asyncapi.ts) and a unit test checks both the file
 * and the sample events against them. Pure data.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

const uuid: JsonSchema = { type: 'string', format: 'uuid' };
const rupiah: JsonSchema = { type: 'integer', minimum: 0, description: 'integer rupiah' };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const date: JsonSchema = { type: 'string', format: 'date', pattern: DATE_PATTERN.source };
const text = (description: string): JsonSchema => ({ type: 'string', description });
const revision: JsonSchema = { type: 'integer', minimum: 0, description: 'policy revision applied (0: the built-in default)' };
const bool: JsonSchema = { type: 'boolean' };
const kabupatenKota: JsonSchema = { type: 'string', pattern: KABUPATEN_KOTA_CODE_PATTERN.source, description: 'BPS kabupaten/kota code' };
const opdCode: JsonSchema = {
  type: 'string',
  description: `registered OPD/satker code: ${OPD_CODE_FORMAT} (orders and cards written before the registry may carry other spellings)`,
};
const opdRegistered = object({
  opdCode: { ...opdCode, maxLength: OPD_CODE_LENGTH_MAX, pattern: OPD_CODE_PATTERN.source },
  name: text('OPD/satker name'),
  kabupatenKotaCode: kabupatenKota,
  pemdaCode: { type: 'string', pattern: PEMDA_CODE_PATTERN.source, description: 'parent pemda: BPS province (2 digits) or kabupaten/kota (4 digits) code' },
  pemdaLevel: { type: 'string', enum: ['provinsi', 'kabupaten-kota'] },
});
const opdRenamed = object({
  opdCode: { ...opdCode, maxLength: OPD_CODE_LENGTH_MAX, pattern: OPD_CODE_PATTERN.source },
  previousName: text('OPD/satker name before'),
  name: text('OPD/satker name'),
});
const nib: JsonSchema = { type: 'string', pattern: NIB_PATTERN.source };
const scale: JsonSchema = { type: 'string', enum: [...VENDOR_SCALES] };
const category: JsonSchema = { type: 'string', enum: [...CATEGORY_CODES] };
const declineCode: JsonSchema = { type: 'string', enum: [...DECLINE_REASONS] };
const paymentStep: JsonSchema = { type: 'string', enum: [...PAYMENT_STEPS] };
const paymentFailureCode: JsonSchema = { type: 'string', pattern: PAYMENT_FAILURE_CODE_PATTERN.source, description: 'the refusal code, e.g. HOLD_NOT_FOUND' };
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

/** An object whose listed properties are all required unless named in `optional`. */
function object(properties: Record<string, JsonSchema>, description?: string, optional: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
  };
}

const contact = object({ email: text('contact e-mail (of a person for perorangan and UD vendors)'), phone: text('contact phone') });
const buyer = object({
  opdCode,
  opdName: text('OPD/satker name'),
  kabupatenKotaCode: kabupatenKota,
  officialName: text('the official who placed the order: a person'),
});
const orderLine = object({
  listingId: uuid,
  listingRevision: { type: 'integer', minimum: 0, description: 'listing stream revision the unit price was read at' },
  title: text('listing title'),
  category,
  unit: text('unit of sale'),
  quantity: { type: 'integer', minimum: 1 },
  unitPriceRupiah: rupiah,
  lineTotalRupiah: rupiah,
  isDomesticProduct: bool,
});
const publicBuyer = object({ opdCode, opdName: text('OPD/satker name'), kabupatenKotaCode: kabupatenKota });
const policyValues = {
  revision: { type: 'integer', minimum: 0 },
  effectiveFrom: dateTime,
  maxOrderTotalRupiah: rupiah,
  kkpPerPayeeCapRupiah: rupiah,
  domesticUmkAllowanceEnabled: bool,
  domesticUmkKkpCapRupiah: rupiah,
  eligibleScales: { type: 'array', items: scale },
  authorisationTtlDays: { type: 'integer', minimum: 1 },
  splitWindowDays: { type: 'integer', minimum: 1 },
  splitPurchaseAction: { type: 'string', enum: [...SPLIT_PURCHASE_ACTIONS] },
  nearCapPercent: { type: 'integer', minimum: 1, maximum: 100 },
  concentrationSharePercent: { type: 'integer', minimum: 1, maximum: 100 },
  concentrationMinSpendRupiah: rupiah,
  duplicateWindowHours: { type: 'integer', minimum: 1 },
  newVendorDays: { type: 'integer', minimum: 1 },
  newVendorLargeOrderRupiah: rupiah,
  priceOutlierSampleSize: { type: 'integer', minimum: 1 },
  priceOutlierMinSamples: { type: 'integer', minimum: 1 },
  heterogeneousCategoriesMin: { type: 'integer', minimum: 1 },
};
/** Added with the red flags: PolicySet events written before them lack these (read with the defaults). */
const POLICY_OPTIONAL: readonly string[] = [
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
];
const earlierOrder = object({ orderId: uuid, totalRupiah: rupiah, placedAt: dateTime });
const splitPurchaseRefused = object({
  flagId: uuid,
  orderId: { ...uuid, description: 'the id the refused order would have had (no order stream was written)' },
  opdCode: text('OPD/satker code'),
  vendorId: uuid,
  cardId: uuid,
  totalRupiah: rupiah,
  attemptedAt: dateTime,
  splitWindowDays: { type: 'integer', minimum: 1 },
  maxOrderTotalRupiah: rupiah,
  sumRupiah: rupiah,
  earlierOrders: { type: 'array', minItems: 1, items: earlierOrder },
  policyRevision: revision,
});
const reviewStatus: JsonSchema = { type: 'string', enum: [...REVIEW_STATUSES] };

export const INTERNAL_DATA_SCHEMAS: { readonly [T in KnownEventType]: JsonSchema } = {
  VendorRegistered: object({
    vendorId: uuid,
    nib,
    npwp: { type: 'string', pattern: '^\\d{15,16}$', description: "NPWP; a person's 16-digit NPWP is the NIK" },
    name: text('business name'),
    legalForm: { type: 'string', enum: [...LEGAL_FORMS] },
    scale,
    capitalRupiah: nullable(rupiah),
    annualSalesRupiah: nullable(rupiah),
    kabupatenKotaCode: kabupatenKota,
    isLocal: { type: 'boolean', description: 'domiciled in Banten (province code 36)' },
    contact,
    policyRevision: revision,
  }),
  VendorVerified: object({ vendorId: uuid }),
  VendorRejected: object({ vendorId: uuid, reason: text('free text by the admin') }),
  VendorSuspended: object({ vendorId: uuid, reason: text('free text by the admin') }),
  VendorReinstated: object({ vendorId: uuid }),
  VendorProfileUpdated: object({ vendorId: uuid, name: text('business name'), contact, kabupatenKotaCode: kabupatenKota, isLocal: bool }),
  NibReserved: object({ nib, vendorId: uuid }),
  NibReleased: object({ nib, vendorId: uuid, reason: text('why the NIB is free again') }),
  OpdRegistered: opdRegistered,
  OpdRenamed: opdRenamed,
  ListingCreated: object({
    listingId: uuid,
    vendorId: uuid,
    title: text('listing title'),
    category,
    unit: text('unit of sale'),
    priceRupiah: rupiah,
    isDomesticProduct: bool,
  }),
  ListingPriceChanged: object({ listingId: uuid, previousPriceRupiah: rupiah, priceRupiah: rupiah }),
  ListingDelisted: object({ listingId: uuid, reason: text('free text by the vendor') }),
  OrderPlaced: object(
    {
      orderId: uuid,
      buyer,
      vendorId: uuid,
      vendorScale: scale,
      cardId: uuid,
      lines: { type: 'array', minItems: 1, items: orderLine },
      shippingRupiah: rupiah,
      totalRupiah: rupiah,
      domesticUmkPurchase: bool,
      policyRevision: revision,
      placedAt: dateTime,
    },
    undefined,
    ['placedAt'],
  ),
  OrderAuthorised: object({ orderId: uuid, cardId: uuid, amountRupiah: rupiah, holdExpiresAt: dateTime, policyRevision: revision }),
  OrderDeclined: object({ orderId: uuid, cardId: uuid, reason: text('the card decline code'), policyRevision: revision }),
  OrderAccepted: object({ orderId: uuid, vendorId: uuid }),
  OrderRejected: object({ orderId: uuid, vendorId: uuid, reason: text('free text by the vendor') }),
  OrderShipped: object({ orderId: uuid, vendorId: uuid, note: nullable(text('free text by the vendor')) }),
  OrderReceived: object({ orderId: uuid, bastNumber: text('number of the berita acara serah terima (BAST)'), bastDate: date }),
  OrderPaid: object({ orderId: uuid, cardId: uuid, amountRupiah: rupiah, policyRevision: revision }),
  OrderCancelled: object({ orderId: uuid, reason: text('free text by the buyer') }),
  OrderHoldExpired: object({ orderId: uuid, cardId: uuid, holdExpiresAt: dateTime }),
  OrderPaymentFailed: object(
    {
      orderId: uuid,
      cardId: uuid,
      step: paymentStep,
      code: paymentFailureCode,
      reason: text('the refusal, as the refusing decider worded it'),
      policyRevision: revision,
    },
    'a payment step the order-payment process manager issued was refused',
    ['policyRevision'],
  ),
  CardIssued: object({
    cardId: uuid,
    opdCode,
    opdName: text('OPD/satker name'),
    holderName: text('the cardholder: a person'),
    cardLast4: { type: 'string', pattern: CARD_LAST4_PATTERN.source, description: 'the only digits of the card number the ledger holds' },
    limitRupiah: rupiah,
    expiresOn: date,
  }),
  CardLimitChanged: object({ cardId: uuid, previousLimitRupiah: rupiah, limitRupiah: rupiah }),
  CardSuspended: object({ cardId: uuid, reason: text('free text by the admin') }),
  CardReinstated: object({ cardId: uuid }),
  CardClosed: object({ cardId: uuid, reason: text('free text by the admin') }),
  AuthorisationApproved: object({
    cardId: uuid,
    orderId: uuid,
    payeeVendorId: uuid,
    amountRupiah: rupiah,
    availableBeforeRupiah: rupiah,
    capRupiah: rupiah,
    expiresAt: dateTime,
    policyRevision: revision,
  }),
  AuthorisationDeclined: object({
    cardId: uuid,
    orderId: uuid,
    payeeVendorId: uuid,
    amountRupiah: rupiah,
    reason: declineCode,
    availableRupiah: { type: 'integer', description: 'integer rupiah' },
    capRupiah: rupiah,
    policyRevision: revision,
  }),
  AuthorisationCaptured: object({
    cardId: uuid,
    orderId: uuid,
    amountRupiah: rupiah,
    heldRupiah: rupiah,
    bastNumber: text('BAST number'),
    policyRevision: revision,
  }),
  AuthorisationVoided: object({ cardId: uuid, orderId: uuid, amountRupiah: rupiah, reason: text('why the hold was released'), policyRevision: revision }),
  AuthorisationExpired: object({ cardId: uuid, orderId: uuid, amountRupiah: rupiah, expiresAt: dateTime, policyRevision: revision }),
  StatementSettled: object({ cardId: uuid, statementReference: text("the bank statement's reference"), amountRupiah: rupiah }),
  PolicySet: object(policyValues, undefined, POLICY_OPTIONAL),
  SplitPurchaseRefused: splitPurchaseRefused,
  RedFlagReviewed: object({ flagId: uuid, status: reviewStatus, reason: text('free text by the reviewer (internal)') }),
};

export type PublishedEventType = Exclude<KnownEventType, 'NibReserved' | 'NibReleased'>;

export const PUBLIC_DATA_SCHEMAS: { readonly [T in PublishedEventType]: JsonSchema } = {
  VendorRegistered: object({
    vendorId: uuid,
    nib,
    npwpMasked: { type: 'string', pattern: '^\\*{11,12}\\d{4}$', description: 'NPWP with all but the last four digits masked' },
    name: text('business name'),
    legalForm: { type: 'string', enum: [...LEGAL_FORMS] },
    scale,
    kabupatenKotaCode: kabupatenKota,
    isLocal: bool,
    policyRevision: revision,
  }),
  VendorVerified: object({ vendorId: uuid }),
  VendorRejected: object({ vendorId: uuid }),
  VendorSuspended: object({ vendorId: uuid }),
  VendorReinstated: object({ vendorId: uuid }),
  VendorProfileUpdated: object({ vendorId: uuid, name: text('business name'), kabupatenKotaCode: kabupatenKota, isLocal: bool }),
  OpdRegistered: opdRegistered,
  OpdRenamed: opdRenamed,
  ListingCreated: INTERNAL_DATA_SCHEMAS.ListingCreated,
  ListingPriceChanged: INTERNAL_DATA_SCHEMAS.ListingPriceChanged,
  ListingDelisted: object({ listingId: uuid }),
  OrderPlaced: object(
    {
      orderId: uuid,
      buyer: publicBuyer,
      vendorId: uuid,
      vendorScale: scale,
      cardId: uuid,
      lines: { type: 'array', minItems: 1, items: orderLine },
      shippingRupiah: rupiah,
      totalRupiah: rupiah,
      domesticUmkPurchase: bool,
      policyRevision: revision,
      placedAt: dateTime,
    },
    undefined,
    ['placedAt'],
  ),
  OrderAuthorised: INTERNAL_DATA_SCHEMAS.OrderAuthorised,
  OrderDeclined: object({ orderId: uuid, cardId: uuid, reason: { type: 'string', enum: [...DECLINE_REASONS, 'OTHER'] }, policyRevision: revision }),
  OrderAccepted: INTERNAL_DATA_SCHEMAS.OrderAccepted,
  OrderRejected: object({ orderId: uuid, vendorId: uuid }),
  OrderShipped: object({ orderId: uuid, vendorId: uuid }),
  OrderReceived: INTERNAL_DATA_SCHEMAS.OrderReceived,
  OrderPaid: INTERNAL_DATA_SCHEMAS.OrderPaid,
  OrderCancelled: object({ orderId: uuid }),
  OrderHoldExpired: INTERNAL_DATA_SCHEMAS.OrderHoldExpired,
  OrderPaymentFailed: object({ orderId: uuid, cardId: uuid, step: paymentStep, code: paymentFailureCode, policyRevision: revision }, undefined, [
    'policyRevision',
  ]),
  CardIssued: object({ cardId: uuid, opdCode, opdName: text('OPD/satker name'), limitRupiah: rupiah }),
  CardLimitChanged: INTERNAL_DATA_SCHEMAS.CardLimitChanged,
  CardSuspended: object({ cardId: uuid }),
  CardReinstated: INTERNAL_DATA_SCHEMAS.CardReinstated,
  CardClosed: object({ cardId: uuid }),
  AuthorisationApproved: INTERNAL_DATA_SCHEMAS.AuthorisationApproved,
  AuthorisationDeclined: object({
    cardId: uuid,
    orderId: uuid,
    payeeVendorId: uuid,
    amountRupiah: rupiah,
    reason: { type: 'string', enum: [...DECLINE_REASONS, 'OTHER'] },
    availableRupiah: { type: 'integer', description: 'integer rupiah' },
    capRupiah: rupiah,
    policyRevision: revision,
  }),
  AuthorisationCaptured: INTERNAL_DATA_SCHEMAS.AuthorisationCaptured,
  AuthorisationVoided: object({ cardId: uuid, orderId: uuid, amountRupiah: rupiah, policyRevision: revision }),
  AuthorisationExpired: INTERNAL_DATA_SCHEMAS.AuthorisationExpired,
  StatementSettled: object({ cardId: uuid, amountRupiah: rupiah }),
  PolicySet: INTERNAL_DATA_SCHEMAS.PolicySet,
  SplitPurchaseRefused: INTERNAL_DATA_SCHEMAS.SplitPurchaseRefused,
  RedFlagReviewed: object({ flagId: uuid, status: reviewStatus }),
};
