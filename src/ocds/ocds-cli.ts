import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config.js';
import { openEventStore } from '../event-store/open-event-store.js';
import { isDomainError } from '../kernel/errors.js';
import { ocidOf } from './ocid.js';
import { OCDS_PATHS, OcdsExporter } from './ocds-exporter.js';
import { latestDate, packageHeaderOf } from './ocds-packages.js';
import { PERIOD_PAGE_RECORDS_MAX, PERIOD_PAGE_RELEASES_MAX, PeriodPageRequest, parsePeriodQuery, periodQueryString } from './ocds-period.js';
import type { OcdsRecord, OcdsRelease } from './ocds-release.types.js';

export const OCDS_USAGE = `  npm run cli -- ocds export --kind release|record [--order <orderId>] [--from ISO] [--to ISO] [--out file.json] [--data-dir D]
        OCDS 1.1 open data (docs/ocds.md): the release or record package of one order, or of every
        order that changed in the period (recorded time, bounds inclusive; default: the whole
        ledger), to stdout or --out. The same ledger exports the same bytes.`;

/** A whole-ledger export walks the period page by page: 10^8 releases is beyond any ledger this serves. */
const CLI_PAGES_MAX = 1_000_000;

type Kind = 'release' | 'record';

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
  const kind = values.kind;
  if (kind !== 'release' && kind !== 'record') {
    process.stderr.write(`--kind must be release or record\n${OCDS_USAGE}\n`);
    return 2;
  }
  const config = loadConfig(values['data-dir'] !== undefined ? { ...process.env, DATA_DIR: values['data-dir'] } : process.env);
  const { store } = await openEventStore(config);
  try {
    const exporter = new OcdsExporter(store, config.ocds);
    if (values.order !== undefined) {
      const ocid = ocidOf(config.ocds.ocidPrefix, values.order);
      const body = kind === 'release' ? await exporter.releasePackageOfOrder(ocid) : await exporter.recordPackageOfOrder(ocid);
      await writeAll(values.out, async (out) => write(out, `${JSON.stringify(body)}\n`));
    } else {
      const pageSize = kind === 'release' ? PERIOD_PAGE_RELEASES_MAX : PERIOD_PAGE_RECORDS_MAX;
      const request = parsePeriodQuery({ from: values.from, to: values.to }, { max: pageSize, fallback: pageSize });
      await streamPeriod(exporter, kind, request, values.out);
    }
    return 0;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    process.stderr.write(`${error.code}: ${error.message}\n`);
    return error.kind === 'not_found' ? 1 : 2;
  } finally {
    await store.close();
  }
}

/**
 * One package for the whole period, written page by page so that memory stays bounded whatever
 * the ledger's size; `publishedDate` (the latest release's date) comes after the releases.
 */
async function streamPeriod(exporter: OcdsExporter, kind: Kind, request: PeriodPageRequest, outPath: string | undefined): Promise<void> {
  const pageOf = async (
    page: PeriodPageRequest,
  ): Promise<{ items: readonly (OcdsRelease | OcdsRecord)[]; releases: readonly OcdsRelease[]; nextCursor?: bigint }> => {
    if (kind === 'release') {
      const answer = await exporter.releasePackageOfPeriod(page);
      return {
        items: answer.package.releases,
        releases: answer.package.releases,
        ...(answer.nextCursor !== undefined ? { nextCursor: answer.nextCursor } : {}),
      };
    }
    const answer = await exporter.recordPackageOfPeriod(page);
    return {
      items: answer.package.records,
      releases: answer.package.records.flatMap((record) => record.releases),
      ...(answer.nextCursor !== undefined ? { nextCursor: answer.nextCursor } : {}),
    };
  };
  // The first page is read before anything is written: an empty period writes no file.
  let answer = await pageOf(request);
  const path = `${kind === 'release' ? OCDS_PATHS.releasePackages : OCDS_PATHS.recordPackages}?${periodQueryString(request)}`;
  const header = JSON.stringify(packageHeaderOf(exporter.publication, path));
  await writeAll(outPath, async (out) => {
    await write(out, `${header.slice(0, -1)},"${kind === 'release' ? 'releases' : 'records'}":[`);
    let latest = '';
    for (let count = 0; count < CLI_PAGES_MAX; count += 1) {
      for (const [index, item] of answer.items.entries()) await write(out, `${count === 0 && index === 0 ? '' : ','}${JSON.stringify(item)}`);
      const pageLatest = latestDate(answer.releases);
      if (pageLatest > latest) latest = pageLatest;
      if (answer.nextCursor === undefined) {
        await write(out, `],"publishedDate":${JSON.stringify(latest)}}\n`);
        return;
      }
      answer = await pageOf({ ...request, cursor: answer.nextCursor });
    }
    throw new RangeError(`the export exceeded ${CLI_PAGES_MAX} pages`);
  });
}

async function writeAll(outPath: string | undefined, work: (out: Writable) => Promise<void>): Promise<void> {
  if (outPath === undefined) return work(process.stdout);
  const out = createWriteStream(outPath);
  try {
    await work(out);
  } finally {
    out.end();
    await once(out, 'finish');
  }
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}
