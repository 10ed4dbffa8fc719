/**
 * What the service's resident memory is made of, phase by phase: `npm run bench:memory --
 * [store-dir]` starts the built service with bench/support/memory-probe.mjs preloaded and prints,
 * per phase, the sample with the highest RSS and the peak of each part (V8 heap, external, array
 * buffers, anonymous and file-backed pages). Phases: idle on a fresh store, a burst of listings,
 * then start-up catch-up of the given store (generated beforehand with `cli demo --events N`) and a
 * live rebuild of every projection on it, beside the raw scan of the same file. `--store-only`
 * skips the fresh-store phases. Extra node flags for the service (V8 options) can be passed in
 * MEMORY_NODE_ARGS, glibc allocator settings in MALLOC_* variables.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMarket, createListings } from './http-phases.js';
import { Consumer, rawScan, waitUntilCaughtUp } from './store-phases.js';
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
  // glibc's allocator settings (MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_, ...) pass through to try them.
  const mallocEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('MALLOC_')));
  const service = await BenchService.start({ dataDir, nodeArgs: [...extraArgs, '--import', PROBE], env: { ...mallocEnv, MEMORY_PROBE_FILE: file } });
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
  const storeOnly = process.argv.includes('--store-only');
  const storeDir = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const rows: Record<string, string | number>[] = [];
  if (!storeOnly) await freshPhases(rows);
  if (storeDir) await storePhases(storeDir, rows);
  console.table(rows);
}

/** Idle on a fresh store, then a burst of listings. */
async function freshPhases(rows: Record<string, string | number>[]): Promise<void> {
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
}

/** Start-up catch-up of a copy of the store, idle, then a live rebuild of every projection. */
async function storePhases(storeDir: string, rows: Record<string, string | number>[]): Promise<void> {
  // A copy of the store, so every run catches up from nothing.
  const copyDir = mkdtempSync(join(tmpdir(), 'bela-memory-store-'));
  copyFileSync(join(storeDir, 'events.db'), join(copyDir, 'events.db'));
  const adminToken = await issueKey(copyDir, 'admin');
  await withProbe(copyDir, async (service, mark) => {
    const http = new HttpClient(service.origin);
    try {
      const health = async (): Promise<Consumer[]> => (await http.expect(200, 'GET', '/health')).body.subscriptions;
      const caughtUp = await waitUntilCaughtUp(health, service.startedAtMs);
      rows.push({ ...summarise('start-up catch-up', mark()), 'caught up ms': caughtUp.elapsedMs });
      await sleep(IDLE_MS);
      rows.push(summarise('idle after catch-up', mark()));
      const rebuildStartedMs = performance.now();
      await http.expect(202, 'POST', '/admin/projections/rebuild', adminToken);
      const projections = async (): Promise<Consumer[]> => (await http.expect(200, 'GET', '/admin/projections?rows=false', adminToken)).body.projections;
      const rebuilt = await waitUntilCaughtUp(projections, rebuildStartedMs);
      rows.push({ ...summarise('live rebuild', mark()), 'caught up ms': rebuilt.elapsedMs });
    } finally {
      await http.close();
    }
  }).finally(() => rmSync(copyDir, { recursive: true, force: true }));
  const scan = rawScan(storeDir);
  rows.push({ phase: 'raw scan (baseline)', 'caught up ms': scan.elapsedMs, events: scan.events });
}

await main();
