import { BANTEN_KABUPATEN_KOTA, PROVINCES, isKnownKabupatenKota } from '../../vendors/domain/regions.js';

/**
 * The one spelling of an OPD/satker code: `<pemda>-<UNIT>`, where `<pemda>` is the BPS code of
 * the pemerintah daerah the OPD belongs to (4 digits for a kabupaten/kota, 2 for a province) and
 * `<UNIT>` its abbreviation in capitals, digits and single hyphens: `3673-DINKES` (Dinas
 * Kesehatan Kota Serang), `36-DINKES` (Dinas Kesehatan Provinsi Banten), `3604-PKM-CIOMAS`.
 * Every DTO that takes an OPD code (cards, keys, orders, read-model filters) uses this pattern.
 */
export const OPD_CODE_PATTERN = /^(?:\d{2}|\d{4})-[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;
export const OPD_CODE_LENGTH_MAX = 40;
export const OPD_CODE_EXAMPLE = '3673-DINKES';
export const OPD_CODE_FORMAT = `<BPS code of the pemda (2 or 4 digits)>-<UNIT> in capitals, digits and single hyphens, at most ${OPD_CODE_LENGTH_MAX} characters, e.g. ${OPD_CODE_EXAMPLE}`;
/** A pemda's BPS code: a province (2 digits) or a kabupaten/kota (4 digits). */
export const PEMDA_CODE_PATTERN = /^(\d{2}|\d{4})$/;

export type PemdaLevel = 'provinsi' | 'kabupaten-kota';

export interface Pemda {
  readonly pemdaCode: string;
  readonly level: PemdaLevel;
}

export function isOpdCode(code: string): boolean {
  return code.length <= OPD_CODE_LENGTH_MAX && OPD_CODE_PATTERN.test(code);
}

/** The pemda an OPD code names (its prefix); assumes a well-formed code. */
export function pemdaOf(opdCode: string): Pemda {
  const pemdaCode = opdCode.slice(0, opdCode.indexOf('-'));
  return { pemdaCode, level: pemdaCode.length === 2 ? 'provinsi' : 'kabupaten-kota' };
}

/** A pemda the BPS lists: a province, or a kabupaten/kota (validated as vendors' regions are). */
export function isKnownPemda(pemda: Pemda): boolean {
  return pemda.level === 'provinsi' ? pemda.pemdaCode in PROVINCES : isKnownKabupatenKota(pemda.pemdaCode);
}

/** `Pemerintah Provinsi Banten`, `Pemerintah Kota Serang`; undefined for a kabupaten/kota outside Banten (not embedded). */
export function pemdaName(pemda: Pemda): string | undefined {
  if (pemda.level === 'provinsi') {
    const province = PROVINCES[pemda.pemdaCode];
    return province === undefined ? undefined : `Pemerintah Provinsi ${province}`;
  }
  const region = BANTEN_KABUPATEN_KOTA[pemda.pemdaCode];
  return region === undefined ? undefined : `Pemerintah ${region.replace(/^Kab\. /, 'Kabupaten ')}`;
}
