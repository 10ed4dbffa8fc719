import type { SchemaObject } from '@nestjs/swagger';
import { BOOLEAN, INTEGER, RUPIAH, STRING, arrayOf, nullable, objectSchema } from '../../http/openapi/api-responses.js';
import { SPENDING_DIMENSIONS, UMK_KOPERASI_TARGET_PERCENT, UMK_KOPERASI_TARGET_RULE, type SpendingTotals } from '../queries/spending.queries.js';

/** What withShares adds to a row of amounts (src/read-models/queries/spending.queries.ts). */
interface Shares {
  readonly umkKoperasiSharePercent: number | null;
  readonly localSharePercent: number | null;
  readonly meetsUmkKoperasiTarget: boolean | null;
}

const PERCENT = nullable({ type: 'number', minimum: 0, maximum: 100, description: 'two decimals; null when nothing was paid' });
const SHARES = {
  umkKoperasiSharePercent: PERCENT,
  localSharePercent: PERCENT,
  meetsUmkKoperasiTarget: nullable({
    ...BOOLEAN,
    description: `the UMK/koperasi share is at least ${UMK_KOPERASI_TARGET_PERCENT}%; null when nothing was paid`,
  }),
} satisfies Record<keyof Shares, SchemaObject>;
const AMOUNTS = { amountRupiah: RUPIAH, orderCount: { ...INTEGER, minimum: 0 }, umkKoperasiRupiah: RUPIAH, localRupiah: RUPIAH } satisfies Record<
  keyof SpendingTotals,
  SchemaObject
>;

export const SPENDING_TOTALS_SCHEMA = objectSchema<SpendingTotals & Shares>({ ...AMOUNTS, ...SHARES });

/** One group of a spending breakdown. */
export const SPENDING_GROUP_SCHEMA = objectSchema<SpendingTotals & Shares & { key: string; label: string | null }>({
  key: { ...STRING, description: 'the group: an OPD code, a kabupaten/kota code, a vendor id, a category, a month (YYYY-MM), a scale or banten/luar-banten' },
  label: nullable({ ...STRING, description: 'its readable name' }),
  ...AMOUNTS,
  ...SHARES,
});

export const TARGET_PERCENT_SCHEMA: SchemaObject = { type: 'integer', enum: [UMK_KOPERASI_TARGET_PERCENT] };
export const TARGET_RULE_SCHEMA: SchemaObject = { ...STRING, enum: [UMK_KOPERASI_TARGET_RULE] };

export const SPENDING_PAGE_SCHEMA = objectSchema<{
  by: string;
  items: unknown;
  nextCursor: unknown;
  limit: number;
  sort: string;
  totals: unknown;
  targetPercent: number;
  targetRule: string;
}>({
  by: { type: 'string', enum: [...SPENDING_DIMENSIONS] },
  items: arrayOf(SPENDING_GROUP_SCHEMA),
  nextCursor: nullable({ ...STRING, description: 'pass as cursor for the next page; null on the last page' }),
  limit: { ...INTEGER, minimum: 1 },
  sort: STRING,
  totals: SPENDING_TOTALS_SCHEMA,
  targetPercent: TARGET_PERCENT_SCHEMA,
  targetRule: TARGET_RULE_SCHEMA,
});

const GROUPS = objectSchema<{ items: unknown; truncated: boolean }>({
  items: arrayOf(SPENDING_GROUP_SCHEMA),
  truncated: { ...BOOLEAN, description: 'more groups than the answer lists' },
});

export const SPENDING_TARGETS_SCHEMA = objectSchema<{ targetPercent: number; targetRule: string; overall: unknown; byKabupatenKota: unknown; byOpd: unknown }>({
  targetPercent: TARGET_PERCENT_SCHEMA,
  targetRule: TARGET_RULE_SCHEMA,
  overall: SPENDING_TOTALS_SCHEMA,
  byKabupatenKota: GROUPS,
  byOpd: GROUPS,
});
