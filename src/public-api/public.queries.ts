import type Database from 'better-sqlite3';
import { CATEGORIES } from '../catalog/domain/categories.js';
import type { ListSpec } from '../read-models/keyset-query.js';
import { BANTEN_KABUPATEN_KOTA } from '../vendors/domain/regions.js';

/**
 * Queries behind the public API. Every column chosen here is a public fact: no official or
 * cardholder names, no card ids, no NPWP, no contacts, no BAST or reason free text.
 */

/** The vendor page lists at most this many listings, each with at most this many prices. */
export const VENDOR_LISTINGS_MAX = 200;
export const PRICE_POINTS_MAX = 100;
/** A vendor profile's breakdowns (months, categories, OPD) are bounded the same way. */
export const VENDOR_BREAKDOWN_ROWS_MAX = 120;

export function regionName(code: string | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  return BANTEN_KABUPATEN_KOTA[code] ?? code;
}

export function categoryName(code: string): string {
  return (CATEGORIES as Record<string, string>)[code] ?? code;
}

/** Recent transactions: one row per order, public facts only. */
export const TRANSACTION_LIST: ListSpec = {
  name: 'public-transactions',
  source: `(SELECT o.order_id, o.placed_at, o.paid_at, o.status, o.opd_code, o.opd_name, o.buyer_kabupaten_kota_code,
      o.vendor_id, COALESCE(v.name, '') AS vendor_name, o.vendor_scale, o.categories, o.total_rupiah, o.paid_rupiah
    FROM order_summaries o LEFT JOIN spending_vendors v ON v.vendor_id = o.vendor_id)`,
  fields: {
    orderId: 'order_id',
    placedAt: 'placed_at',
    paidAt: 'paid_at',
    status: 'status',
    opdCode: 'opd_code',
    opdName: 'opd_name',
    kabupatenKotaCode: 'buyer_kabupaten_kota_code',
    vendorId: 'vendor_id',
    vendorName: 'vendor_name',
    vendorScale: 'vendor_scale',
    categories: 'categories',
    totalRupiah: 'total_rupiah',
    paidRupiah: 'paid_rupiah',
  },
  filters: {
    status: { column: 'status', op: '=' },
    opdCode: { column: 'opd_code', op: '=' },
    kabupatenKotaCode: { column: 'buyer_kabupaten_kota_code', op: '=' },
    vendorId: { column: 'vendor_id', op: '=' },
    // categories is a sorted comma list: wrapped in commas, ",atk," matches the code exactly.
    category: { column: `(',' || categories || ',')`, op: 'contains' },
    placedFrom: { column: 'placed_at', op: '>=' },
    placedTo: { column: 'placed_at', op: '<=' },
    minTotalRupiah: { column: 'total_rupiah', op: '>=' },
    maxTotalRupiah: { column: 'total_rupiah', op: '<=' },
  },
  sorts: { placedAt: 'placed_at', totalRupiah: 'total_rupiah' },
  defaultSort: '-placedAt',
  uniqueKey: ['order_id'],
};

/** Vendors with their sales (what was paid to them), for finding a vendor page. */
export const VENDOR_LIST: ListSpec = {
  name: 'public-vendors',
  source: `(SELECT d.vendor_id, d.name, d.legal_form, d.scale, d.kabupaten_kota_code, d.is_local, d.status,
      COALESCE(s.amount_rupiah, 0) AS sales_rupiah, COALESCE(s.order_count, 0) AS order_count
    FROM vendor_directory d
    LEFT JOIN (SELECT vendor_id, SUM(amount_rupiah) AS amount_rupiah, SUM(order_count) AS order_count FROM spending_cube GROUP BY vendor_id) s
      ON s.vendor_id = d.vendor_id)`,
  fields: {
    vendorId: 'vendor_id',
    name: 'name',
    legalForm: 'legal_form',
    scale: 'scale',
    kabupatenKotaCode: 'kabupaten_kota_code',
    isLocal: 'is_local',
    status: 'status',
    salesRupiah: 'sales_rupiah',
    orderCount: 'order_count',
  },
  booleanFields: ['isLocal'],
  filters: {
    q: { column: 'name', op: 'contains' },
    scale: { column: 'scale', op: '=' },
    status: { column: 'status', op: '=' },
    kabupatenKotaCode: { column: 'kabupaten_kota_code', op: '=' },
    isLocal: { column: 'is_local', op: '=' },
  },
  sorts: { salesRupiah: 'sales_rupiah', name: 'name', orderCount: 'order_count' },
  defaultSort: '-salesRupiah',
  uniqueKey: ['vendor_id'],
};

/** The active catalog, with each vendor's region for the region filter. */
export const CATALOG_LIST: ListSpec = {
  name: 'public-catalog',
  source: `(SELECT l.listing_id, l.vendor_id, l.vendor_name, l.title, l.category, l.unit, l.price_rupiah, l.is_domestic_product,
      l.price_changed_at, l.price_change_count, d.kabupaten_kota_code, d.is_local, d.scale
    FROM catalog_listings l JOIN vendor_directory d ON d.vendor_id = l.vendor_id
    WHERE l.status = 'active')`,
  fields: {
    listingId: 'listing_id',
    vendorId: 'vendor_id',
    vendorName: 'vendor_name',
    title: 'title',
    category: 'category',
    unit: 'unit',
    priceRupiah: 'price_rupiah',
    isDomesticProduct: 'is_domestic_product',
    priceChangedAt: 'price_changed_at',
    priceChangeCount: 'price_change_count',
    kabupatenKotaCode: 'kabupaten_kota_code',
    vendorIsLocal: 'is_local',
    vendorScale: 'scale',
  },
  booleanFields: ['isDomesticProduct', 'vendorIsLocal'],
  filters: {
    q: { column: `(title || ' ' || vendor_name)`, op: 'contains' },
    category: { column: 'category', op: '=' },
    kabupatenKotaCode: { column: 'kabupaten_kota_code', op: '=' },
    vendorId: { column: 'vendor_id', op: '=' },
    minPriceRupiah: { column: 'price_rupiah', op: '>=' },
    maxPriceRupiah: { column: 'price_rupiah', op: '<=' },
  },
  sorts: { title: 'title', priceRupiah: 'price_rupiah', priceChangedAt: 'price_changed_at' },
  defaultSort: 'title',
  uniqueKey: ['listing_id'],
};

/** A listing's prices, oldest first (who changed it is not public). */
export const PRICE_HISTORY_LIST: ListSpec = {
  name: 'public-price-history',
  source: 'catalog_price_history',
  fields: { position: 'position', priceRupiah: 'price_rupiah', previousPriceRupiah: 'previous_price_rupiah', effectiveAt: 'effective_at' },
  filters: { listingId: { column: 'listing_id', op: '=' } },
  sorts: { position: 'position' },
  defaultSort: 'position',
  uniqueKey: ['listing_id', 'position'],
};

export interface PublicListing {
  readonly listingId: string;
  readonly title: string;
  readonly category: string;
  readonly unit: string;
  readonly priceRupiah: number;
  readonly status: string;
  readonly isDomesticProduct: boolean;
}

/** The public part of a vendor's directory row, or undefined. */
export function vendorProfileRow(db: Database.Database, vendorId: string): Record<string, unknown> | undefined {
  const row = db
    .prepare(
      `SELECT vendor_id, name, legal_form, scale, kabupaten_kota_code, is_local, status, registered_at, verified_at
       FROM vendor_directory WHERE vendor_id = ?`,
    )
    .get(vendorId) as Record<string, string | number | null> | undefined;
  if (!row) return undefined;
  return {
    vendorId: row.vendor_id,
    name: row.name,
    legalForm: row.legal_form,
    scale: row.scale,
    kabupatenKotaCode: row.kabupaten_kota_code,
    kabupatenKotaName: regionName(row.kabupaten_kota_code as string),
    isLocal: row.is_local === 1,
    status: row.status,
    registeredAt: row.registered_at,
    verifiedAt: row.verified_at,
  };
}

/** A vendor's listings (active and delisted) with their price histories, bounded. */
export function vendorListings(db: Database.Database, vendorId: string): { items: Record<string, unknown>[]; truncated: boolean } {
  const rows = db
    .prepare(
      `SELECT listing_id, title, category, unit, price_rupiah, status, is_domestic_product, price_change_count
       FROM catalog_listings WHERE vendor_id = ? ORDER BY title, listing_id LIMIT ?`,
    )
    .all(vendorId, VENDOR_LISTINGS_MAX + 1) as Record<string, string | number>[];
  const prices = db.prepare(
    `SELECT position, price_rupiah, effective_at FROM (
       SELECT position, price_rupiah, effective_at FROM catalog_price_history WHERE listing_id = ? ORDER BY position DESC LIMIT ?
     ) ORDER BY position`,
  );
  const items = rows.slice(0, VENDOR_LISTINGS_MAX).map((row) => ({
    listingId: row.listing_id,
    title: row.title,
    category: row.category,
    categoryName: categoryName(String(row.category)),
    unit: row.unit,
    priceRupiah: row.price_rupiah,
    status: row.status,
    isDomesticProduct: row.is_domestic_product === 1,
    priceChangeCount: row.price_change_count,
    priceHistory: (prices.all(row.listing_id, PRICE_POINTS_MAX) as Record<string, string | number>[]).map((point) => ({
      position: point.position,
      priceRupiah: point.price_rupiah,
      effectiveAt: point.effective_at,
    })),
  }));
  return { items, truncated: rows.length > VENDOR_LISTINGS_MAX };
}

/** A listing's public facts, or undefined. */
export function listingRow(db: Database.Database, listingId: string): Record<string, unknown> | undefined {
  const row = db
    .prepare(`SELECT listing_id, vendor_id, vendor_name, title, category, unit, price_rupiah, status FROM catalog_listings WHERE listing_id = ?`)
    .get(listingId) as Record<string, string | number> | undefined;
  if (!row) return undefined;
  return {
    listingId: row.listing_id,
    vendorId: row.vendor_id,
    vendorName: row.vendor_name,
    title: row.title,
    category: row.category,
    categoryName: categoryName(String(row.category)),
    unit: row.unit,
    priceRupiah: row.price_rupiah,
    status: row.status,
  };
}

export interface PublicCounts {
  readonly orders: number;
  readonly paidOrders: number;
  readonly vendors: number;
  readonly verifiedVendors: number;
  readonly localVendors: number;
  readonly activeListings: number;
  readonly opds: number;
  readonly firstMonth: string | null;
  readonly lastMonth: string | null;
}

export function publicCounts(db: Database.Database): PublicCounts {
  const one = (sql: string): Record<string, number | string | null> => db.prepare(sql).get() as Record<string, number | string | null>;
  const orders = one(`SELECT COUNT(*) AS n, COALESCE(SUM(status = 'paid'), 0) AS paid FROM order_summaries`);
  const vendors = one(
    `SELECT COUNT(*) AS n, COALESCE(SUM(status = 'verified'), 0) AS verified, COALESCE(SUM(is_local = 1 AND status = 'verified'), 0) AS local FROM vendor_directory`,
  );
  const listings = one(`SELECT COUNT(*) AS n FROM catalog_listings WHERE status = 'active'`);
  const opds = one(`SELECT COUNT(*) AS n FROM spending_opds`);
  const months = one(`SELECT MIN(month) AS first, MAX(month) AS last FROM spending_cube`);
  return {
    orders: Number(orders.n),
    paidOrders: Number(orders.paid),
    vendors: Number(vendors.n),
    verifiedVendors: Number(vendors.verified),
    localVendors: Number(vendors.local),
    activeListings: Number(listings.n),
    opds: Number(opds.n),
    firstMonth: (months.first as string | null) ?? null,
    lastMonth: (months.last as string | null) ?? null,
  };
}
