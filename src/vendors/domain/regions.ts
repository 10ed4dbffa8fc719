/**
 * BPS kabupaten/kota codes (4 digits: 2 province + 2 regency). Banten (36) is listed in full,
 * since "local" means Banten; elsewhere the province must exist and the regency part must be a
 * kabupaten (01-69) or kota (71-99) number: the full national list is not embedded (yet).
 */
export const BANTEN_PROVINCE_CODE = '36';

export const BANTEN_KABUPATEN_KOTA: Readonly<Record<string, string>> = {
  '3601': 'Kab. Pandeglang',
  '3602': 'Kab. Lebak',
  '3603': 'Kab. Tangerang',
  '3604': 'Kab. Serang',
  '3671': 'Kota Tangerang',
  '3672': 'Kota Cilegon',
  '3673': 'Kota Serang',
  '3674': 'Kota Tangerang Selatan',
};

export const PROVINCES: Readonly<Record<string, string>> = {
  '11': 'Aceh',
  '12': 'Sumatera Utara',
  '13': 'Sumatera Barat',
  '14': 'Riau',
  '15': 'Jambi',
  '16': 'Sumatera Selatan',
  '17': 'Bengkulu',
  '18': 'Lampung',
  '19': 'Kepulauan Bangka Belitung',
  '21': 'Kepulauan Riau',
  '31': 'DKI Jakarta',
  '32': 'Jawa Barat',
  '33': 'Jawa Tengah',
  '34': 'DI Yogyakarta',
  '35': 'Jawa Timur',
  '36': 'Banten',
  '51': 'Bali',
  '52': 'Nusa Tenggara Barat',
  '53': 'Nusa Tenggara Timur',
  '61': 'Kalimantan Barat',
  '62': 'Kalimantan Tengah',
  '63': 'Kalimantan Selatan',
  '64': 'Kalimantan Timur',
  '65': 'Kalimantan Utara',
  '71': 'Sulawesi Utara',
  '72': 'Sulawesi Tengah',
  '73': 'Sulawesi Selatan',
  '74': 'Sulawesi Tenggara',
  '75': 'Gorontalo',
  '76': 'Sulawesi Barat',
  '81': 'Maluku',
  '82': 'Maluku Utara',
  '91': 'Papua Barat',
  '92': 'Papua Barat Daya',
  '94': 'Papua',
  '95': 'Papua Selatan',
  '96': 'Papua Tengah',
  '97': 'Papua Pegunungan',
};

/** A BPS kabupaten/kota code: 4 digits, the first two its province. */
export const KABUPATEN_KOTA_CODE_PATTERN = /^\d{4}$/;

export function isKnownKabupatenKota(code: string): boolean {
  if (!KABUPATEN_KOTA_CODE_PATTERN.test(code)) return false;
  const province = code.slice(0, 2);
  if (province === BANTEN_PROVINCE_CODE) return code in BANTEN_KABUPATEN_KOTA;
  const regency = Number(code.slice(2));
  return province in PROVINCES && regency >= 1 && regency !== 70;
}

export function isBanten(code: string): boolean {
  return code.startsWith(BANTEN_PROVINCE_CODE);
}
