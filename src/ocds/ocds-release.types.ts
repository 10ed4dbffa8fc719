/**
 * The parts of an OCDS 1.1 release this ledger fills (schema 1.1.5). Field names are the
 * standard's; everything not listed here is never emitted.
 */
export interface OcdsValue {
  readonly amount: number;
  readonly currency: 'IDR';
}

export interface OcdsOrganizationReference {
  readonly id: string;
  readonly name: string;
}

export type OcdsPartyRole = 'buyer' | 'procuringEntity' | 'payer' | 'tenderer' | 'supplier' | 'payee';

export interface OcdsParty {
  readonly id: string;
  readonly name: string;
  readonly identifier: { readonly scheme: string; readonly id: string; readonly legalName: string };
  readonly address: { readonly locality?: string; readonly region: string; readonly countryName: 'Indonesia' };
  readonly roles: readonly OcdsPartyRole[];
  readonly details?: Readonly<Record<string, string>>;
}

export interface OcdsItem {
  readonly id: string;
  readonly description: string;
  readonly classification?: { readonly scheme: string; readonly id: string; readonly description: string };
  readonly quantity: number;
  readonly unit: { readonly name: string; readonly value: OcdsValue };
}

export interface OcdsMilestone {
  readonly id: string;
  readonly title: string;
  readonly type: 'delivery' | 'financing';
  readonly status: 'met';
  readonly dateMet: string;
}

export interface OcdsTransaction {
  readonly id: string;
  readonly date: string;
  readonly value: OcdsValue;
  readonly payer: OcdsOrganizationReference;
  readonly payee: OcdsOrganizationReference;
}

export type OcdsTenderStatus = 'active' | 'cancelled' | 'unsuccessful' | 'complete';
export type OcdsAwardStatus = 'active';
export type OcdsContractStatus = 'active' | 'terminated';

export interface OcdsTender {
  readonly id: string;
  readonly title: string;
  readonly status: OcdsTenderStatus;
  readonly procuringEntity: OcdsOrganizationReference;
  readonly items: readonly OcdsItem[];
  readonly value: OcdsValue;
  readonly procurementMethod: 'direct';
  readonly procurementMethodDetails: string;
  readonly mainProcurementCategory: 'goods' | 'services';
  readonly numberOfTenderers: 1;
  readonly tenderers: readonly OcdsOrganizationReference[];
  readonly milestones?: readonly OcdsMilestone[];
}

export interface OcdsAward {
  readonly id: string;
  readonly title: string;
  readonly status: OcdsAwardStatus;
  readonly date: string;
  readonly value: OcdsValue;
  readonly suppliers: readonly OcdsOrganizationReference[];
  readonly items: readonly OcdsItem[];
}

export interface OcdsContract {
  readonly id: string;
  readonly awardID: string;
  readonly title: string;
  readonly status: OcdsContractStatus;
  readonly dateSigned: string;
  readonly value: OcdsValue;
  readonly items: readonly OcdsItem[];
  readonly implementation?: {
    readonly milestones?: readonly OcdsMilestone[];
    readonly transactions?: readonly OcdsTransaction[];
  };
}

export type OcdsReleaseTag = 'tender' | 'tenderUpdate' | 'tenderCancellation' | 'award' | 'contract' | 'implementation' | 'contractTermination' | 'compiled';

export interface OcdsRelease {
  readonly ocid: string;
  readonly id: string;
  readonly date: string;
  readonly tag: readonly OcdsReleaseTag[];
  readonly initiationType: 'tender';
  readonly language: 'id';
  readonly parties: readonly OcdsParty[];
  readonly buyer: OcdsOrganizationReference;
  readonly tender: OcdsTender;
  readonly awards?: readonly OcdsAward[];
  readonly contracts?: readonly OcdsContract[];
}

export interface OcdsPublisher {
  readonly name: string;
  readonly uri?: string;
}

interface OcdsPackageMeta {
  readonly uri: string;
  readonly version: '1.1';
  readonly publishedDate: string;
  readonly publisher: OcdsPublisher;
  readonly license: string;
  readonly publicationPolicy: string;
}

export interface OcdsReleasePackage extends OcdsPackageMeta {
  readonly releases: readonly OcdsRelease[];
}

export interface OcdsRecord {
  readonly ocid: string;
  readonly releases: readonly OcdsRelease[];
  readonly compiledRelease: OcdsRelease;
}

export interface OcdsRecordPackage extends OcdsPackageMeta {
  readonly records: readonly OcdsRecord[];
}
