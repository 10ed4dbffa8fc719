import type { CategoryCode } from '../catalog/domain/categories.js';
import type { RedFlagRule } from '../red-flags/domain/red-flag-rules.js';

/**
 * Purchases the demo market makes on its first trading day so that every red-flag rule has at
 * least one finding to show (docs/red-flags.md), under the default policy. Three vendors of the
 * scenario register and are verified a few days before trading starts, so they are also new.
 */
export interface ScenarioListing {
  readonly key: string;
  readonly category: CategoryCode;
  readonly title: string;
  readonly unit: string;
  readonly priceRupiah: number;
}

export interface ScenarioVendor {
  readonly key: string;
  readonly name: string;
  readonly listings: readonly ScenarioListing[];
}

export interface ScenarioOrder {
  readonly vendorKey: string;
  /** Index into the market's OPD list. */
  readonly opdIndex: number;
  readonly lines: readonly (readonly [listingKey: string, quantity: number])[];
  /** Seconds after the scenario's start on the first trading day. */
  readonly offsetSeconds: number;
  /** The rules this order is meant to raise (the integration test checks every rule is raised). */
  readonly raises: readonly RedFlagRule[];
}

export const RED_FLAG_VENDORS: readonly ScenarioVendor[] = [
  {
    key: 'splitter',
    name: 'CV Meubel Pecah Paket',
    listings: [{ key: 'kursi', category: 'furnitur', title: 'Kursi rapat ergonomis', unit: 'unit', priceRupiah: 800_000 }],
  },
  {
    key: 'stationer',
    name: 'CV Alat Tulis Mahal',
    listings: [
      // Ordinary prices, inside the market's own spread for stationery.
      { key: 'map', category: 'atk', title: 'Map plastik', unit: 'lusin', priceRupiah: 30_000 },
      { key: 'pulpen', category: 'atk', title: 'Pulpen gel hitam', unit: 'lusin', priceRupiah: 45_000 },
      { key: 'hvs', category: 'atk', title: 'Kertas HVS A4', unit: 'rim', priceRupiah: 55_000 },
      { key: 'amplop', category: 'atk', title: 'Amplop coklat folio', unit: 'pak', priceRupiah: 40_000 },
      { key: 'pulpen-emas', category: 'atk', title: 'Pulpen berlapis emas', unit: 'buah', priceRupiah: 2_500_000 },
    ],
  },
  {
    key: 'generalist',
    name: 'CV Serba Ada Sejagat',
    listings: [
      { key: 'nasi', category: 'makan-minum', title: 'Nasi kotak', unit: 'kotak', priceRupiah: 35_000 },
      { key: 'hvs', category: 'atk', title: 'Kertas HVS A4', unit: 'rim', priceRupiah: 50_000 },
      { key: 'batik', category: 'souvenir', title: 'Kain batik Banten', unit: 'lembar', priceRupiah: 250_000 },
      { key: 'spanduk', category: 'percetakan', title: 'Cetak spanduk', unit: 'buah', priceRupiah: 150_000 },
      { key: 'masker', category: 'kesehatan', title: 'Masker medis', unit: 'kotak', priceRupiah: 45_000 },
    ],
  },
];

const STATIONERY = [
  ['map', 1],
  ['amplop', 1],
  ['pulpen', 1],
  ['hvs', 1],
] as const;

export const RED_FLAG_ORDERS: readonly ScenarioOrder[] = [
  // Two orders of Rp 48,000,000 18 seconds apart, then a third: one purchase split in three.
  { vendorKey: 'splitter', opdIndex: 0, lines: [['kursi', 60]], offsetSeconds: 0, raises: ['near-cap', 'new-vendor-large-order'] },
  { vendorKey: 'splitter', opdIndex: 0, lines: [['kursi', 60]], offsetSeconds: 18, raises: ['split-purchase', 'duplicate-payment', 'near-cap'] },
  // Paid with the two above, one vendor holds most of the OPD's spending.
  { vendorKey: 'splitter', opdIndex: 0, lines: [['kursi', 40]], offsetSeconds: 1_800, raises: ['split-purchase', 'concentration'] },
  // Ordinary stationery prices for the category's reference, then a pen at Rp 2,500,000.
  { vendorKey: 'stationer', opdIndex: 1, lines: STATIONERY, offsetSeconds: 3_600, raises: [] },
  { vendorKey: 'stationer', opdIndex: 2, lines: STATIONERY, offsetSeconds: 3_900, raises: [] },
  { vendorKey: 'stationer', opdIndex: 3, lines: STATIONERY, offsetSeconds: 4_200, raises: [] },
  { vendorKey: 'stationer', opdIndex: 4, lines: [['pulpen-emas', 2]], offsetSeconds: 7_200, raises: ['price-outlier'] },
  // A micro business selling food, stationery, souvenirs, printing and health supplies in one order.
  {
    vendorKey: 'generalist',
    opdIndex: 5,
    lines: [
      ['nasi', 20],
      ['hvs', 5],
      ['batik', 2],
      ['spanduk', 3],
      ['masker', 4],
    ],
    offsetSeconds: 10_800,
    raises: ['heterogeneous-supplier'],
  },
];
