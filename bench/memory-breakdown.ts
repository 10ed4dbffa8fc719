/**
 * What the service's resident memory is made of, phase by phase: `npm run bench:memory --
 * [store-dir]` starts the built service with bench/support/memory-probe.mjs preloaded and prints,
 * per phase, the sample with the highest RSS and the peak of each part (V8 heap, external, array
 * buffers, anonymous and file-backed pages). Phases: idle on a fresh store, a burst of listings,
 * then start-up catch-up of the given store (generated beforehand with `cli demo --events N`).
 * Extra node flags for the service (V8 options) can be passed in MEMORY_NODE_ARGS.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMarket, createListings } from './http-phases.js';
import { Consumer, waitUntilCaughtUp } from './store-phases.js';
import { HttpClient } from './support/http-load.js';
import { BenchService, PROJECT_ROOT, issueKey } from './support/service.js';
import { sleep } from './support/stats.js';

const PROBE = join(PROJECT_ROOT, 'bench', 'support', 'memory-probe.mjs');
const IDLE_MS = 3_000;
const LISTINGS = 2_000;
const MIB = 1_048_576;

interface Sample {
  readonly atMs: number;
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** V8's committed heap pages that are resident. */
  readonly heapPhysical: number;
  /** V8's own malloc'd memory outside the heap (compiler zones, tables). */
  readonly mallocedV8: number;
  readonly rssAnonKiB: number;
  readonly rssFileKiB: number;
}

function readSamples(file: string): Sample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Sample);
}

function mib(bytes: number): number {
  return Math.round(bytes / MIB);
}

/** The samples written since `from` (an index into the file's lines), summarised. */
function summarise(phase: string, samples: readonly Sample[]): Record<string, string | number> {
  const atPeak = samples.reduce((top, sample) => (sample.rss > top.rss ? sample : top), samples[0]!);
  const peak = (key: keyof Sample): number => Math.max(...samples.map((sample) => sample[key]));
  return {
    phase,
    samples: samples.length,
    'rss peak': mib(atPeak.rss),
    'heapTotal@peak': mib(atPeak.heapTotal),
    'heapUsed@peak': mib(atPeak.heapUsed),
    'external@peak': mib(atPeak.external),
    'arrayBuffers@peak': mib(atPeak.arrayBuffers),
    'heapPhysical@peak': mib(atPeak.heapPhysical),
    'mallocedV8@peak': mib(atPeak.mallocedV8),
    'anon@peak': Math.round(atPeak.rssAnonKiB / 1024),
    'file@peak': Math.round(atPeak.rssFileKiB / 1024),
    'heapTotal max': mib(peak('heapTotal')),
    'external max': mib(peak('external')),
    'rss last': mib(samples[samples.length - 1]!.rss),
  };
}

async function withProbe<T>(dataDir: string, run: (service: BenchService, mark: () => Sample[]) => Promise<T>): Promise<T> {
  const file = join(dataDir, 'memory-probe.jsonl');
  writeFileSync(file, '');
  const extraArgs = (process.env.MEMORY_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
  const service = await BenchService.start({ dataDir, nodeArgs: [...extraArgs, '--import', PROBE], env: { MEMORY_PROBE_FILE: file } });
  let seen = 0;
  const mark = (): Sample[] => {
    const samples = readSamples(file);
    const phase = samples.slice(seen);
    seen = samples.length;
    return phase;
  };
  try {
    return await run(service, mark);
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const storeDir = process.argv[2];
  const rows: Record<string, string | number>[] = [];
  const freshDir = mkdtempSync(join(tmpdir(), 'bela-memory-'));
  try {
    await withProbe(freshDir, async (service, mark) => {
      const http = new HttpClient(service.origin);
      try {
        await sleep(IDLE_MS);
        rows.push(summarise('start + idle (fresh store)', mark()));
        const market = await openMarket(service, http);
        await createListings(http, market, LISTINGS);
        await sleep(IDLE_MS);
        rows.push(summarise(`${LISTINGS} listings`, mark()));
      } finally {
        await http.close();
      }
    });
  } finally {
    rmSync(freshDir, { recursive: true, force: true });
  }
  if (storeDir) {
    // A copy of the store, so every run catches up from nothing.
    const copyDir = mkdtempSync(join(tmpdir(), 'bela-memory-store-'));
    copyFileSync(join(storeDir, 'events.db'), join(copyDir, 'events.db'));
    await issueKey(copyDir, 'admin');
    await withProbe(copyDir, async (service, mark) => {
      const http = new HttpClient(service.origin);
      try {
        const health = async (): Promise<Consumer[]> => (await http.expect(200, 'GET', '/health')).body.subscriptions;
        const caughtUp = await waitUntilCaughtUp(health, service.startedAtMs);
        rows.push({ ...summarise('start-up catch-up', mark()), 'caught up ms': caughtUp.elapsedMs });
        await sleep(IDLE_MS);
        rows.push(summarise('idle after catch-up', mark()));
      } finally {
        await http.close();
      }
    }).finally(() => rmSync(copyDir, { recursive: true, force: true }));
  }
  console.table(rows);
}

await main();
