/**
 * `npm run bench:http-commands`: only the synchronous write path of the report (create listing,
 * place order at 64 connections) beside the raw one-event durable append rate of the same run,
 * without waiting for the process managers, and the service's CPU time per command (every thread,
 * from /proc, over the burst and the DRAIN_MS after it: the projections, the transparency log and
 * the process managers finish their share of the burst then). Flags: --commands <n> (per phase, default 2,000),
 * --cpu-profile <file> (run the service under --cpu-prof, keep the .cpuprofile there and print
 * its top frames), --split (the requests go to an instance with RUN_SUBSCRIPTIONS=false and a
 * second instance on the same data directory runs the consumers; its CPU per command is printed
 * apart). Last, READ_YOUR_WRITES_PAIRS listings one at a time, each read back with
 * waitForPosition: how long a client waits to read its own write.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rawDurableAppends } from './event-store.bench.js';
import { Market, createListings, listingBody, openMarket, placeOrderLoad, sampleEventData } from './http-phases.js';
import { Consumer, waitUntilCaughtUp } from './store-phases.js';
import { summariseCpuProfile } from './support/cpu-profile.js';
import { CONNECTIONS, HttpClient } from './support/http-load.js';
import { BenchService, cpuMsOf } from './support/service.js';
import { LatencySummary, round, sleep, summarise } from './support/stats.js';

const COMMANDS_DEFAULT = 2_000;
const RAW_APPENDS = 2_000;
const PROFILE_TOP_FRAMES = 25;
/** After each burst, until its CPU time is read: the consumers of $all catch up meanwhile. */
const DRAIN_MS = 1_000;
const READ_YOUR_WRITES_PAIRS = 200;

/**
 * Sequential write-then-read pairs: a listing, then `GET /admin/listings?waitForPosition=` its
 * position, timed from the write's answer to the read's. With --split the read waits for the
 * other instance's projection, woken by the WAL watch (docs/operations.md).
 */
async function readYourWritesLatency(http: HttpClient, market: Market): Promise<LatencySummary> {
  // The bursts before leave the consumers a backlog (authorisations): measured from a quiet start.
  await waitUntilCaughtUp(async () => (await http.expect(200, 'GET', '/health')).body.subscriptions as Consumer[], performance.now());
  const latencies: number[] = [];
  for (let index = 0; index < READ_YOUR_WRITES_PAIRS; index += 1) {
    const created = await http.expect(201, 'POST', `/vendors/${market.vendorId}/listings`, market.vendorToken, listingBody(index));
    const startedMs = performance.now();
    await http.expect(200, 'GET', `/admin/listings?limit=1&waitForPosition=${created.body.position}&waitMs=5000`, market.adminToken);
    latencies.push(performance.now() - startedMs);
  }
  return summarise(latencies);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { commands: { type: 'string' }, 'cpu-profile': { type: 'string' }, split: { type: 'boolean' } }, strict: true });
  const commands = values.commands === undefined ? COMMANDS_DEFAULT : Number(values.commands);
  if (!Number.isSafeInteger(commands) || commands < 1) throw new RangeError('--commands must be a positive integer');
  const profileTo = values['cpu-profile'];
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-http-commands-'));
  const profileDir = join(dataDir, 'cpu-profile');
  const consumers = values.split ? await BenchService.start({ dataDir }) : undefined;
  const service = await BenchService.start({
    dataDir,
    ...(profileTo ? { cpuProfDir: profileDir } : {}),
    ...(consumers ? { env: { RUN_SUBSCRIPTIONS: 'false' } } : {}),
  });
  const http = new HttpClient(service.origin);
  try {
    const market = await openMarket(service, http);
    /** The burst, then DRAIN_MS; with the CPU ms per command over both, of the service and of the consumers' instance (--split). */
    const burst = async <T>(run: () => Promise<T>): Promise<[T, number, number]> => {
      const cpuBeforeMs = cpuMsOf(service.pid);
      const consumersBeforeMs = cpuMsOf(consumers?.pid);
      const result = await run();
      await sleep(DRAIN_MS);
      return [result, (cpuMsOf(service.pid) - cpuBeforeMs) / commands, (cpuMsOf(consumers?.pid) - consumersBeforeMs) / commands];
    };
    const [listings, listingCpuMs, listingConsumersCpuMs] = await burst(() => createListings(http, market, commands));
    const [orders, orderCpuMs, orderConsumersCpuMs] = await burst(() => placeOrderLoad(http, market, commands));
    const readYourWrites = await readYourWritesLatency(http, market);
    await http.close();
    await service.stop();
    await consumers?.stop();
    const listingRaw = await rawDurableAppends(dataDir, RAW_APPENDS, 'ListingCreated', sampleEventData(dataDir, 'ListingCreated'));
    const orderRaw = await rawDurableAppends(dataDir, RAW_APPENDS, 'OrderPlaced', sampleEventData(dataDir, 'OrderPlaced'));
    const line = (name: string, rate: typeof listings, raw: number, cpuMs: number, consumersCpuMs: number): string =>
      `${name}: ${rate.perSecond} cmd/s (${rate.failed} failed), p50 ${rate.latency.p50Ms} ms, p99 ${rate.latency.p99Ms} ms, max ${rate.latency.maxMs} ms; raw ${round(raw)}/s; ratio ${round(rate.perSecond / raw, 3)}x; service CPU ${round(cpuMs, 2)} ms/command${consumers ? `, consumers' instance ${round(consumersCpuMs, 2)} ms/command` : ''}`;
    console.log(`${CONNECTIONS} connections, ${commands} commands per phase${consumers ? '; consumers in a second instance (--split)' : ''}`);
    console.log(line('create listing', listings, listingRaw.perSecond, listingCpuMs, listingConsumersCpuMs));
    console.log(line('place order', orders, orderRaw.perSecond, orderCpuMs, orderConsumersCpuMs));
    console.log(
      `read your writes: ${READ_YOUR_WRITES_PAIRS} listings one at a time, each then read back with waitForPosition: p50 ${readYourWrites.p50Ms} ms, p99 ${readYourWrites.p99Ms} ms, max ${readYourWrites.maxMs} ms`,
    );
    if (profileTo) {
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (!file) throw new Error('the profiled service wrote no .cpuprofile');
      copyFileSync(join(profileDir, file), profileTo);
      const summary = summariseCpuProfile(profileTo, PROFILE_TOP_FRAMES);
      console.log(`profile: ${round(summary.sampledMs)} ms sampled, ${round(summary.idlePercent, 1)}% idle`);
      for (const frame of summary.top) console.log(`${String(round(frame.selfPercentOfBusy, 1)).padStart(5)}%  ${frame.function}  ${frame.location}`);
    }
  } finally {
    await http.close().catch(() => undefined);
    await service.stop();
    await consumers?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
