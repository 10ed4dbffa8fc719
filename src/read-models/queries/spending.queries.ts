import type Database from 'better-sqlite3';
import type { SqlValue } from '../../../projections/projection.js';
import { CATEGORIES } from '../../catalog/domain/categories.js';
import { BANTEN_KABUPATEN_KOTA } from '../../vendors/domain/regions.js';
import type { ListSpec } from '../keyset-query.js';

/** Perpres 12/2021: at least 40% of goods and services spending to micro, small enterprises and koperasi. */
export const UMK_KOPERASI_TARGET_PERCENT = 40;
export const UMK_KOPERASI_TARGET_RULE = 'Perpres 12/2021 Pasal 65 ayat (4)';
const UMK_SCALES_SQL = `('mikro', 'kecil', 'koperasi')`;
/** The targets summary lists at most this many groups per dimension (there are dozens of OPD). */
export const TARGET_GROUPS_MAX = 1_000;

export const SPENDING_DIMENSIONS = ['opd', 'kabupaten-kota', 'vendor', 'category', 'month', 'scale', 'locality'] as const;
export type SpendingDimension = (typeof SPENDING_DIMENSIONS)[number];

const GROUPING: Readonly<Record<SpendingDimension, { key: string; label: string }>> = {
  opd: { key: 'c.opd_code', label: 'MAX(o.opd_name)' },
  'kabupaten-kota': { key: 'c.buyer_kabupaten_kota_code', label: 'c.buyer_kabupaten_kota_code' },
  vendor: { key: 'c.vendor_id', label: 'MAX(v.name)' },
  category: { key: 'c.category', label: 'c.category' },
  month: { key: 'c.month', label: 'c.month' },
  scale: { key: 'c.vendor_scale', label: 'c.vendor_scale' },
  locality: {
    key: `CASE c.vendor_is_local WHEN 1 THEN 'banten' ELSE 'luar-banten' END`,
    label: `CASE c.vendor_is_local WHEN 1 THEN 'Banten' ELSE 'Luar Banten' END`,
  },
};

export interface SpendingFilters {
  readonly monthFrom?: string;
  readonly monthTo?: string;
  readonly opdCode?: string;
  readonly kabupatenKotaCode?: string;
  readonly vendorId?: string;
  readonly category?: string;
  readonly scale?: string;
  readonly isLocal?: boolean;
}

function whereOf(filters: SpendingFilters): { sql: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, value: SqlValue | undefined): void => {
    if (value === undefined) return;
    clauses.push(clause);
    params.push(value);
  };
  add('c.month >= ?', filters.monthFrom);
  add('c.month <= ?', filters.monthTo);
  add('c.opd_code = ?', filters.opdCode);
  add('c.buyer_kabupaten_kota_code = ?', filters.kabupatenKotaCode);
  add('c.vendor_id = ?', filters.vendorId);
  add('c.category = ?', filters.category);
  add('c.vendor_scale = ?', filters.scale);
  add('c.vendor_is_local = ?', filters.isLocal === undefined ? undefined : filters.isLocal ? 1 : 0);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const MEASURES = `SUM(c.amount_rupiah) AS amount_rupiah,
  SUM(c.order_count) AS order_count,
  SUM(CASE WHEN c.vendor_scale IN ${UMK_SCALES_SQL} THEN c.amount_rupiah ELSE 0 END) AS umk_koperasi_rupiah,
  SUM(CASE WHEN c.vendor_is_local = 1 THEN c.amount_rupiah ELSE 0 END) AS local_rupiah`;

/** Spending grouped by one dimension: a subquery the keyset pager sorts and pages. */
export function spendingListSpec(by: SpendingDimension, filters: SpendingFilters): ListSpec {
  const grouping = GROUPING[by];
  const where = whereOf(filters);
  return {
    name: `spending-by-${by}`,
    source: `(SELECT ${grouping.key} AS group_key, ${grouping.label} AS label, ${MEASURES}
      FROM spending_cube c
      LEFT JOIN spending_opds o ON o.opd_code = c.opd_code
      LEFT JOIN spending_vendors v ON v.vendor_id = c.vendor_id
      ${where.sql} GROUP BY group_key)`,
    sourceParams: where.params,
    fields: {
      key: 'group_key',
      label: 'label',
      amountRupiah: 'amount_rupiah',
      orderCount: 'order_count',
      umkKoperasiRupiah: 'umk_koperasi_rupiah',
      localRupiah: 'local_rupiah',
    },
    filters: {},
    sorts: { amountRupiah: 'amount_rupiah', key: 'group_key', orderCount: 'order_count' },
    defaultSort: '-amountRupiah',
    uniqueKey: ['group_key'],
  };
}

export interface SpendingTotals {
  readonly amountRupiah: number;
  readonly orderCount: number;
  readonly umkKoperasiRupiah: number;
  readonly localRupiah: number;
}

export function spendingTotals(db: Database.Database, filters: SpendingFilters): SpendingTotals {
  const where = whereOf(filters);
  const row = db.prepare(`SELECT ${MEASURES} FROM spending_cube c ${where.sql}`).get(...where.params) as Record<string, number | null>;
  return {
    amountRupiah: row.amount_rupiah ?? 0,
    orderCount: row.order_count ?? 0,
    umkKoperasiRupiah: row.umk_koperasi_rupiah ?? 0,
    localRupiah: row.local_rupiah ?? 0,
  };
}

/** Shares as percentages (two decimals) and the Perpres 12/2021 test; a label for codes. */
export function withShares<Row extends { amountRupiah: unknown; umkKoperasiRupiah: unknown; localRupiah: unknown }>(
  row: Row,
  by?: SpendingDimension,
): Row & { umkKoperasiSharePercent: number | null; localSharePercent: number | null; meetsUmkKoperasiTarget: boolean | null } {
  const amount = Number(row.amountRupiah);
  const percent = (part: unknown): number | null => (amount > 0 ? Math.round((Number(part) * 10_000) / amount) / 100 : null);
  const umkShare = percent(row.umkKoperasiRupiah);
  const labelled = by === undefined ? row : { ...row, label: labelOf(by, row as unknown as { key: string; label: string | null }) };
  return {
    ...labelled,
    umkKoperasiSharePercent: umkShare,
    localSharePercent: percent(row.localRupiah),
    meetsUmkKoperasiTarget: umkShare === null ? null : umkShare >= UMK_KOPERASI_TARGET_PERCENT,
  };
}

function labelOf(by: SpendingDimension, row: { key: string; label: string | null }): string | null {
  if (by === 'kabupaten-kota') return BANTEN_KABUPATEN_KOTA[row.key] ?? row.key;
  if (by === 'category') return (CATEGORIES as Record<string, string>)[row.key] ?? row.key;
  return row.label;
}
