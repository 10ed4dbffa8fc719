import { randomInt, randomUUID } from 'node:crypto';
import type { EventData, EventMetadata } from '../../src/event-store/event-store.port.js';
import type { KnownEvent, KnownEventType } from '../../src/kafka/public-contract.js';

/**
 * One event of every type the ledger writes, full of personal data that must never reach a
 * public topic (the kafka contract and relay suites scan for these values).
 */
export const PERSONAL = {
  nik: '3673015203900002',
  holderName: 'Siti Rahmawati',
  cardLast4: '4821',
  officialName: 'Budi Santoso',
  ownerEmail: 'budi.owner@gmail.com',
  ownerPhone: '+62 812 3456 7890',
  actorId: 'key-admin-7f3a9c',
  correlationId: 'client-chosen-correlation-3673015203900002',
  reasonText: 'pemilik Budi Santoso tidak hadir',
  statementReference: 'BNI-STMT-2026-11-0042',
  cardExpiry: '2029-12-31',
} as const;

/** What a public message may not contain, as it would appear in JSON or a header. */
export const FORBIDDEN_PUBLIC_STRINGS: readonly string[] = [
  PERSONAL.nik,
  PERSONAL.holderName,
  `"${PERSONAL.cardLast4}"`,
  PERSONAL.officialName,
  PERSONAL.ownerEmail,
  PERSONAL.ownerPhone,
  PERSONAL.actorId,
  PERSONAL.correlationId,
  PERSONAL.reasonText,
  PERSONAL.statementReference,
  PERSONAL.cardExpiry,
  'holderName',
  'cardLast4',
  'officialName',
  'contact',
];

export interface SampleIds {
  readonly vendorId: string;
  readonly listingId: string;
  readonly orderId: string;
  readonly cardId: string;
  readonly nib: string;
  readonly opdCode: string;
}

export function sampleIds(): SampleIds {
  return {
    vendorId: randomUUID(),
    listingId: randomUUID(),
    orderId: randomUUID(),
    cardId: randomUUID(),
    nib: `91${String(randomInt(0, 10 ** 11)).padStart(11, '0')}`,
    opdCode: `3673-DINKES${randomInt(0, 10 ** 9)}`,
  };
}

type SampleData = { readonly [T in KnownEventType]: Extract<KnownEvent, { type: T }>['data'] };

export function sampleData(ids: SampleIds): SampleData {
  const { vendorId, listingId, orderId, cardId, nib, opdCode } = ids;
  const reason = PERSONAL.reasonText;
  // A red flag stream is keyed by a uuid: the card id stands in for one.
  const redFlagId = cardId;
  return {
    VendorRegistered: {
      vendorId,
      nib,
      npwp: PERSONAL.nik,
      name: 'Warung Makan Bu Siti',
      legalForm: 'perorangan',
      scale: 'mikro',
      capitalRupiah: 150_000_000,
      annualSalesRupiah: null,
      kabupatenKotaCode: '3673',
      isLocal: true,
      contact: { email: PERSONAL.ownerEmail, phone: PERSONAL.ownerPhone },
      policyRevision: 0,
    },
    VendorVerified: { vendorId },
    VendorRejected: { vendorId, reason },
    VendorSuspended: { vendorId, reason },
    VendorReinstated: { vendorId },
    VendorProfileUpdated: {
      vendorId,
      name: 'Warung Makan Bu Siti',
      contact: { email: PERSONAL.ownerEmail, phone: PERSONAL.ownerPhone },
      kabupatenKotaCode: '3673',
      isLocal: true,
    },
    NibReserved: { nib, vendorId },
    NibReleased: { nib, vendorId, reason },
    OpdRegistered: { opdCode, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673', pemdaCode: '3673', pemdaLevel: 'kabupaten-kota' },
    OpdRenamed: { opdCode, previousName: 'Dinas Kesehatan Kota Serang', name: 'Dinas Kesehatan dan KB Kota Serang' },
    ListingCreated: { listingId, vendorId, title: 'Nasi kotak', category: 'makan-minum', unit: 'kotak', priceRupiah: 35_000, isDomesticProduct: true },
    ListingPriceChanged: { listingId, previousPriceRupiah: 35_000, priceRupiah: 37_500 },
    ListingDelisted: { listingId, reason },
    OrderPlaced: {
      orderId,
      buyer: { opdCode, opdName: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673', officialName: PERSONAL.officialName },
      vendorId,
      vendorScale: 'mikro',
      cardId,
      lines: [
        {
          listingId,
          listingRevision: 1,
          title: 'Nasi kotak',
          category: 'makan-minum',
          unit: 'kotak',
          quantity: 40,
          unitPriceRupiah: 37_500,
          lineTotalRupiah: 1_500_000,
          isDomesticProduct: true,
        },
      ],
      shippingRupiah: 50_000,
      totalRupiah: 1_550_000,
      domesticUmkPurchase: true,
      policyRevision: 0,
      placedAt: '2026-11-20T03:00:00.000Z',
    },
    OrderAuthorised: { orderId, cardId, amountRupiah: 1_550_000, holdExpiresAt: '2026-12-26T00:00:00.000Z', policyRevision: 0 },
    OrderDeclined: { orderId, cardId, reason: 'INSUFFICIENT_AVAILABLE', policyRevision: 0 },
    OrderAccepted: { orderId, vendorId },
    OrderRejected: { orderId, vendorId, reason },
    OrderShipped: { orderId, vendorId, note: reason },
    OrderReceived: { orderId, bastNumber: 'BAST/017/DINKES/2026', bastDate: '2026-11-28' },
    OrderPaid: { orderId, cardId, amountRupiah: 1_550_000, policyRevision: 0 },
    OrderCancelled: { orderId, reason },
    OrderHoldExpired: { orderId, cardId, holdExpiresAt: '2026-12-26T00:00:00.000Z' },
    OrderPaymentFailed: {
      orderId,
      cardId,
      step: 'capture',
      code: 'HOLD_NOT_FOUND',
      reason: `no hold for order ${orderId}; ${PERSONAL.reasonText}`,
      policyRevision: 0,
    },
    CardIssued: {
      cardId,
      opdCode,
      opdName: 'Dinas Kesehatan Kota Serang',
      holderName: PERSONAL.holderName,
      cardLast4: PERSONAL.cardLast4,
      limitRupiah: 100_000_000,
      expiresOn: PERSONAL.cardExpiry,
    },
    CardLimitChanged: { cardId, previousLimitRupiah: 100_000_000, limitRupiah: 150_000_000 },
    CardSuspended: { cardId, reason },
    CardReinstated: { cardId },
    CardClosed: { cardId, reason },
    AuthorisationApproved: {
      cardId,
      orderId,
      payeeVendorId: vendorId,
      amountRupiah: 1_550_000,
      availableBeforeRupiah: 100_000_000,
      capRupiah: 50_000_000,
      expiresAt: '2026-12-26T00:00:00.000Z',
      policyRevision: 0,
    },
    AuthorisationDeclined: {
      cardId,
      orderId,
      payeeVendorId: vendorId,
      amountRupiah: 1_550_000,
      reason: 'INSUFFICIENT_AVAILABLE',
      availableRupiah: 1_000,
      capRupiah: 50_000_000,
      policyRevision: 0,
    },
    AuthorisationCaptured: { cardId, orderId, amountRupiah: 1_550_000, heldRupiah: 1_550_000, bastNumber: 'BAST/017/DINKES/2026', policyRevision: 0 },
    AuthorisationVoided: { cardId, orderId, amountRupiah: 1_550_000, reason, policyRevision: 0 },
    AuthorisationExpired: { cardId, orderId, amountRupiah: 1_550_000, expiresAt: '2026-12-26T00:00:00.000Z', policyRevision: 0 },
    StatementSettled: { cardId, statementReference: PERSONAL.statementReference, amountRupiah: 1_550_000 },
    PolicySet: {
      revision: 1,
      effectiveFrom: '2026-12-01T00:00:00.000Z',
      maxOrderTotalRupiah: 50_000_000,
      kkpPerPayeeCapRupiah: 50_000_000,
      domesticUmkAllowanceEnabled: true,
      domesticUmkKkpCapRupiah: 200_000_000,
      eligibleScales: ['mikro', 'kecil', 'koperasi'],
      authorisationTtlDays: 30,
      splitWindowDays: 30,
    },
    SplitPurchaseRefused: {
      flagId: redFlagId,
      orderId,
      opdCode: 'OPD-3673-DINKES',
      vendorId,
      cardId,
      totalRupiah: 50_000_000,
      attemptedAt: '2026-11-26T03:00:18.000Z',
      splitWindowDays: 30,
      maxOrderTotalRupiah: 50_000_000,
      sumRupiah: 100_000_000,
      earlierOrders: [{ orderId: vendorId, totalRupiah: 50_000_000, placedAt: '2026-11-26T03:00:00.000Z' }],
      policyRevision: 2,
    },
    RedFlagReviewed: { flagId: redFlagId, status: 'dismissed', reason },
  };
}

export const STREAM_PREFIX_OF_TYPE: { readonly [T in KnownEventType]: string } = {
  VendorRegistered: 'vendor',
  VendorVerified: 'vendor',
  VendorRejected: 'vendor',
  VendorSuspended: 'vendor',
  VendorReinstated: 'vendor',
  VendorProfileUpdated: 'vendor',
  NibReserved: 'nib',
  NibReleased: 'nib',
  OpdRegistered: 'opd',
  OpdRenamed: 'opd',
  ListingCreated: 'listing',
  ListingPriceChanged: 'listing',
  ListingDelisted: 'listing',
  OrderPlaced: 'order',
  OrderAuthorised: 'order',
  OrderDeclined: 'order',
  OrderAccepted: 'order',
  OrderRejected: 'order',
  OrderShipped: 'order',
  OrderReceived: 'order',
  OrderPaid: 'order',
  OrderCancelled: 'order',
  OrderHoldExpired: 'order',
  OrderPaymentFailed: 'order',
  CardIssued: 'card',
  CardLimitChanged: 'card',
  CardSuspended: 'card',
  CardReinstated: 'card',
  CardClosed: 'card',
  AuthorisationApproved: 'card',
  AuthorisationDeclined: 'card',
  AuthorisationCaptured: 'card',
  AuthorisationVoided: 'card',
  AuthorisationExpired: 'card',
  StatementSettled: 'card',
  PolicySet: 'policy',
  SplitPurchaseRefused: 'redflag',
  RedFlagReviewed: 'redflag',
};

export function sampleStreamId(type: KnownEventType, ids: SampleIds): string {
  switch (STREAM_PREFIX_OF_TYPE[type]) {
    case 'vendor':
      return `vendor-${ids.vendorId}`;
    case 'nib':
      return `nib-${ids.nib}`;
    case 'opd':
      return `opd-${ids.opdCode}`;
    case 'listing':
      return `listing-${ids.listingId}`;
    case 'order':
      return `order-${ids.orderId}`;
    case 'card':
      return `card-${ids.cardId}`;
    case 'redflag':
      return `redflag-${ids.cardId}`;
    default:
      return 'policy-bela';
  }
}

export function sampleMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    correlationId: PERSONAL.correlationId,
    causationId: randomUUID(),
    actor: { id: PERSONAL.actorId, role: 'admin' },
    occurredAt: '2026-11-26T03:04:05.678Z',
    schemaVersion: 1,
    ...overrides,
  };
}

/** Every sample as an event to append, grouped by stream in a valid per-stream order. */
export function sampleEventsByStream(ids: SampleIds): Map<string, EventData[]> {
  const data = sampleData(ids);
  const byStream = new Map<string, EventData[]>();
  for (const type of Object.keys(data) as KnownEventType[]) {
    const streamId = sampleStreamId(type, ids);
    const list = byStream.get(streamId) ?? [];
    list.push({ id: randomUUID(), type, data: data[type], metadata: sampleMetadata(type === 'PolicySet' ? { policyRevision: 1 } : {}) });
    byStream.set(streamId, list);
  }
  return byStream;
}
