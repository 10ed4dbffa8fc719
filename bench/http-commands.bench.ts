/**
 * `npm run bench:http-commands`: only the synchronous write path of the report (create listing,
 * place order at 64 connections) beside the raw one-event durable append rate of the same run,
 * without waiting for the process managers, and the service's CPU time per command (every thread,
 * from /proc, over the burst and the DRAIN_MS after it: the projections, the transparency log and
 * the process managers finish their share of the burst then). Flags: --commands <n> (per phase, default 2,000),
 * --cpu-profile <file> (run the service under --cpu-prof, keep the .cpuprofile there and print
 * its top frames), --split (the requests go to an instance with RUN_SUBSCRIPTIONS=false and a
 * second instance on the same data directory runs the consumers; its CPU per command is printed
 * apart).
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rawDurableAppends } from './event-store.bench.js';
import { createListings, openMarket, placeOrderLoad, sampleEventData } from './http-phases.js';
import { summariseCpuProfile } from './support/cpu-profile.js';
import { CONNECTIONS, HttpClient } from './support/http-load.js';
import { BenchService, cpuMsOf } from './support/service.js';
import { round, sleep } from './support/stats.js';

const COMMANDS_DEFAULT = 2_000;
const RAW_APPENDS = 2_000;
const PROFILE_TOP_FRAMES = 25;
/** After each burst, until its CPU time is read: the consumers of $all catch up meanwhile. */
const DRAIN_MS = 1_000;

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
