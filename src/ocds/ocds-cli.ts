import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config.js';
import { openEventStore } from '../event-store/open-event-store.js';
import { isDomainError } from '../kernel/errors.js';
import { ocidOf } from './ocid.js';
import { OCDS_PATHS, OcdsExporter } from './ocds-exporter.js';
import { recordPackageOf, releasePackageOf } from './ocds-packages.js';
import { PERIOD_PAGE_RECORDS_MAX, PERIOD_PAGE_RELEASES_MAX, PeriodPageRequest, parsePeriodQuery, periodQueryString } from './ocds-period.js';
import type { OcdsRecord, OcdsRelease } from './ocds-release.types.js';

export const OCDS_USAGE = `  npm run cli -- ocds export --kind release|record [--order <orderId>] [--from ISO] [--to ISO] [--out file.json] [--data-dir D]
        OCDS 1.1 open data (docs/ocds.md): the release or record package of one order, or of every
        order that changed in the period (recorded time, bounds inclusive; default: the whole
        ledger), to stdout or --out. The same ledger exports the same bytes.`;

/** A whole-ledger export walks the period page by page: 10^8 releases is beyond any ledger this serves. */
const CLI_PAGES_MAX = 1_000_000;

/** `ocds export`; exit 0 done, 1 nothing to export, 2 bad usage or parameters. */
export async function ocdsCommand(args: readonly string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'export') {
    process.stderr.write(`${OCDS_USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      kind: { type: 'string' },
      order: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (values.kind !== 'release' && values.kind !== 'record') {
    process.stderr.write(`--kind must be release or record\n${OCDS_USAGE}\n`);
    return 2;
  }
  const kind = values.kind;
  const config = loadConfig(values['data-dir'] !== undefined ? { ...process.env, DATA_DIR: values['data-dir'] } : process.env);
  const { store } = openEventStore(config);
  try {
    const exporter = new OcdsExporter(store, config.ocds);
    let body: unknown;
    if (values.order !== undefined) {
      const ocid = ocidOf(config.ocds.ocidPrefix, values.order);
      body = kind === 'release' ? await exporter.releasePackageOfOrder(ocid) : await exporter.recordPackageOfOrder(ocid);
    } else {
      const request = parsePeriodQuery({ from: values.from, to: values.to }, { max: kind === 'release' ? PERIOD_PAGE_RELEASES_MAX : PERIOD_PAGE_RECORDS_MAX, fallback: kind === 'release' ? PERIOD_PAGE_RELEASES_MAX : PERIOD_PAGE_RECORDS_MAX });
      body = kind === 'release' ? await wholeReleasePackage(exporter, request) : await wholeRecordPackage(exporter, request);
    }
    const text = `${JSON.stringify(body, null, 2)}\n`;
    if (values.out !== undefined) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    process.stderr.write(`${error.code}: ${error.message}\n`);
    return error.kind === 'not_found' ? 1 : 2;
  } finally {
    await store.close();
  }
}

async function wholeReleasePackage(exporter: OcdsExporter, request: PeriodPageRequest) {
  const releases: OcdsRelease[] = [];
  let page: PeriodPageRequest = request;
  for (let count = 0; count < CLI_PAGES_MAX; count += 1) {
    const answer = await exporter.releasePackageOfPeriod(page);
    releases.push(...answer.package.releases);
    if (answer.nextCursor === undefined) return releasePackageOf(exporter.publication, `${OCDS_PATHS.releasePackages}?${periodQueryString(request)}`, releases);
    page = { ...request, cursor: answer.nextCursor };
  }
  throw new RangeError(`the export exceeded ${CLI_PAGES_MAX} pages`);
}

async function wholeRecordPackage(exporter: OcdsExporter, request: PeriodPageRequest) {
  const records: OcdsRecord[] = [];
  let page: PeriodPageRequest = request;
  for (let count = 0; count < CLI_PAGES_MAX; count += 1) {
    const answer = await exporter.recordPackageOfPeriod(page);
    records.push(...answer.package.records);
    if (answer.nextCursor === undefined) return recordPackageOf(exporter.publication, `${OCDS_PATHS.recordPackages}?${periodQueryString(request)}`, records);
    page = { ...request, cursor: answer.nextCursor };
  }
  throw new RangeError(`the export exceeded ${CLI_PAGES_MAX} pages`);
}
