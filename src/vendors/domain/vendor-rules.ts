import type { VendorScale } from '../../policy/domain/policy.js';

/** PP 7/2021 Pasal 35: business scale by capital (excluding land and buildings) or annual sales. */
export const SCALE_RULE = 'PP 7/2021 Pasal 35';
const JUTA = 1_000_000;
const MILIAR = 1_000 * JUTA;

const CAPITAL_CEILINGS: readonly [VendorScale, number][] = [
  ['mikro', 1 * MILIAR],
  ['kecil', 5 * MILIAR],
  ['menengah', 10 * MILIAR],
];
const SALES_CEILINGS: readonly [VendorScale, number][] = [
  ['mikro', 2 * MILIAR],
  ['kecil', 15 * MILIAR],
  ['menengah', 50 * MILIAR],
];

export const LEGAL_FORMS = ['perorangan', 'ud', 'cv', 'firma', 'pt', 'pt-perorangan', 'koperasi'] as const;
export type LegalForm = (typeof LEGAL_FORMS)[number];

/**
 * Capital is the test at registration; annual sales are the alternative when no capital is
 * declared. A koperasi is its own class (eligible by default policy).
 */
export function scaleOf(legalForm: LegalForm, capitalRupiah: number | undefined, annualSalesRupiah: number | undefined): VendorScale {
  if (legalForm === 'koperasi') return 'koperasi';
  if (capitalRupiah !== undefined) return classify(capitalRupiah, CAPITAL_CEILINGS);
  if (annualSalesRupiah !== undefined) return classify(annualSalesRupiah, SALES_CEILINGS);
  throw new RangeError('capital or annual sales is required to classify a business');
}

function classify(amount: number, ceilings: readonly [VendorScale, number][]): VendorScale {
  for (const [scale, ceiling] of ceilings) if (amount <= ceiling) return scale;
  return 'besar';
}

/** NIB (Nomor Induk Berusaha): 13 digits. */
export const NIB_PATTERN = /^\d{13}$/;

export function isValidNib(nib: string): boolean {
  return NIB_PATTERN.test(nib);
}

/** NPWP: 15 digits (old form) or 16 digits (from 2024: "0" + the old 15 for an entity, the NIK for a person). */
export function isValidNpwp(npwp: string): boolean {
  return /^\d{15}$/.test(npwp) || /^\d{16}$/.test(npwp);
}

/** The public sees a person's NPWP/NIK only masked. */
export function maskNpwp(npwp: string): string {
  return `${'*'.repeat(npwp.length - 4)}${npwp.slice(-4)}`;
}
