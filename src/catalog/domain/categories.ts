/** The fixed category code list (documented in docs/catalog-categories.md). Codes never change meaning. */
export const CATEGORIES = {
  'makan-minum': 'Makanan dan minuman (konsumsi rapat, katering)',
  atk: 'Alat tulis kantor',
  souvenir: 'Cendera mata dan suvenir',
  transportasi: 'Jasa transportasi dan sewa kendaraan',
  furnitur: 'Furnitur dan perlengkapan kantor',
  elektronik: 'Elektronik dan perangkat komputer',
  'jasa-kebersihan': 'Jasa kebersihan',
  percetakan: 'Percetakan dan penggandaan',
  'pakaian-seragam': 'Pakaian dan seragam',
  'bahan-bangunan': 'Bahan bangunan dan perkakas',
  kesehatan: 'Alat dan bahan kesehatan',
  pertanian: 'Hasil dan sarana pertanian',
  'jasa-lainnya': 'Jasa lainnya',
} as const;

export type CategoryCode = keyof typeof CATEGORIES;
export const CATEGORY_CODES = Object.keys(CATEGORIES) as CategoryCode[];

export function isCategory(code: string): code is CategoryCode {
  return Object.hasOwn(CATEGORIES, code);
}
