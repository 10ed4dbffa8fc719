/**
 * The built service (dist/src/main.js) in a child process on 127.0.0.1, as a user runs it, with
 * its resident memory sampled from /proc while it runs. Keys are issued with the built CLI
 * against the same DATA_DIR, as an operator would.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN_JS = join(PROJECT_ROOT, 'dist', 'src', 'main.js');
const CLI_JS = join(PROJECT_ROOT, 'dist', 'src', 'cli.js');
/** Lets a --cpu-prof service exit normally after Nest's SIGTERM shutdown, so the profile is written. */
const EXIT_HOOK = join(PROJECT_ROOT, 'bench', 'support', 'profile-exit-hook.mjs');
/**
 * The V8 flags of `npm start`, `npm run start:prod` and the Dockerfile's CMD, so the report
 * measures the service as it is run: a 4 MiB semi-space, and a full GC when the old generation
 * has grown by half (V8's default lets it reach several times the live heap). Neither caps the
 * heap (docs/performance.md, memory).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=50'];
const START_WAIT_MS = 120_000;
const STOP_WAIT_MS = 30_000;
const RSS_SAMPLE_INTERVAL_MS = 100;
/** 64 loops from one address, one key each, far exceed the per-key and per-address limits meant for clients: lifted, the bench measures capacity. */
const API_RATE_LIMIT_LIFTED = '100000000';
/** The service's output kept for error messages (the rest is drained and dropped). */
const OUTPUT_TAIL_CHARS = 16_384;

const execFileAsync = promisify(execFile);

export interface ServiceOptions {
  readonly dataDir: string;
  /** Write a V8 CPU profile of the whole run into this folder (written when the service stops). */
  readonly cpuProfDir?: string;
  /** More arguments for node before the entry point (a --import preload, V8 flags; later flags win). */
  readonly nodeArgs?: readonly string[];
  /** More environment for the service. */
  readonly env?: Readonly<Record<string, string>>;
}

export class BenchService {
  private peakRssKiB = 0;
  private readonly sampler: NodeJS.Timeout;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
    readonly dataDir: string,
    readonly startedAtMs: number,
    readonly listeningAtMs: number,
    private readonly output: () => string,
  ) {
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    this.sampler = setInterval(() => this.sampleRss(), RSS_SAMPLE_INTERVAL_MS);
    this.sampleRss();
  }

  static async start(options: ServiceOptions): Promise<BenchService> {
    const profiling = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '--import', EXIT_HOOK] : [];
    const startedAtMs = performance.now();
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...profiling, ...(options.nodeArgs ?? []), MAIN_JS], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: options.dataDir,
        LOG_LEVEL: 'info',
        NO_COLOR: '1',
        API_RATE_LIMIT_PER_KEY_MAX: API_RATE_LIMIT_LIFTED,
        API_RATE_LIMIT_PER_ADDRESS_MAX: API_RATE_LIMIT_LIFTED,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const origin = await new Promise<string>((resolveOrigin, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not start within ${START_WAIT_MS} ms:\n${output}`)), START_WAIT_MS);
      const watch = (): void => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout!.off('data', watch);
        resolveOrigin(match[1]!);
      };
      child.stdout!.on('data', watch);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`service exited with ${code} before listening:\n${output}`));
      });
    });
    return new BenchService(child, origin, options.dataDir, startedAtMs, performance.now(), () => output);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Highest resident set seen since the last call (the peak of the phase that just ended), in MiB. */
  takePeakRssMiB(): number {
    this.sampleRss();
    const peak = this.peakRssKiB;
    this.peakRssKiB = 0;
    return Math.round(peak / 1024);
  }

  tail(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_WAIT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private sampleRss(): void {
    const kib = rssKiB(this.child.pid);
    if (kib > this.peakRssKiB) this.peakRssKiB = kib;
  }
}

/** VmRSS of a process from /proc (0 when it has gone or /proc is not there). */
export function rssKiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const PROC_TICKS_PER_SECOND = 100;

/** CPU time a process has used so far, every thread (user + system), in ms; 0 when /proc is not there. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // The fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / PROC_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** `node dist/src/cli.js keys issue ...` against DATA_DIR; returns the token. */
export async function issueKey(dataDir: string, role: 'admin' | 'vendor' | 'buyer', scope: { vendorId?: string; opdCode?: string } = {}): Promise<string> {
  const args = [CLI_JS, 'keys', 'issue', '--role', role, '--label', `bench ${role}`];
  if (scope.vendorId) args.push('--vendor-id', scope.vendorId);
  if (scope.opdCode) args.push('--opd-code', scope.opdCode);
  const { stdout } = await execFileAsync(process.execPath, args, { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } });
  return (JSON.parse(stdout) as { token: string }).token;
}

export { CLI_JS };
