import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/app-config.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { openEventStore } from '../../event-store/open-event-store.js';
import type { Actor } from '../../kernel/actor.js';
import { isDomainError } from '../../kernel/errors.js';
import { aggregateAsOf } from '../as-of/aggregate-as-of.js';
import { AS_OF_KINDS, AsOfKind } from '../as-of/as-of-aggregates.js';
import { describePoint, parseAsOfPoint } from '../as-of/as-of-point.js';
import { balancesAsOf } from '../as-of/balances-as-of.js';
import { prepareExportFileForResume } from '../export/export-file.js';
import type { ExportView } from '../export/export-line.js';
import { ExportRange, parseExportRange, resumedAfter } from '../export/export-range.js';
import { writeExport } from '../export/write-export.js';
import { ProgressBar } from './progress-bar.js';
import { REPLAY_USAGE, replayCommand, verifyCommand } from './replay-cli.js';

export const AUDIT_USAGE = `  npm run cli -- audit chain [--data-dir D]
        Checks the embedded event store's hash chain from the first event to the last (read-only,
        while the service runs); exits 1 with the first position that does not verify.
  npm run cli -- audit export [--public] [--from-position N] [--to-position N] [--from ISO] [--to ISO] [--out file.ndjson] [--data-dir D]
        The events as NDJSON, one per line, whole (or only their public view with --public), to
        stdout or --out. An existing --out file is resumed after its last complete line.
  npm run cli -- audit as-of <card|order|vendor|listing> <id> (--at ISO | --position N) [--data-dir D]
  npm run cli -- audit as-of balances (--at ISO | --position N) [--card-id <uuid>] [--data-dir D]
        The state at a past instant (the last event recorded at or before it) or position.
${REPLAY_USAGE}`;

/** The CLI prints every card of the as-of balances; no province issues more KKP cards than this. */
const CLI_BALANCE_CARDS_MAX = 1_000_000;
/** The CLI reads the store as an auditor: it sees what GET /audit/* shows an auditor. */
const CLI_READER: Actor = { id: 'cli:audit', role: 'auditor' };

/** `audit export` and `audit as-of`; exit 0 done, 1 not found, 2 bad usage or parameters. */
export async function auditCommand(args: readonly string[]): Promise<number> {
  const [action, ...rest] = args;
  try {
    switch (action) {
      case 'export':
        return await exportCommand(rest);
      case 'as-of':
        return await asOfCommand(rest);
      case 'replay':
        return await replayCommand(rest);
      case 'verify':
        return await verifyCommand(rest);
      default:
        process.stderr.write(`${AUDIT_USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (!isDomainError(error)) throw error;
    process.stderr.write(`${error.code}: ${error.message}${Object.keys(error.details).length > 0 ? ` ${JSON.stringify(error.details)}` : ''}\n`);
    return error.kind === 'not_found' ? 1 : 2;
  }
}

async function withStore<T>(dataDir: string | undefined, work: (store: EventStore) => Promise<T>): Promise<T> {
  const config = loadConfig(dataDir !== undefined ? { ...process.env, DATA_DIR: dataDir } : process.env);
  const { store } = await openEventStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function exportCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      public: { type: 'boolean', default: false },
      'from-position': { type: 'string' },
      'to-position': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const view: ExportView = values.public ? 'public' : 'full';
  let range = parseExportRange({ fromPosition: values['from-position'], toPosition: values['to-position'], from: values.from, to: values.to });
  if (values.out !== undefined) {
    const tail = prepareExportFileForResume(values.out, view);
    if (tail.truncatedBytes > 0) process.stderr.write(`dropped ${tail.truncatedBytes} bytes of a line cut short at the end of ${values.out}\n`);
    if (tail.lastPosition !== undefined) {
      range = resumedAfter(range, tail.lastPosition);
      process.stderr.write(`resuming ${values.out} after position ${tail.lastPosition}\n`);
    }
  }
  const out: Writable = values.out !== undefined ? createWriteStream(values.out, { flags: 'a' }) : process.stdout;
  return withStore(values['data-dir'], async (store) => {
    const written = await exportTo(store, range, view, out);
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
    process.stderr.write(`${written} events written\n`);
    return 0;
  });
}

async function exportTo(store: EventStore, range: ExportRange, view: ExportView, out: Writable): Promise<number> {
  const head = await store.headPosition();
  const last = range.toPosition !== undefined && range.toPosition < head ? range.toPosition : head;
  const span = last > range.fromPosition ? Number(last - range.fromPosition) : 0;
  const bar = new ProgressBar('export', span);
  const written = await writeExport(store, range, view, out, (position) => bar.update(Number(position - range.fromPosition)));
  bar.finish(span);
  return written;
}

async function asOfCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { at: { type: 'string' }, position: { type: 'string' }, 'card-id': { type: 'string' }, 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [what, id] = positionals;
  const point = parseAsOfPoint({ at: values.at, position: values.position });
  if (what === 'balances') {
    return withStore(values['data-dir'], async (store) => {
      const head = await store.headPosition();
      const bar = new ProgressBar('replay', Number(point.kind === 'position' && point.position < head ? point.position : head));
      const result = await balancesAsOf(store, point, {
        cardId: values['card-id'],
        limit: CLI_BALANCE_CARDS_MAX,
        onPage: (position) => bar.update(Number(position)),
      });
      bar.finish(Number(result.lastEvent?.position ?? 0));
      process.stdout.write(`${JSON.stringify({ asOf: describePoint(point), ...result }, null, 2)}\n`);
      return 0;
    });
  }
  if (!AS_OF_KINDS.includes(what as AsOfKind) || id === undefined || positionals.length !== 2) {
    process.stderr.write(`${AUDIT_USAGE}\n`);
    return 2;
  }
  return withStore(values['data-dir'], async (store) => {
    process.stdout.write(`${JSON.stringify(await aggregateAsOf(store, what as AsOfKind, id, point, CLI_READER), null, 2)}\n`);
    return 0;
  });
}
