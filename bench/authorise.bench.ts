/**
 * `npm run bench:authorise`: the report's "orders authorised end to end" phase alone, for working
 * on the process managers without the whole report. Starts the built service on a fresh store
 * (build first: `npm run build`), places a burst of orders from 64 connections and waits until
 * the order-payment process manager decided every one. Flags: --orders <n> (default 2,000),
 * --rounds <n> (default 1; each round is a fresh service and store), --cpu-profile (print the
 * service's top frames).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openMarket, placeOrders } from './http-phases.js';
import { summariseCpuProfile } from './support/cpu-profile.js';
import { HttpClient } from './support/http-load.js';
import { BenchService } from './support/service.js';

const ORDERS_DEFAULT = 2_000;
const ROUNDS_MAX = 10;
const PROFILE_TOP_FRAMES = 25;

async function round(orders: number, profile: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-authorise-'));
  const cpuProfDir = join(dataDir, 'cpu-profile');
  const service = await BenchService.start({ dataDir, ...(profile ? { cpuProfDir } : {}) });
  const http = new HttpClient(service.origin);
  try {
    const market = await openMarket(service, http);
    const { placement, authorisation } = await placeOrders(http, market, dataDir, orders);
    const ratio = authorisation.perSecond / placement.perSecond;
    console.log(
      [
        `placement ${placement.perSecond}/s (p50 ${placement.latency.p50Ms} ms, p99 ${placement.latency.p99Ms} ms, ${placement.failed} failed)`,
        `authorised end to end ${authorisation.perSecond}/s (${authorisation.authorised} authorised, ${authorisation.declined} declined${authorisation.finished ? '' : ', NOT FINISHED'})`,
        `ratio ${ratio.toFixed(3)}x`,
        `last decision ${authorisation.lastDecisionAfterLoadMs} ms after the load`,
        `backlog 1 s after: ${authorisation.backlogInStoreAfter1s} in the store, ${authorisation.backlogAfter1s} in the read model`,
        `peak RSS ${service.takePeakRssMiB()} MiB`,
      ].join('; '),
    );
  } finally {
    await http.close();
    await service.stop();
    if (profile) printProfile(cpuProfDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printProfile(dir: string): void {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the profiled service wrote no .cpuprofile into ${dir}`);
  const summary = summariseCpuProfile(join(dir, file), PROFILE_TOP_FRAMES);
  console.log(`${summary.sampledMs} ms sampled, ${summary.idlePercent.toFixed(1)}% idle`);
  for (const frame of summary.top)
    console.log(`${frame.selfPercentOfBusy.toFixed(1).padStart(5)}% ${String(Math.round(frame.selfMs)).padStart(6)} ms  ${frame.function}  ${frame.location}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { orders: { type: 'string' }, rounds: { type: 'string' }, 'cpu-profile': { type: 'boolean', default: false } },
    strict: true,
  });
  const orders = values.orders === undefined ? ORDERS_DEFAULT : Number(values.orders);
  const rounds = values.rounds === undefined ? 1 : Number(values.rounds);
  if (!Number.isSafeInteger(orders) || orders < 1) throw new RangeError('--orders must be a positive integer');
  if (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > ROUNDS_MAX) throw new RangeError(`--rounds must be 1..${ROUNDS_MAX}`);
  for (let index = 0; index < rounds; index += 1) await round(orders, values['cpu-profile'] === true);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
