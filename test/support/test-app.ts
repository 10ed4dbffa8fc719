import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import type { IssuableRole } from '../../src/auth/api-key.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

export interface HttpResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (for malformed-body tests). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /**
   * POST and PATCH send a fresh Idempotency-Key, as a well-behaved client does, unless the
   * headers carry one; `false` sends none (to test the refusal).
   */
  readonly idempotencyKey?: false;
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN_JS = join(PROJECT_ROOT, 'dist', 'src', 'main.js');
const START_WAIT_MS = 30_000;
const STOP_WAIT_MS = 15_000;
/** Beyond the service's own bound on its graceful stop (src/ops/graceful-shutdown.ts). */
const TERMINATE_WAIT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;
export const BODY_LIMIT_BYTES_FOR_TESTS = 64 * 1024;
/** Suites send thousands of requests from one address with a few keys: only the rate-limit tests set low limits. */
const API_RATE_LIMIT_MAX_FOR_TESTS = '100000000';

/**
 * The built service (dist/, see test/support/global-setup.ts) in a child process on
 * 127.0.0.1 with a scratch data directory: what a user's `npm start` runs.
 */
export class TestApp {
  private storeConnection?: SqliteEventStore;
  private keys?: ApiKeyStore;
  private exited: Promise<NodeJS.Signals | number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    readonly output: () => string,
  ) {
    this.exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(signal ?? code)));
  }

  static async start(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestApp> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bela-e2e-'));
    const child = spawn(process.execPath, [MAIN_JS], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES_FOR_TESTS),
        API_RATE_LIMIT_PER_KEY_MAX: API_RATE_LIMIT_MAX_FOR_TESTS,
        API_RATE_LIMIT_PER_ADDRESS_MAX: API_RATE_LIMIT_MAX_FOR_TESTS,
        NO_COLOR: '1',
        ...(options.env ?? {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const baseUrl = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not start within ${START_WAIT_MS} ms:\n${output}`)), START_WAIT_MS);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`service exited with ${code} before listening:\n${output}`));
      });
    });
    return new TestApp(child, baseUrl, dataDir, ownsDataDir, () => output);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** A second connection to the service's event store file (WAL allows concurrent readers). */
  get store(): EventStore {
    this.storeConnection ??= SqliteEventStore.open(join(this.dataDir, 'events.db'));
    return this.storeConnection;
  }

  issueKey(role: IssuableRole, scope: { vendorId?: string; opdCode?: string } = {}): string {
    this.keys ??= ApiKeyStore.open(join(this.dataDir, 'auth.db'));
    return this.keys.issue({ role, label: `test ${role}`, ...scope }, new Date()).token;
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const sendsKey = (method === 'POST' || method === 'PATCH') && options.idempotencyKey !== false;
    if (sendsKey && !Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key')) headers['idempotency-key'] = randomUUID();
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  }

  /** Total events in the store: "nothing was written" is checked with this. */
  async eventCount(): Promise<number> {
    const head = await this.store.headPosition();
    return head < 0n ? 0 : (await this.store.readAll({ maxCount: 10_000 })).length;
  }

  /** SIGKILL: no shutdown hooks, no flush. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and the exit: its code, or the signal (SIGKILL once TERMINATE_WAIT_MS passed: a hung stop). */
  async terminate(): Promise<NodeJS.Signals | number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), TERMINATE_WAIT_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_WAIT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    await this.storeConnection?.close();
    this.keys?.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
