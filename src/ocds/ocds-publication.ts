import type { OcdsPublisher } from './ocds-release.types.js';

/** What every package says about who publishes it and under which terms (src/config/app-config.ts). */
export interface OcdsPublication {
  /** `ocds-` and 6 characters: the prefix the Open Contracting Partnership registers for a publisher. */
  readonly ocidPrefix: string;
  readonly publisher: OcdsPublisher;
  readonly licenseUrl: string;
  readonly publicationPolicyUrl: string;
  /** Where the public API is reached; package `uri`s are made under it. */
  readonly baseUrl: string;
}

export const OCID_PREFIX_PATTERN = /^ocds-[a-z0-9]{6}$/;
/** A placeholder no one has registered ("demo"): a real deployment registers its own prefix. */
export const OCID_PREFIX_DEFAULT = 'ocds-demo00';
export const OCDS_PUBLISHER_NAME_DEFAULT = 'Bela Pengadaan (LKPP)';
export const OCDS_LICENSE_URL_DEFAULT = 'https://creativecommons.org/licenses/by/4.0/';
/** The publication policy is served by the app itself, under the base URL. */
export const PUBLICATION_POLICY_PATH = '/public/ocds/publication-policy';
