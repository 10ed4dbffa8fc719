import { CATEGORIES } from '../../catalog/domain/categories.js';
import { BANTEN_KABUPATEN_KOTA, PROVINCES } from '../../vendors/domain/regions.js';

/** Labels in Bahasa Indonesia for the codes the API answers with (one source: the domain's lists). */
export const REGIONS: Readonly<Record<string, string>> = BANTEN_KABUPATEN_KOTA;
export const CATEGORY_LABELS: Readonly<Record<string, string>> = CATEGORIES;

export const ORDER_STATUS_LABELS: Readonly<Record<string, string>> = {
  placed: 'Dipesan',
  authorised: 'Dana ditahan',
  declined: 'Kartu menolak',
  accepted: 'Diterima penyedia',
  rejected: 'Ditolak penyedia',
  shipped: 'Dikirim',
  received: 'Diterima OPD',
  paid: 'Dibayar',
  cancelled: 'Dibatalkan',
  expired: 'Kedaluwarsa',
};

export const SCALE_LABELS: Readonly<Record<string, string>> = {
  mikro: 'Usaha mikro',
  kecil: 'Usaha kecil',
  menengah: 'Usaha menengah',
  besar: 'Usaha besar',
  koperasi: 'Koperasi',
};

export const VENDOR_STATUS_LABELS: Readonly<Record<string, string>> = {
  pending: 'Menunggu verifikasi',
  verified: 'Terverifikasi',
  rejected: 'Ditolak',
  suspended: 'Dibekukan',
};

export function regionLabel(code: string | null | undefined): string {
  if (!code) return '–';
  const province = PROVINCES[code.slice(0, 2)];
  return REGIONS[code] ?? (province ? `Luar Banten (${province})` : `Luar Banten (${code})`);
}

export function label(labels: Readonly<Record<string, string>>, code: string | null | undefined): string {
  if (!code) return '–';
  return labels[code] ?? code;
}
