import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { PROJECT_ROOT } from './test-app.js';

/** The OCDS 1.1.5 schemas and codelists copied under test/fixtures/ocds/1.1.5 (see its README). */
const OCDS_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'ocds', '1.1.5');

// Both packages are CommonJS: the class and the plugin are their default exports.
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as typeof Ajv04Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

const readJson = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(OCDS_DIR, name), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv04({ allErrors: true, strict: false });
addFormats(ajv);
const releaseSchema = readJson('release-schema.json');
ajv.addSchema(releaseSchema, String(releaseSchema.id));
const validateRelease = ajv.getSchema(String(releaseSchema.id))!;
const validateReleasePackageSchema = ajv.compile(readJson('release-package-schema.json'));

/** The codes of one codelist CSV (first column, header skipped). */
export function codelist(name: string): Set<string> {
  const lines = readFileSync(join(OCDS_DIR, 'codelists', `${name}.csv`), 'utf8')
    .split('\n')
    .slice(1);
  return new Set(lines.map((line) => line.split(',')[0]!.trim()).filter(Boolean));
}

/** Schema errors of a release package, as readable strings (empty: valid). */
export function releasePackageErrors(pkg: unknown): string[] {
  return validateReleasePackageSchema(pkg)
    ? []
    : (validateReleasePackageSchema.errors ?? []).map((error: { instancePath: string; message?: string }) => `${error.instancePath} ${error.message}`);
}

export function releaseErrors(release: unknown): string[] {
  return validateRelease(release)
    ? []
    : (validateRelease.errors ?? []).map((error: { instancePath: string; message?: string }) => `${error.instancePath} ${error.message}`);
}

const RECORD_PACKAGE_REQUIRED = ['uri', 'publisher', 'publishedDate', 'records', 'version'];

/**
 * No record package schema ships with 1.1.5's copy: the package's own fields are checked here,
 * as the standard's record package schema states them, and every release and compiled release
 * against the release schema.
 */
export function recordPackageErrors(pkg: any): string[] {
  const errors: string[] = [];
  for (const field of RECORD_PACKAGE_REQUIRED) if (pkg?.[field] === undefined) errors.push(`missing ${field}`);
  if (typeof pkg?.uri !== 'string' || !/^https?:\/\//.test(pkg.uri)) errors.push('uri must be a URI');
  if (!/^\d+\.\d+$/.test(String(pkg?.version))) errors.push('version must be major.minor');
  if (Number.isNaN(Date.parse(String(pkg?.publishedDate)))) errors.push('publishedDate must be a date-time');
  if (typeof pkg?.publisher?.name !== 'string') errors.push('publisher.name is required');
  if (!Array.isArray(pkg?.records) || pkg.records.length === 0) return [...errors, 'records must be a non-empty array'];
  pkg.records.forEach((record: any, index: number) => {
    if (typeof record.ocid !== 'string') errors.push(`records[${index}].ocid is required`);
    if (!Array.isArray(record.releases) || record.releases.length === 0) errors.push(`records[${index}].releases must be a non-empty array`);
    for (const release of record.releases ?? []) {
      if (release.ocid !== record.ocid) errors.push(`records[${index}] holds a release of ${release.ocid}`);
      errors.push(...releaseErrors(release).map((message) => `records[${index}].releases[${release.id}]${message}`));
    }
    if (record.compiledRelease === undefined) errors.push(`records[${index}].compiledRelease is required`);
    else errors.push(...releaseErrors(record.compiledRelease).map((message) => `records[${index}].compiledRelease${message}`));
  });
  return errors;
}
