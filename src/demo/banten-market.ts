import type { CategoryCode } from '../catalog/domain/categories.js';
import { BANTEN_KABUPATEN_KOTA, BANTEN_PROVINCE_CODE } from '../vendors/domain/regions.js';

/**
 * The simulated Banten market: who buys (OPD), what is sold, and what things cost. OPD codes
 * have the one registered format (src/opds/domain/opd-code.ts): `36-DINKES` for Pemprov Banten's
 * OPDs (seated in Kota Serang), `3673-DINKES` for Kota Serang's own.
 */
export interface Opd {
  readonly opdCode: string;
  readonly opdName: string;
  readonly kabupatenKotaCode: string;
}

const PROVINCE_SEAT = '3673';
const PROVINCIAL_OPDS: readonly [string, string][] = [
  ['SETDA', 'Sekretariat Daerah Provinsi Banten'],
  ['DINKES', 'Dinas Kesehatan Provinsi Banten'],
  ['DINDIKBUD', 'Dinas Pendidikan dan Kebudayaan Provinsi Banten'],
  ['DPUPR', 'Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Banten'],
  ['DISHUB', 'Dinas Perhubungan Provinsi Banten'],
  ['DISKOPUKM', 'Dinas Koperasi dan UKM Provinsi Banten'],
  ['BAPPEDA', 'Badan Perencanaan Pembangunan Daerah Provinsi Banten'],
  ['BPKAD', 'Badan Pengelolaan Keuangan dan Aset Daerah Provinsi Banten'],
  ['DISPAR', 'Dinas Pariwisata Provinsi Banten'],
  ['DLHK', 'Dinas Lingkungan Hidup dan Kehutanan Provinsi Banten'],
  ['BIROPBJ', 'Biro Pengadaan Barang dan Jasa Setda Provinsi Banten'],
  ['INSPEKTORAT', 'Inspektorat Provinsi Banten'],
];
const LOCAL_OPDS: readonly [string, string][] = [
  ['SETDA', 'Sekretariat Daerah'],
  ['DINKES', 'Dinas Kesehatan'],
  ['DISDIK', 'Dinas Pendidikan'],
  ['DPUPR', 'Dinas Pekerjaan Umum dan Penataan Ruang'],
  ['DINSOS', 'Dinas Sosial'],
  ['DISKOPERINDAG', 'Dinas Koperasi, UKM, Perindustrian dan Perdagangan'],
];

export function bantenOpds(): Opd[] {
  const provincial = PROVINCIAL_OPDS.map(([code, name]) => ({ opdCode: `${BANTEN_PROVINCE_CODE}-${code}`, opdName: name, kabupatenKotaCode: PROVINCE_SEAT }));
  const local = Object.entries(BANTEN_KABUPATEN_KOTA).flatMap(([kabupatenKotaCode, regionName]) =>
    LOCAL_OPDS.map(([code, name]) => ({ opdCode: `${kabupatenKotaCode}-${code}`, opdName: `${name} ${regionName}`, kabupatenKotaCode })),
  );
  return [...provincial, ...local];
}

/** Vendors outside Banten (DKI Jakarta, Jawa Barat): they sell here too, but are not local. */
export const NON_LOCAL_REGIONS: readonly string[] = ['3171', '3172', '3173', '3174', '3175', '3201', '3216', '3275', '3276'];

export const NAME_WORDS: readonly string[] = [
  'Sari',
  'Rasa',
  'Maju',
  'Jaya',
  'Berkah',
  'Mandiri',
  'Sejahtera',
  'Baduy',
  'Krakatau',
  'Tirtayasa',
  'Sultan',
  'Pesisir',
  'Anyer',
  'Carita',
  'Ujung Kulon',
  'Karangantu',
  'Menes',
  'Rangkas',
  'Ciomas',
  'Cibaliung',
  'Labuan',
  'Cikande',
  'Pontang',
  'Tanara',
  'Kasemen',
  'Walantaka',
  'Bojonegara',
  'Merak',
  'Sawarna',
  'Malingping',
  'Bayah',
  'Kresek',
  'Mauk',
  'Teluk Naga',
  'Amanah',
  'Barokah',
  'Sentosa',
  'Abadi',
  'Lestari',
  'Mulya',
  'Putra',
  'Putri',
  'Bersama',
  'Makmur',
  'Gemilang',
  'Sinar',
];

export interface ProductTemplate {
  readonly title: string;
  readonly unit: string;
  readonly priceMinRupiah: number;
  readonly priceMaxRupiah: number;
  /** Typical quantity bought in one order. */
  readonly quantityMax: number;
}

const RIBU = 1_000;
const JUTA = 1_000_000;

export const PRODUCTS: Readonly<Partial<Record<CategoryCode, readonly ProductTemplate[]>>> = {
  'makan-minum': [
    { title: 'Nasi kotak rapat', unit: 'kotak', priceMinRupiah: 25 * RIBU, priceMaxRupiah: 45 * RIBU, quantityMax: 150 },
    { title: 'Snack box rapat', unit: 'kotak', priceMinRupiah: 12 * RIBU, priceMaxRupiah: 25 * RIBU, quantityMax: 200 },
    { title: 'Sate bandeng', unit: 'ekor', priceMinRupiah: 45 * RIBU, priceMaxRupiah: 80 * RIBU, quantityMax: 40 },
    { title: 'Emping melinjo Menes', unit: 'kg', priceMinRupiah: 80 * RIBU, priceMaxRupiah: 150 * RIBU, quantityMax: 30 },
    { title: 'Rabeg daging', unit: 'porsi', priceMinRupiah: 30 * RIBU, priceMaxRupiah: 55 * RIBU, quantityMax: 100 },
  ],
  atk: [
    { title: 'Kertas HVS A4 70 gsm', unit: 'rim', priceMinRupiah: 45 * RIBU, priceMaxRupiah: 60 * RIBU, quantityMax: 100 },
    { title: 'Pulpen gel hitam', unit: 'lusin', priceMinRupiah: 25 * RIBU, priceMaxRupiah: 60 * RIBU, quantityMax: 50 },
    { title: 'Map plastik kancing', unit: 'lusin', priceMinRupiah: 20 * RIBU, priceMaxRupiah: 40 * RIBU, quantityMax: 50 },
    { title: 'Tinta printer', unit: 'botol', priceMinRupiah: 60 * RIBU, priceMaxRupiah: 120 * RIBU, quantityMax: 40 },
  ],
  souvenir: [
    { title: 'Kain batik Banten', unit: 'lembar', priceMinRupiah: 150 * RIBU, priceMaxRupiah: 450 * RIBU, quantityMax: 50 },
    { title: 'Miniatur golok Ciomas', unit: 'buah', priceMinRupiah: 75 * RIBU, priceMaxRupiah: 250 * RIBU, quantityMax: 40 },
    { title: 'Tas anyaman Baduy', unit: 'buah', priceMinRupiah: 60 * RIBU, priceMaxRupiah: 180 * RIBU, quantityMax: 60 },
  ],
  transportasi: [
    { title: 'Sewa minibus dengan sopir', unit: 'hari', priceMinRupiah: 700 * RIBU, priceMaxRupiah: 1_500 * RIBU, quantityMax: 5 },
    { title: 'Sewa bus pariwisata', unit: 'hari', priceMinRupiah: 2_500 * RIBU, priceMaxRupiah: 4_500 * RIBU, quantityMax: 3 },
  ],
  furnitur: [
    { title: 'Kursi kantor', unit: 'unit', priceMinRupiah: 450 * RIBU, priceMaxRupiah: 1_500 * RIBU, quantityMax: 20 },
    { title: 'Meja rapat', unit: 'unit', priceMinRupiah: 1_200 * RIBU, priceMaxRupiah: 4 * JUTA, quantityMax: 5 },
    { title: 'Lemari arsip besi', unit: 'unit', priceMinRupiah: 1_500 * RIBU, priceMaxRupiah: 3_500 * RIBU, quantityMax: 5 },
  ],
  elektronik: [
    { title: 'Printer laser', unit: 'unit', priceMinRupiah: 2 * JUTA, priceMaxRupiah: 4_500 * RIBU, quantityMax: 4 },
    { title: 'Proyektor', unit: 'unit', priceMinRupiah: 4 * JUTA, priceMaxRupiah: 8 * JUTA, quantityMax: 3 },
    { title: 'Laptop kantor', unit: 'unit', priceMinRupiah: 7 * JUTA, priceMaxRupiah: 14 * JUTA, quantityMax: 3 },
  ],
  'jasa-kebersihan': [
    { title: 'Jasa kebersihan gedung', unit: 'bulan', priceMinRupiah: 3 * JUTA, priceMaxRupiah: 9 * JUTA, quantityMax: 3 },
    { title: 'Pengendalian hama', unit: 'kali', priceMinRupiah: 500 * RIBU, priceMaxRupiah: 2 * JUTA, quantityMax: 4 },
  ],
  percetakan: [
    { title: 'Cetak spanduk', unit: 'm2', priceMinRupiah: 25 * RIBU, priceMaxRupiah: 45 * RIBU, quantityMax: 60 },
    { title: 'Cetak buku laporan', unit: 'eksemplar', priceMinRupiah: 30 * RIBU, priceMaxRupiah: 90 * RIBU, quantityMax: 100 },
    { title: 'Cetak undangan', unit: 'lembar', priceMinRupiah: 3 * RIBU, priceMaxRupiah: 9 * RIBU, quantityMax: 500 },
  ],
  'pakaian-seragam': [
    { title: 'Seragam PDH', unit: 'stel', priceMinRupiah: 250 * RIBU, priceMaxRupiah: 450 * RIBU, quantityMax: 40 },
    { title: 'Kaos kegiatan', unit: 'buah', priceMinRupiah: 60 * RIBU, priceMaxRupiah: 110 * RIBU, quantityMax: 150 },
  ],
  'bahan-bangunan': [
    { title: 'Semen 50 kg', unit: 'sak', priceMinRupiah: 60 * RIBU, priceMaxRupiah: 75 * RIBU, quantityMax: 100 },
    { title: 'Cat tembok', unit: 'galon', priceMinRupiah: 150 * RIBU, priceMaxRupiah: 350 * RIBU, quantityMax: 30 },
  ],
  kesehatan: [
    { title: 'Masker medis', unit: 'kotak', priceMinRupiah: 35 * RIBU, priceMaxRupiah: 70 * RIBU, quantityMax: 100 },
    { title: 'Cairan pembersih tangan', unit: 'liter', priceMinRupiah: 60 * RIBU, priceMaxRupiah: 120 * RIBU, quantityMax: 50 },
  ],
  pertanian: [
    { title: 'Benih padi', unit: 'kg', priceMinRupiah: 12 * RIBU, priceMaxRupiah: 20 * RIBU, quantityMax: 300 },
    { title: 'Pupuk organik', unit: 'sak', priceMinRupiah: 40 * RIBU, priceMaxRupiah: 90 * RIBU, quantityMax: 100 },
  ],
  'jasa-lainnya': [
    { title: 'Dokumentasi kegiatan', unit: 'paket', priceMinRupiah: 1_500 * RIBU, priceMaxRupiah: 5 * JUTA, quantityMax: 2 },
    { title: 'Sewa tenda', unit: 'unit', priceMinRupiah: 500 * RIBU, priceMaxRupiah: 1_500 * RIBU, quantityMax: 6 },
  ],
};

export const PRODUCT_CATEGORIES = Object.keys(PRODUCTS) as CategoryCode[];

/** Fictitious officials (pejabat pengadaan / PPK) who place orders. */
export const OFFICIAL_NAMES: readonly string[] = [
  'Ahmad Fauzi',
  'Siti Rohmah',
  'Dedi Supriadi',
  'Nurul Hidayah',
  'Rudi Hartono',
  'Euis Komariah',
  'Asep Saepudin',
  'Lilis Suryani',
  'Ujang Sobari',
  'Ratna Dewi',
  'Iwan Setiawan',
  'Yayah Rokayah',
  'Hendra Gunawan',
  'Neneng Hasanah',
];
