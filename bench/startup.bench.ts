/**
 * `npm run bench:startup`: the report's start-up phase alone, for working on the catch-up without
 * the whole report. Copies a store's events.db (made by `node dist/src/cli.js demo --events N`)
 * into a scratch folder, so every run starts with no read models, no process checkpoints and no
 * transparency log; starts the built service on it (build first: `npm run build`) and waits until
 * every subscription reports lag 0 on /health, noting when each one got there. Printed beside the
 * raw scan of the same file, with the service's CPU time and the number of events the start-up wrote. Flags: --store <folder holding events.db> (required), --cpu-profile <file>
 * (keep the service's .cpuprofile there and print its top frames).
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Consumer, rawScan, storedEventCount } from './store-phases.js';
import { summariseCpuProfile } from './support/cpu-profile.js';
import { HttpClient } from './support/http-load.js';
import { BenchService } from './support/service.js';
import { perSecond, sleep } from './support/stats.js';

const POLL_INTERVAL_MS = 100;
const CATCH_UP_WAIT_MS_MAX = 30 * 60_000;
const PROFILE_TOP_FRAMES = 30;
const CLOCK_TICKS_PER_SECOND = 100;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { store: { type: 'string' }, 'cpu-profile': { type: 'string' } }, strict: true });
  if (values.store === undefined) throw new RangeError('--store <folder holding events.db> is required');
  const profileTo = values['cpu-profile'];
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-startup-'));
  const cpuProfDir = join(dataDir, 'cpu-profile');
  try {
    copyFileSync(join(values.store, 'events.db'), join(dataDir, 'events.db'));
    const events = storedEventCount(dataDir);
    const scan = rawScan(dataDir);
    const service = await BenchService.start({ dataDir, ...(profileTo ? { cpuProfDir } : {}) });
    const http = new HttpClient(service.origin);
    const caughtUpMs = new Map<string, number>();
    let finished = false;
    let cpuMs = 0;
    try {
      while (performance.now() - service.startedAtMs < CATCH_UP_WAIT_MS_MAX) {
        const consumers = (await http.expect(200, 'GET', '/health')).body.subscriptions as Consumer[];
        const nowMs = Math.round(performance.now() - service.startedAtMs);
        for (const consumer of consumers) if (consumer.lagEvents === 0 && !caughtUpMs.has(consumer.name)) caughtUpMs.set(consumer.name, nowMs);
        if (consumers.every((consumer) => caughtUpMs.has(consumer.name))) {
          finished = true;
          cpuMs = cpuMsOf(service.pid);
          break;
        }
        await sleep(POLL_INTERVAL_MS);
      }
    } finally {
      await http.close();
      await service.stop();
    }
    const elapsedMs = Math.max(...caughtUpMs.values());
    // Every reaction in the history already happened: a start-up that writes anything redid one.
    const written = storedEventCount(dataDir) - events;
    console.log(
      `start-up on ${events} events: every subscription caught up after ${elapsedMs} ms (${perSecond(events, elapsedMs)} events/s${finished ? '' : ', NOT FINISHED'}); ` +
        `raw scan ${scan.perSecond} events/s (${scan.elapsedMs} ms); ratio ${(perSecond(events, elapsedMs) / scan.perSecond).toFixed(3)}x; ` +
        `service CPU ${cpuMs} ms (user + system, all threads); listening after ${Math.round(service.listeningAtMs - service.startedAtMs)} ms; ${written} events written meanwhile`,
    );
    for (const [name, ms] of [...caughtUpMs].sort((a, b) => a[1] - b[1])) console.log(`  ${String(ms).padStart(7)} ms  ${name}`);
    if (profileTo) printProfile(cpuProfDir, profileTo);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The service's CPU time so far (user + system, all threads), from /proc: steadier than the wall
 * time on a machine shared with other work. Clock ticks are 100 a second on Linux.
 */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * (1000 / CLOCK_TICKS_PER_SECOND);
}

function printProfile(dir: string, profileTo: string): void {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the profiled service wrote no .cpuprofile into ${dir}`);
  copyFileSync(join(dir, file), profileTo);
  const summary = summariseCpuProfile(profileTo, PROFILE_TOP_FRAMES);
  console.log(`${summary.sampledMs} ms sampled, ${summary.idlePercent.toFixed(1)}% idle`);
  for (const frame of summary.top)
    console.log(`${frame.selfPercentOfBusy.toFixed(1).padStart(5)}% ${String(Math.round(frame.selfMs)).padStart(6)} ms  ${frame.function}  ${frame.location}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
