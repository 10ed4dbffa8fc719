/**
 * `npm run bench`: the performance report. Starts the built service (dist/, built first when
 * missing or older than the sources) on fresh stores, drives it over HTTP with 64 connections,
 * and prints a table of every figure beside its raw baseline from the same run; writes
 * bench/results.json. Flags: --quick (100,000 events, smaller HTTP phases), --events <n>,
 * --cpu-profile <file> (keep the write load's .cpuprofile there, for DevTools), --store-only
 * (only the large-store phases: generator, raw scan, offline replay, its two floors, start-up
 * and live rebuild; prints their figures, writes no results file).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rawDurableAppends, runEventStoreBench } from './event-store.bench.js';
import { runHotCardSection } from './hot-card-section.js';
import { HttpPhaseSizes, createListings, openMarket, placeOrders, projectionLag, purchases, sampleEventData } from './http-phases.js';
import { runKafkaRelayBench } from './kafka-relay.bench.js';
import { floorRate } from './http-floor.js';
import { generate, offlineReplay, rawScan, replayWithRowsHeld, rowWriteFloor, startAndRebuild, storedEventCount } from './store-phases.js';
import { ProfileSummary, summariseCpuProfile } from './support/cpu-profile.js';
import { CONNECTIONS, HttpClient } from './support/http-load.js';
import { BenchService, PROJECT_ROOT } from './support/service.js';
import { round } from './support/stats.js';

const FULL_EVENTS = 1_000_000;
const QUICK_EVENTS = 100_000;
const FULL_SIZES: HttpPhaseSizes = { listings: 4_000, orders: 4_000, purchases: 400, lagWritesPerSecond: 300, lagSeconds: 20, profileCommands: 2_000 };
const QUICK_SIZES: HttpPhaseSizes = { listings: 2_000, orders: 2_000, purchases: 200, lagWritesPerSecond: 300, lagSeconds: 10, profileCommands: 1_000 };
const PROFILE_TOP_FRAMES = 15;
/** Requests of the HTTP floor (an empty route answers tens of thousands a second: a few listings' worth would time only the warm-up). */
const HTTP_FLOOR_REQUESTS = 20_000;
/** The lag phase writes at the target rate, or at this share of the measured create-listing rate when that is lower. */
const LAG_RATE_SHARE_MAX = 0.5;
/** Raw one-event durable commits per baseline measurement. */
const RAW_APPENDS = 2_000;
const RESULTS_PATH = join(PROJECT_ROOT, 'bench', 'results.json');
const SOURCE_DIRS = ['src', 'projections'];
/** Bound on the files looked at when comparing dist/ with the sources. */
const SOURCE_FILES_MAX = 20_000;

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
}

function newestFileMs(dirs: readonly string[]): number {
  let newest = 0;
  let seen = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (seen++ > SOURCE_FILES_MAX) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return newest;
}

/** The report measures the built service; it builds only when dist/ is missing or older than the sources. */
function ensureBuilt(): void {
  const built = existsSync(join(PROJECT_ROOT, 'dist', 'src', 'main.js')) ? newestFileMs([join(PROJECT_ROOT, 'dist')]) : 0;
  if (built > 0 && built >= newestFileMs(SOURCE_DIRS.map((dir) => join(PROJECT_ROOT, dir)))) return;
  console.log('dist/ is missing or older than the sources: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}

function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

function ratio(value: number, baseline: number): string {
  return baseline > 0 && Number.isFinite(value) ? `${fmt(value / baseline, 3)}x` : '';
}

function seconds(ms: number): string {
  return `${fmt(ms / 1000, 1)} s`;
}

function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `bela-report-${name}-`));
}

async function timedPhase<T>(name: string, phaseMs: Record<string, number>, run: () => Promise<T>): Promise<T> {
  console.log(`\n== ${name}`);
  const startedMs = performance.now();
  const result = await run();
  phaseMs[name] = Math.round(performance.now() - startedMs);
  console.log(`   ${seconds(phaseMs[name]!)}`);
  return result;
}

async function httpPhases(sizes: HttpPhaseSizes) {
  const dataDir = scratch('http');
  const service = await BenchService.start({ dataDir });
  const http = new HttpClient(service.origin);
  try {
    const market = await openMarket(service, http);
    const idle = service.takePeakRssMiB();
    console.log(`   create listing x ${sizes.listings}`);
    const listings = await createListings(http, market, sizes.listings);
    const listingsRss = service.takePeakRssMiB();
    console.log(`   place order x ${sizes.orders}, then wait for every authorisation`);
    const orders = await placeOrders(http, market, dataDir, sizes.orders);
    const ordersRss = service.takePeakRssMiB();
    console.log(`   whole purchase x ${sizes.purchases}`);
    const purchase = await purchases(http, market, sizes.purchases);
    const purchaseRss = service.takePeakRssMiB();
    // Lag is measured below saturation: above it, the figure is the queue of unanswered writes.
    const lagRate = Math.max(1, Math.min(sizes.lagWritesPerSecond, Math.floor(listings.perSecond * LAG_RATE_SHARE_MAX)));
    console.log(`   projection lag at ${lagRate} writes/s for ${sizes.lagSeconds} s`);
    const lag = await projectionLag(http, market, lagRate, sizes.lagSeconds);
    const lagRss = service.takePeakRssMiB();
    const listingData = sampleEventData(dataDir, 'ListingCreated');
    const orderData = sampleEventData(dataDir, 'OrderPlaced');
    return {
      listings,
      orders,
      purchase,
      lag,
      listingData,
      orderData,
      rssMiB: { idleAfterSetup: idle, createListing: listingsRss, placeAndAuthorise: ordersRss, purchases: purchaseRss, projectionLag: lagRss },
    };
  } finally {
    await http.close();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The consumers in a process of their own: an instance with RUN_SUBSCRIPTIONS=false takes the
 * requests, a second one on the same data directory runs the projections, the process managers
 * and the log (docs/operations.md). Same client, same loads as the single-process phases.
 */
async function splitPhases(sizes: HttpPhaseSizes) {
  const dataDir = scratch('split');
  const consumers = await BenchService.start({ dataDir });
  const api = await BenchService.start({ dataDir, env: { RUN_SUBSCRIPTIONS: 'false' } });
  const http = new HttpClient(api.origin);
  try {
    const market = await openMarket(api, http);
    api.takePeakRssMiB();
    consumers.takePeakRssMiB();
    console.log(`   create listing x ${sizes.listings}`);
    const listings = await createListings(http, market, sizes.listings);
    console.log(`   place order x ${sizes.orders}, then wait for every authorisation`);
    const orders = await placeOrders(http, market, dataDir, sizes.orders);
    return { listings, orders, peakRssMiB: { requests: api.takePeakRssMiB(), consumers: consumers.takePeakRssMiB() } };
  } finally {
    await http.close();
    await api.stop();
    await consumers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A separate service run under --cpu-prof for the write load (listings, then orders and their authorisations). */
async function profiledWriteLoad(commands: number, keepAs?: string): Promise<ProfileSummary> {
  const dataDir = scratch('profile');
  const profileDir = join(dataDir, 'cpu-profile');
  const service = await BenchService.start({ dataDir, cpuProfDir: profileDir });
  const http = new HttpClient(service.origin);
  try {
    const market = await openMarket(service, http);
    await createListings(http, market, commands);
    await placeOrders(http, market, dataDir, commands);
  } finally {
    await http.close();
    await service.stop();
  }
  try {
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`the profiled service wrote no .cpuprofile into ${profileDir}`);
    if (keepAs) copyFileSync(join(profileDir, file), keepAs);
    return summariseCpuProfile(join(profileDir, file), PROFILE_TOP_FRAMES);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function storePhases(events: number) {
  const dataDir = scratch('store');
  try {
    console.log(`   demo generator: ${fmt(events)} events`);
    const generator = await generate(dataDir, events);
    const stored = storedEventCount(dataDir);
    console.log(`   start-up catch-up and live rebuild of ${fmt(stored)} events`);
    const { startUp, liveRebuild } = await startAndRebuild(dataDir, stored);
    console.log('   raw scan and offline replay');
    const scan = rawScan(dataDir);
    const replay = await offlineReplay(dataDir, dataDir);
    console.log('   row-write floor: the replayed rows copied by SQLite, in random and in key order');
    const rowFloor = rowWriteFloor(dataDir, replay.events);
    console.log('   replay floor: the offline replay with every row held in memory to its end');
    const heldReplay = await replayWithRowsHeld(dataDir, dataDir);
    return { generator, stored, startUp, liveRebuild, scan, replay, rowFloor, heldReplay };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      events: { type: 'string' },
      'cpu-profile': { type: 'string' },
      'store-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const events = values.events === undefined ? (quick ? QUICK_EVENTS : FULL_EVENTS) : Number(values.events);
  if (!Number.isSafeInteger(events) || events < 1) throw new RangeError('--events must be a positive integer');
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const startedAt = new Date();
  const startedMs = performance.now();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => round(load, 2)),
  };
  console.log(`bela-ledger performance report (${quick ? 'quick' : 'full'} mode, ${fmt(events)} events) ${startedAt.toISOString()}`);
  console.log(
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  ensureBuilt();
  const phaseMs: Record<string, number> = {};
  if (values['store-only'] === true) {
    const store = await timedPhase(`large store (${fmt(events)} events from the demo generator)`, phaseMs, () => storePhases(events));
    const ratios = {
      liveRebuild: store.liveRebuild.perSecond / store.scan.perSecond,
      offlineReplay: store.replay.perSecond / store.scan.perSecond,
      startUp: store.startUp.perSecond / store.scan.perSecond,
      rowCopyRandomKeyOrder: store.rowFloor.randomKeyOrder.eventsPerSecond / store.scan.perSecond,
      rowCopyKeyOrder: store.rowFloor.keyOrder.eventsPerSecond / store.scan.perSecond,
      replayWithRowsHeldUntilLastPage: store.heldReplay.eventsPerSecond / store.scan.perSecond,
    };
    console.log(JSON.stringify({ ...store, ratios }, null, 2));
    return;
  }

  const http = await timedPhase('HTTP phases (fresh store, 64 connections)', phaseMs, () => httpPhases(sizes));
  const split = await timedPhase('HTTP phases, consumers in a second process (fresh store)', phaseMs, () => splitPhases(sizes));
  const httpFloor = await timedPhase('HTTP floor (the same client against an empty route)', phaseMs, () => floorRate('empty', HTTP_FLOOR_REQUESTS));
  const frameworkFloor = await timedPhase('framework floor (the same client against NestJS, Fastify and the validation alone)', phaseMs, () =>
    floorRate('framework', HTTP_FLOOR_REQUESTS),
  );
  const baselines = await timedPhase('raw baselines (one durable event per transaction)', phaseMs, async () => {
    const dir = scratch('raw');
    try {
      return {
        listing: await rawDurableAppends(dir, RAW_APPENDS, 'ListingCreated', http.listingData),
        order: await rawDurableAppends(dir, RAW_APPENDS, 'OrderPlaced', http.orderData),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const profile = await timedPhase('CPU profile of the write load (separate run under --cpu-prof)', phaseMs, () =>
    profiledWriteLoad(sizes.profileCommands, values['cpu-profile']),
  );
  const store = await timedPhase(`large store (${fmt(events)} events from the demo generator)`, phaseMs, () => storePhases(events));
  const eventStore = await timedPhase('event store appends (library level)', phaseMs, runEventStoreBench);
  const kafka = await timedPhase('Kafka relay', phaseMs, async () => (process.env.KAFKA_BROKERS ? runKafkaRelayBench() : undefined));
  const hotCard = await timedPhase('hot card', phaseMs, runHotCardSection);

  const { listings, orders, purchase, lag } = http;
  const auth = orders.authorisation;
  const rows: Row[] = [
    {
      figure: `HTTP create listing, ${CONNECTIONS} connections`,
      value: `${fmt(listings.perSecond)} cmd/s, p50 ${fmt(listings.latency.p50Ms, 1)} ms, p99 ${fmt(listings.latency.p99Ms, 1)} ms`,
      baseline: `raw better-sqlite3, one durable event per transaction: ${fmt(baselines.listing.perSecond)}/s`,
      ratio: ratio(listings.perSecond, baselines.listing.perSecond),
    },
    {
      figure: `HTTP place order, ${CONNECTIONS} connections`,
      value: `${fmt(orders.placement.perSecond)} cmd/s, p50 ${fmt(orders.placement.latency.p50Ms, 1)} ms, p99 ${fmt(orders.placement.latency.p99Ms, 1)} ms`,
      baseline: `same, OrderPlaced rows: ${fmt(baselines.order.perSecond)}/s`,
      ratio: ratio(orders.placement.perSecond, baselines.order.perSecond),
    },
    {
      figure: `orders authorised end to end (${fmt(auth.orders)} placed)`,
      value: `${fmt(auth.perSecond)} orders/s; every order decided ${seconds(auth.lastDecisionAfterLoadMs)} after the load ended${auth.finished ? '' : ' (NOT FINISHED: wait bound hit)'}; backlog 1 s after: ${fmt(auth.backlogInStoreAfter1s)} undecided in the store, ${fmt(auth.backlogAfter1s)} in the read model`,
      baseline: `placement ${fmt(orders.placement.perSecond)}/s`,
      ratio: ratio(auth.perSecond, orders.placement.perSecond),
    },
    {
      figure: `whole purchase (place .. paid), ${CONNECTIONS} buyers`,
      value: `${fmt(purchase.perSecond, 1)} purchases/s (${purchase.completed}/${purchase.started}), each p50 ${seconds(purchase.latency.p50Ms)}, p99 ${seconds(purchase.latency.p99Ms)}`,
      baseline: `placement ${fmt(orders.placement.perSecond)}/s`,
      ratio: ratio(purchase.perSecond, orders.placement.perSecond),
    },
    {
      figure: `projection lag at ${lag.targetWritesPerSecond} writes/s (${sizes.lagWritesPerSecond}/s, or half the create-listing rate when lower)`,
      value: `p50 ${fmt(lag.lag.p50Ms, 1)} ms, p99 ${fmt(lag.lag.p99Ms, 1)} ms (${fmt(lag.achievedWritesPerSecond)} writes/s reached; reads every ~${fmt(lag.pollIntervalMs, 1)} ms)`,
      baseline: '',
      ratio: '',
    },
    {
      figure: `HTTP create listing, consumers in a second process (an instance with RUN_SUBSCRIPTIONS=false takes the requests)`,
      value: `${fmt(split.listings.perSecond)} cmd/s, p50 ${fmt(split.listings.latency.p50Ms, 1)} ms, p99 ${fmt(split.listings.latency.p99Ms, 1)} ms`,
      baseline: `raw durable appends ${fmt(baselines.listing.perSecond)}/s`,
      ratio: ratio(split.listings.perSecond, baselines.listing.perSecond),
    },
    {
      figure: 'HTTP place order, consumers in a second process',
      value: `${fmt(split.orders.placement.perSecond)} cmd/s, p50 ${fmt(split.orders.placement.latency.p50Ms, 1)} ms, p99 ${fmt(split.orders.placement.latency.p99Ms, 1)} ms`,
      baseline: `raw durable appends ${fmt(baselines.order.perSecond)}/s`,
      ratio: ratio(split.orders.placement.perSecond, baselines.order.perSecond),
    },
    {
      figure: `orders authorised end to end, consumers in a second process (${fmt(split.orders.authorisation.orders)} placed)`,
      value: `${fmt(split.orders.authorisation.perSecond)} orders/s; every order decided ${seconds(split.orders.authorisation.lastDecisionAfterLoadMs)} after the load ended${split.orders.authorisation.finished ? '' : ' (NOT FINISHED: wait bound hit)'}; backlog 1 s after: ${fmt(split.orders.authorisation.backlogInStoreAfter1s)} undecided in the store; peak RSS ${split.peakRssMiB.requests} MiB (requests) + ${split.peakRssMiB.consumers} MiB (consumers)`,
      baseline: `placement ${fmt(split.orders.placement.perSecond)}/s`,
      ratio: ratio(split.orders.authorisation.perSecond, split.orders.placement.perSecond),
    },
    {
      figure: `HTTP floor: the same client and body against an empty route (node:http), ${CONNECTIONS} connections`,
      value: `${fmt(httpFloor.perSecond)} req/s, p50 ${fmt(httpFloor.latency.p50Ms, 1)} ms, p99 ${fmt(httpFloor.latency.p99Ms, 1)} ms; server CPU ${fmt(httpFloor.serverCpuMsPerRequest * 1000)} us/request`,
      baseline: `raw durable appends ${fmt(baselines.listing.perSecond)}/s`,
      ratio: ratio(httpFloor.perSecond, baselines.listing.perSecond),
    },
    {
      figure: `framework floor: the same client and body against NestJS on Fastify with the service's body parser and validation of the create-listing body, nothing else, ${CONNECTIONS} connections`,
      value: `${fmt(frameworkFloor.perSecond)} req/s, p50 ${fmt(frameworkFloor.latency.p50Ms, 1)} ms, p99 ${fmt(frameworkFloor.latency.p99Ms, 1)} ms; server CPU ${fmt(frameworkFloor.serverCpuMsPerRequest * 1000)} us/request`,
      baseline: `raw durable appends ${fmt(baselines.listing.perSecond)}/s`,
      ratio: ratio(frameworkFloor.perSecond, baselines.listing.perSecond),
    },
    {
      figure: `demo generator (${fmt(store.generator.events)} events, ${fmt(store.generator.orders)} orders)`,
      value: `${fmt(store.generator.perSecond)} events/s (${seconds(store.generator.elapsedMs)})`,
      baseline: `raw durable appends ${fmt(baselines.listing.perSecond)}/s`,
      ratio: ratio(store.generator.perSecond, baselines.listing.perSecond),
    },
    {
      figure: `live rebuild of the ${'projections'} (POST /admin/projections/rebuild)`,
      value: `${fmt(store.liveRebuild.perSecond)} events/s (${seconds(store.liveRebuild.elapsedMs)})${store.liveRebuild.finished ? '' : ' (NOT FINISHED)'}`,
      baseline: `raw scan + JSON.parse: ${fmt(store.scan.perSecond)} events/s`,
      ratio: ratio(store.liveRebuild.perSecond, store.scan.perSecond),
    },
    {
      figure: 'offline replay (ProjectionEngine.replay into a scratch file)',
      value: `${fmt(store.replay.perSecond)} events/s (${seconds(store.replay.elapsedMs)})`,
      baseline: `same raw scan: ${fmt(store.scan.perSecond)} events/s`,
      ratio: ratio(store.replay.perSecond, store.scan.perSecond),
    },
    {
      figure: `row-write floor: the ${fmt(store.rowFloor.rows)} replayed rows copied by SQLite alone (no JavaScript), in random key order`,
      value: `${seconds(store.rowFloor.randomKeyOrder.elapsedMs)}: at most ${fmt(store.rowFloor.randomKeyOrder.eventsPerSecond)} events/s for a replay writing them so`,
      baseline: `raw scan: ${fmt(store.scan.perSecond)} events/s`,
      ratio: ratio(store.rowFloor.randomKeyOrder.eventsPerSecond, store.scan.perSecond),
    },
    {
      figure: 'row-write floor, the same rows in key order (a bulk load)',
      value: `${seconds(store.rowFloor.keyOrder.elapsedMs)}: at most ${fmt(store.rowFloor.keyOrder.eventsPerSecond)} events/s`,
      baseline: `raw scan: ${fmt(store.scan.perSecond)} events/s`,
      ratio: ratio(store.rowFloor.keyOrder.eventsPerSecond, store.scan.perSecond),
    },
    {
      figure: 'replay floor: the offline replay with every row held in memory, until its last page was applied (no row written)',
      value: `${seconds(store.heldReplay.untilLastPageMs)}: at most ${fmt(store.heldReplay.eventsPerSecond)} events/s with the projections' code as it is (the whole replay, rows written at the end: ${seconds(store.heldReplay.elapsedMs)}; peak RSS ${fmt(store.heldReplay.peakRssMiB)} MiB)`,
      baseline: `raw scan: ${fmt(store.scan.perSecond)} events/s`,
      ratio: ratio(store.heldReplay.eventsPerSecond, store.scan.perSecond),
    },
    {
      figure: `service start until every subscription caught up (${fmt(store.stored)} events)`,
      value: `${seconds(store.startUp.elapsedMs)} (${fmt(store.startUp.perSecond)} events/s)${store.startUp.finished ? '' : ' (NOT FINISHED)'}${store.startUp.failing.length > 0 ? `; failing, left out: ${store.startUp.failing.join(', ')}` : ''}`,
      baseline: `raw scan ${seconds(store.scan.elapsedMs)}`,
      ratio: ratio(store.startUp.perSecond, store.scan.perSecond),
    },
    {
      figure: 'peak RSS of the service (MiB)',
      value: [
        `listings ${http.rssMiB.createListing}`,
        `orders+authorisation ${http.rssMiB.placeAndAuthorise}`,
        `purchases ${http.rssMiB.purchases}`,
        `lag ${http.rssMiB.projectionLag}`,
        `start-up ${store.startUp.peakRssMiB}`,
        `rebuild ${store.liveRebuild.peakRssMiB}`,
      ].join(', '),
      baseline: `generator ${store.generator.peakRssMiB}; offline replay (bench process) ${store.replay.peakRssMiB}`,
      ratio: '',
    },
  ];
  for (const result of eventStore.results) {
    rows.push({
      figure: `library: ${result.name}`,
      value: `${fmt(result.perSecond)}/s`,
      baseline: `raw ${fmt(eventStore.baseline.perSecond)}/s`,
      ratio: ratio(result.perSecond, eventStore.baseline.perSecond),
    });
  }
  if (kafka) {
    const median = (list: readonly { eventsPerSecond: number }[]): number =>
      [...list.map((entry) => entry.eventsPerSecond)].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    rows.push({
      figure: 'Kafka relay (median)',
      value: `${fmt(median(kafka.relay))} events/s`,
      baseline: `raw kafkajs ${fmt(median(kafka.raw))} events/s`,
      ratio: ratio(median(kafka.relay), median(kafka.raw)),
    });
  }

  const totalMs = Math.round(performance.now() - startedMs);
  const storeShareMs = phaseMs[`large store (${fmt(events)} events from the demo generator)`] ?? 0;
  const estimatedFullMs = totalMs - storeShareMs + (storeShareMs * FULL_EVENTS) / events;
  const loadAverageAtEnd = loadavg().map((load) => round(load, 2));

  console.log(`\n## bela-ledger performance report, ${startedAt.toISOString().slice(0, 10)} (${quick ? 'quick' : 'full'} mode)\n`);
  console.log('| figure | bela-ledger | baseline (same run) | ratio |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.figure} | ${row.value} | ${row.baseline} | ${row.ratio} |`);
  console.log(
    `\nWhere the time goes (write load: ${fmt(sizes.profileCommands)} listings, then ${fmt(sizes.profileCommands)} orders until authorised; ${seconds(profile.sampledMs)} sampled, ${fmt(profile.idlePercent, 1)}% idle):\n`,
  );
  console.log('| % of busy time (self) | self ms | function | where |');
  console.log('|---|---|---|---|');
  for (const frame of profile.top) console.log(`| ${fmt(frame.selfPercentOfBusy, 1)} | ${fmt(frame.selfMs)} | ${frame.function} | ${frame.location} |`);
  if (!kafka) console.log('\nKafka relay: skipped (set KAFKA_BROKERS, see docs/performance.md).');
  console.log(`\nhot card: ${hotCard.status === 'absent' ? 'bench/hot-card.bench.ts is not in this tree' : hotCard.output.trim()}`);
  console.log(
    `\nmachine: ${machine.cpus} x ${machine.cpuModel}, load average ${machine.loadAverageAtStart.join(' ')} at start, ${loadAverageAtEnd.join(' ')} at end (a shared machine: figures move with the load)`,
  );
  console.log(
    `whole run: ${seconds(totalMs)}; a full run (${fmt(FULL_EVENTS)} events) is estimated at ${fmt(estimatedFullMs / 60_000, 0)} min on this machine`,
  );

  const results = {
    measuredAt: startedAt.toISOString(),
    mode: quick ? 'quick' : 'full',
    events,
    machine: { ...machine, loadAverageAtEnd },
    connections: CONNECTIONS,
    sizes,
    figures: {
      createListing: { ...listings, baseline: baselines.listing, ratio: listings.perSecond / baselines.listing.perSecond },
      placeOrder: { ...orders.placement, baseline: baselines.order, ratio: orders.placement.perSecond / baselines.order.perSecond },
      ordersAuthorisedEndToEnd: {
        ...auth,
        baseline: { name: 'placement', perSecond: orders.placement.perSecond },
        ratio: auth.perSecond / orders.placement.perSecond,
      },
      wholePurchase: {
        ...purchase,
        baseline: { name: 'placement', perSecond: orders.placement.perSecond },
        ratio: purchase.perSecond / orders.placement.perSecond,
      },
      projectionLag: lag,
      consumersInSecondProcess: {
        createListing: { ...split.listings, baseline: baselines.listing, ratio: split.listings.perSecond / baselines.listing.perSecond },
        placeOrder: { ...split.orders.placement, baseline: baselines.order, ratio: split.orders.placement.perSecond / baselines.order.perSecond },
        ordersAuthorisedEndToEnd: {
          ...split.orders.authorisation,
          baseline: { name: 'placement', perSecond: split.orders.placement.perSecond },
          ratio: split.orders.authorisation.perSecond / split.orders.placement.perSecond,
        },
        peakRssMiB: split.peakRssMiB,
      },
      httpFloor: { ...httpFloor, baseline: baselines.listing, ratio: httpFloor.perSecond / baselines.listing.perSecond },
      frameworkFloor: { ...frameworkFloor, baseline: baselines.listing, ratio: frameworkFloor.perSecond / baselines.listing.perSecond },
      demoGenerator: { ...store.generator, baseline: baselines.listing, ratio: store.generator.perSecond / baselines.listing.perSecond },
      rawScan: store.scan,
      liveRebuild: { ...store.liveRebuild, baseline: store.scan, ratio: store.liveRebuild.perSecond / store.scan.perSecond },
      offlineReplay: { ...store.replay, baseline: store.scan, ratio: store.replay.perSecond / store.scan.perSecond },
      rowWriteFloor: {
        ...store.rowFloor,
        baseline: store.scan,
        ratioRandomKeyOrder: store.rowFloor.randomKeyOrder.eventsPerSecond / store.scan.perSecond,
        ratioKeyOrder: store.rowFloor.keyOrder.eventsPerSecond / store.scan.perSecond,
      },
      replayWithRowsHeld: { ...store.heldReplay, baseline: store.scan, ratio: store.heldReplay.eventsPerSecond / store.scan.perSecond },
      startUpCatchUp: { ...store.startUp, baseline: store.scan, ratio: store.startUp.perSecond / store.scan.perSecond },
      peakRssMiB: {
        ...http.rssMiB,
        startUp: store.startUp.peakRssMiB,
        liveRebuild: store.liveRebuild.peakRssMiB,
        demoGenerator: store.generator.peakRssMiB,
        offlineReplayBenchProcess: store.replay.peakRssMiB,
      },
      eventStoreAppends: eventStore,
      ...(kafka ? { kafkaRelay: kafka } : {}),
      hotCard,
    },
    cpuProfile: { load: `${sizes.profileCommands} listings, then ${sizes.profileCommands} orders until authorised`, ...profile },
    phaseMs,
    totalMs,
    estimatedFullRunMs: Math.round(estimatedFullMs),
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written: ${RESULTS_PATH}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
