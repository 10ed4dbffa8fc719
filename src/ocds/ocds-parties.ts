import { BANTEN_KABUPATEN_KOTA, PROVINCES } from '../vendors/domain/regions.js';
import type { OcdsOrganizationReference, OcdsParty, OcdsPartyRole } from './ocds-release.types.js';

/** OPD codes as Bela Pengadaan registers its work units (no international register holds them). */
export const OPD_IDENTIFIER_SCHEME = 'ID-BELA-OPD';
/** Nomor Induk Berusaha, the business number the OSS system issues: a business's, never a person's NIK. */
export const NIB_IDENTIFIER_SCHEME = 'ID-NIB';
/** Only for a vendor whose registration has no public view (never the case for a ledger-written order). */
export const VENDOR_IDENTIFIER_SCHEME = 'ID-BELA-VENDOR';

/** The public facts of the OPD that buys: an office, never the official who placed the order. */
export interface BuyerFacts {
  readonly opdCode: string;
  readonly opdName: string;
  readonly kabupatenKotaCode: string;
}

/** The public facts of the vendor as they stood when a release was made. */
export interface SupplierFacts {
  readonly vendorId: string;
  readonly name?: string;
  readonly nib?: string;
  readonly kabupatenKotaCode?: string;
  readonly scale: string;
}

export function buyerParty(buyer: BuyerFacts, roles: readonly OcdsPartyRole[]): OcdsParty {
  return {
    id: `${OPD_IDENTIFIER_SCHEME}-${buyer.opdCode}`,
    name: buyer.opdName,
    identifier: { scheme: OPD_IDENTIFIER_SCHEME, id: buyer.opdCode, legalName: buyer.opdName },
    address: addressOf(buyer.kabupatenKotaCode),
    roles,
  };
}

export function supplierParty(supplier: SupplierFacts, roles: readonly OcdsPartyRole[]): OcdsParty {
  const identifier =
    supplier.nib !== undefined ? { scheme: NIB_IDENTIFIER_SCHEME, id: supplier.nib } : { scheme: VENDOR_IDENTIFIER_SCHEME, id: supplier.vendorId };
  const name = supplier.name ?? `Penyedia ${supplier.vendorId}`;
  return {
    id: `${identifier.scheme}-${identifier.id}`,
    name,
    identifier: { ...identifier, legalName: name },
    address: supplier.kabupatenKotaCode !== undefined ? addressOf(supplier.kabupatenKotaCode) : { region: 'Tidak diketahui', countryName: 'Indonesia' },
    roles,
    details: { scale: supplier.scale },
  };
}

export function referenceTo(party: OcdsParty): OcdsOrganizationReference {
  return { id: party.id, name: party.name };
}

/** BPS codes to names: the province as region, the kabupaten/kota (named for Banten) as locality. */
function addressOf(kabupatenKotaCode: string): OcdsParty['address'] {
  const province = PROVINCES[kabupatenKotaCode.slice(0, 2)] ?? 'Tidak diketahui';
  const locality = BANTEN_KABUPATEN_KOTA[kabupatenKotaCode];
  return { ...(locality !== undefined ? { locality } : {}), region: province, countryName: 'Indonesia' };
}
