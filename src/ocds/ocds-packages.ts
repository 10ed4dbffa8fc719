import type { OcdsPublication } from './ocds-publication.js';
import type { OcdsRecord, OcdsRecordPackage, OcdsRelease, OcdsReleasePackage } from './ocds-release.types.js';
import { compiledReleaseOf } from './order-releases.js';

/** The OCDS version the packages declare (schema 1.1.5). */
export const OCDS_VERSION = '1.1';

/**
 * A release package. `publishedDate` is the latest release's date (the recorded time of the
 * last event included): exporting the same releases twice gives the same bytes.
 */
export function releasePackageOf(publication: OcdsPublication, path: string, releases: readonly OcdsRelease[]): OcdsReleasePackage {
  return { ...packageMeta(publication, path, latestDate(releases)), releases };
}

export function recordPackageOf(publication: OcdsPublication, path: string, records: readonly OcdsRecord[]): OcdsRecordPackage {
  return { ...packageMeta(publication, path, latestDate(records.flatMap((record) => record.releases))), records };
}

/** A record: every release of one process, embedded, and their compilation (undefined for none). */
export function recordOf(releases: readonly OcdsRelease[]): OcdsRecord | undefined {
  const compiledRelease = compiledReleaseOf(releases);
  if (compiledRelease === undefined) return undefined;
  return { ocid: compiledRelease.ocid, releases, compiledRelease };
}

export type OcdsPackageHeader = Omit<OcdsReleasePackage, 'releases' | 'publishedDate'>;

/** The fields every package shares but its date: a streamed export writes the date after its releases. */
export function packageHeaderOf(publication: OcdsPublication, path: string): OcdsPackageHeader {
  return {
    uri: `${publication.baseUrl}${path}`,
    version: OCDS_VERSION,
    publisher: publication.publisher,
    license: publication.licenseUrl,
    publicationPolicy: publication.publicationPolicyUrl,
  };
}

function packageMeta(publication: OcdsPublication, path: string, publishedDate: string): Omit<OcdsReleasePackage, 'releases'> {
  const { uri, ...rest } = packageHeaderOf(publication, path);
  return { uri, publishedDate, ...rest };
}

/** ISO 8601 UTC strings of one format order as instants. */
export function latestDate(releases: readonly OcdsRelease[]): string {
  let latest = '';
  for (const release of releases) if (release.date > latest) latest = release.date;
  return latest;
}
