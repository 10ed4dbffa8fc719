import type { SchemaObject } from '@nestjs/swagger';
import {
  BOOLEAN,
  DATE_TIME,
  INTEGER,
  REVISION_SCHEMA,
  RUPIAH,
  STRING,
  UUID,
  arrayOf,
  listItemSchema,
  nullable,
  objectSchema,
} from '../http/openapi/api-responses.js';
import { VENDOR_SCALES } from '../policy/domain/policy.js';
import { SPENDING_GROUP_SCHEMA, SPENDING_TOTALS_SCHEMA, TARGET_PERCENT_SCHEMA, TARGET_RULE_SCHEMA } from '../read-models/http/spending.schemas.js';
import { PUBLIC_VIEW_SCHEMA, withPublicViewByType } from '../audit/http/public-view.schema.js';
import { LEGAL_FORMS } from '../vendors/domain/vendor-rules.js';
import { PRICE_HISTORY_LIST, TRANSACTION_LIST, type PublicCounts } from './public.queries.js';

const COUNT: SchemaObject = { ...INTEGER, minimum: 0 };
const MONTH: SchemaObject = { ...STRING, pattern: '^\\d{4}-\\d{2}$' };
const SCALE: SchemaObject = { ...STRING, enum: [...VENDOR_SCALES] };
const REGION_NAME = nullable({ ...STRING, description: 'the kabupaten/kota name (the code when unknown)' });

export const PUBLIC_COUNTS_SCHEMA = objectSchema<PublicCounts>({
  orders: COUNT,
  paidOrders: COUNT,
  vendors: COUNT,
  verifiedVendors: COUNT,
  localVendors: COUNT,
  activeListings: COUNT,
  opds: COUNT,
  firstMonth: nullable(MONTH),
  lastMonth: nullable(MONTH),
});

export const PUBLIC_SUMMARY_SCHEMA = objectSchema<{ spending: unknown; counts: unknown; targetPercent: number; targetRule: string }>({
  spending: SPENDING_TOTALS_SCHEMA,
  counts: PUBLIC_COUNTS_SCHEMA,
  targetPercent: TARGET_PERCENT_SCHEMA,
  targetRule: TARGET_RULE_SCHEMA,
});

const TRANSACTION_SCHEMA = objectSchema<
  Record<
    | 'orderId'
    | 'placedAt'
    | 'paidAt'
    | 'status'
    | 'opdCode'
    | 'opdName'
    | 'kabupatenKotaCode'
    | 'kabupatenKotaName'
    | 'vendorId'
    | 'vendorName'
    | 'vendorScale'
    | 'totalRupiah'
    | 'paidRupiah',
    unknown
  >
>({
  orderId: UUID,
  placedAt: DATE_TIME,
  paidAt: nullable(DATE_TIME),
  status: STRING,
  opdCode: STRING,
  opdName: STRING,
  kabupatenKotaCode: STRING,
  kabupatenKotaName: REGION_NAME,
  vendorId: UUID,
  vendorName: STRING,
  vendorScale: SCALE,
  totalRupiah: RUPIAH,
  paidRupiah: RUPIAH,
});

const LINE_SCHEMA = objectSchema<
  Record<'lineNo' | 'title' | 'category' | 'categoryName' | 'unit' | 'quantity' | 'unitPriceRupiah' | 'lineTotalRupiah', unknown>
>({
  lineNo: { ...INTEGER, minimum: 1 },
  title: STRING,
  category: STRING,
  categoryName: STRING,
  unit: STRING,
  quantity: { ...INTEGER, minimum: 1 },
  unitPriceRupiah: RUPIAH,
  lineTotalRupiah: RUPIAH,
});

/** An event of the log as the public sees it: its place, and the public view its leaf commits to. */
export const PUBLIC_EVENT_SCHEMA = withPublicViewByType(
  objectSchema<Record<'eventId' | 'position' | 'streamId' | 'revision' | 'type' | 'recordedAt' | 'publicView', unknown>>({
    eventId: UUID,
    position: REVISION_SCHEMA,
    streamId: STRING,
    revision: REVISION_SCHEMA,
    type: STRING,
    recordedAt: DATE_TIME,
    publicView: PUBLIC_VIEW_SCHEMA,
  }),
);

export const PUBLIC_TRANSACTION_SCHEMA = objectSchema<{ transaction: unknown; lines: unknown; events: unknown }>({
  transaction: nullable({ ...TRANSACTION_SCHEMA, description: 'null while the read model has not yet applied the order' }),
  lines: arrayOf(LINE_SCHEMA),
  events: arrayOf(PUBLIC_EVENT_SCHEMA),
});

const VENDOR_PROFILE_SCHEMA = objectSchema<
  Record<
    'vendorId' | 'name' | 'legalForm' | 'scale' | 'kabupatenKotaCode' | 'kabupatenKotaName' | 'isLocal' | 'status' | 'registeredAt' | 'verifiedAt',
    unknown
  >
>({
  vendorId: UUID,
  name: STRING,
  legalForm: { ...STRING, enum: [...LEGAL_FORMS] },
  scale: SCALE,
  kabupatenKotaCode: STRING,
  kabupatenKotaName: REGION_NAME,
  isLocal: BOOLEAN,
  status: STRING,
  registeredAt: DATE_TIME,
  verifiedAt: nullable(DATE_TIME),
});

const PRICE_POINT_SCHEMA = objectSchema<Record<'position' | 'priceRupiah' | 'effectiveAt', unknown>>({
  position: { ...INTEGER, minimum: 0, description: "the price change's position in the listing's history" },
  priceRupiah: RUPIAH,
  effectiveAt: DATE_TIME,
});

const VENDOR_LISTING_SCHEMA = objectSchema<
  Record<
    'listingId' | 'title' | 'category' | 'categoryName' | 'unit' | 'priceRupiah' | 'status' | 'isDomesticProduct' | 'priceChangeCount' | 'priceHistory',
    unknown
  >
>({
  listingId: UUID,
  title: STRING,
  category: STRING,
  categoryName: STRING,
  unit: STRING,
  priceRupiah: RUPIAH,
  status: STRING,
  isDomesticProduct: BOOLEAN,
  priceChangeCount: COUNT,
  priceHistory: arrayOf(PRICE_POINT_SCHEMA),
});

const BREAKDOWN = arrayOf(SPENDING_GROUP_SCHEMA);

export const PUBLIC_VENDOR_SCHEMA = objectSchema<{ vendor: unknown; sales: unknown; listings: unknown }>({
  vendor: VENDOR_PROFILE_SCHEMA,
  sales: objectSchema<{ totals: unknown; byMonth: unknown; byCategory: unknown; byOpd: unknown }>({
    totals: SPENDING_TOTALS_SCHEMA,
    byMonth: BREAKDOWN,
    byCategory: BREAKDOWN,
    byOpd: BREAKDOWN,
  }),
  listings: objectSchema<{ items: unknown; truncated: boolean }>({
    items: arrayOf(VENDOR_LISTING_SCHEMA),
    truncated: { ...BOOLEAN, description: 'the vendor has more listings than the answer lists' },
  }),
});

const LISTING_SCHEMA = objectSchema<
  Record<'listingId' | 'vendorId' | 'vendorName' | 'title' | 'category' | 'categoryName' | 'unit' | 'priceRupiah' | 'status', unknown>
>({
  listingId: UUID,
  vendorId: UUID,
  vendorName: STRING,
  title: STRING,
  category: STRING,
  categoryName: STRING,
  unit: STRING,
  priceRupiah: RUPIAH,
  status: STRING,
});

export const PUBLIC_LISTING_SCHEMA = objectSchema<{ listing: unknown; prices: unknown }>({
  listing: LISTING_SCHEMA,
  prices: objectSchema<{ items: unknown; nextCursor: unknown; limit: number; sort: string }>({
    items: arrayOf(listItemSchema(PRICE_HISTORY_LIST)),
    nextCursor: nullable({ ...STRING, description: 'pass as cursor for the next page; null on the last page' }),
    limit: { ...INTEGER, minimum: 1 },
    sort: STRING,
  }),
});

const TRANSACTION_ROW = listItemSchema(TRANSACTION_LIST);

/** A row of GET /public/transactions: the list's fields, categories as a list, and the region's name. */
export const PUBLIC_TRANSACTION_ROW_SCHEMA: SchemaObject = {
  ...TRANSACTION_ROW,
  required: [...(TRANSACTION_ROW.required ?? []), 'kabupatenKotaName'],
  properties: { ...TRANSACTION_ROW.properties, orderId: UUID, vendorId: UUID, categories: arrayOf(STRING), kabupatenKotaName: REGION_NAME },
};
