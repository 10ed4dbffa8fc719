import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, TestApp } from '../support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A start-up that fails exits well within this; past it the process is killed and the test fails on the signal. */
const FAILED_START_WAIT_MS = 30_000;

/** Every complete line the service wrote so far (start-up lines included), parsed: a line that is not JSON fails the test; a line still being written is left out. */
function logLines(app: TestApp): Record<string, unknown>[] {
  const output = app.output();
  return output
    .slice(0, output.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The built service run until it exits on its own: its exit code (or signal) and what it wrote. */
async function runUntilExit(env: Record<string, string>): Promise<{ exit: number | NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), FAILED_START_WAIT_MS);
  // 'close' comes after both pipes are drained, so nothing written before the exit is missed.
  const exit = await new Promise<number | NodeJS.Signals | null>((resolve) => child.once('close', (code, signal) => resolve(signal ?? code)));
  clearTimeout(timer);
  return { exit, stdout, stderr };
}

describe('operations: JSON logs with request ids, health probes, Prometheus metrics (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app.close();
    rmSync(app.dataDir, { recursive: true, force: true });
  });

  it('echoes a safe X-Request-Id, replaces an unsafe one, and logs one JSON line per request without secrets', async () => {
    const requestId = `ops-${randomUUID()}`;
    const token = app.issueKey('admin');
    // Every route refuses parameters it does not know (400): the refused request is logged too, with the secret's value redacted.
    const kept = await app.request('GET', '/admin/projections?apiKey=leaked-secret&rows=false', { token, headers: { 'x-request-id': requestId } });
    expect(kept.status).toBe(400);
    expect(kept.headers.get('x-request-id')).toBe(requestId);
    for (const unsafe of ['has spaces in it', 'x'.repeat(129), 'quote"d']) {
      const replaced = await app.request('GET', '/health/live', { headers: { 'x-request-id': unsafe } });
      expect(replaced.headers.get('x-request-id')).toMatch(UUID);
    }
    const generated = await app.request('GET', '/orders/00000000-0000-4000-8000-000000000000', { token });
    expect(generated.status).toBe(404);
    expect(generated.headers.get('x-request-id')).toMatch(UUID);

    // The request line is written once the answer has gone: wait for it (bounded by the test timeout).
    while (!logLines(app).some((line) => line.reqId === generated.headers.get('x-request-id'))) await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = logLines(app);
    expect(lines.filter((line) => line.reqId === requestId)).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        method: 'GET',
        url: '/admin/projections?apiKey=[redacted]&rows=false',
        status: 400,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(lines.find((line) => line.reqId === generated.headers.get('x-request-id'))).toMatchObject({
      status: 404,
      url: '/orders/00000000-0000-4000-8000-000000000000',
    });
    expect(lines.every((line) => typeof line.time === 'string' && typeof line.level === 'string')).toBe(true);
    // Neither the bearer token nor the secret in the query is ever written.
    expect(app.output()).not.toContain(token);
    expect(app.output()).not.toContain(token.split('_')[2]!);
    expect(app.output()).not.toContain('leaked-secret');
  });

  it('liveness and readiness (terminus) beside the /health overview', async () => {
    expect((await app.request('GET', '/health/live')).body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    const ready = await app.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      error: {},
      details: {
        eventStore: { status: 'up', adapter: 'sqlite' },
        subscriptions: { status: 'up', behind: [], failing: [] },
        deadLetters: { status: 'up', open: 0 },
      },
    });
    // No Kafka relay without KAFKA_BROKERS, so no indicator for it.
    expect(Object.keys(ready.body.details)).toEqual(['eventStore', 'subscriptions', 'deadLetters']);
    const overview = await app.request('GET', '/health');
    expect(overview.body).toMatchObject({ status: 'ok', eventStore: { reachable: true }, deadLetters: { open: 0 } });
  });

  it("/metrics: the ledger's metrics, the request duration histogram and the Node.js process metrics, in the 0.0.4 text format", async () => {
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const family of [
      'bela_event_store_head_position',
      'bela_subscription_lag_events',
      'bela_consumer_dead_letters_open',
      'bela_http_responses_total',
      'bela_http_request_duration_seconds',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics.body).toMatch(new RegExp(`^# TYPE ${family} `, 'm'));
    }
    expect(metrics.body).toMatch(/^bela_http_request_duration_seconds_count\{method="GET"\} \d+$/m);
    expect(metrics.body).toMatch(/^bela_subscription_lag_events\{consumer="projection:orders"\} 0$/m);
  });

  it('every line the service wrote in this session (stdout and stderr) is one JSON object with level, time and msg', () => {
    const lines = logLines(app);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), msg: expect.any(String), service: 'bela-ledger' }));
    expect(lines.map((line) => line.level).filter((level) => !['debug', 'info', 'warn', 'error'].includes(level as string))).toEqual([]);
  });

  it('lines logged while a request is handled carry its id; a stale read is a warning, not an error', async () => {
    const idle = await TestApp.start({ env: { RUN_SUBSCRIPTIONS: 'false' } });
    try {
      const admin = idle.issueKey('admin');
      const registered = await idle.request('POST', '/opds', {
        token: admin,
        body: { opdCode: '3601-DINKES', name: 'Dinas Kesehatan Kabupaten Pandeglang', kabupatenKotaCode: '3601' },
      });
      expect(registered.status).toBe(201);
      // No subscription runs here, so the orders read model never reaches the head.
      const stale = await idle.request('GET', `/admin/orders?waitForPosition=${registered.body.position}&waitMs=100`, {
        token: admin,
        headers: { 'x-request-id': 'stale-read-1' },
      });
      expect(stale.status).toBe(503);
      while (!logLines(idle).some((line) => line.reqId === 'stale-read-1' && line.msg === 'request completed'))
        await new Promise((resolve) => setTimeout(resolve, 20));
      const lines = logLines(idle).filter((line) => line.reqId === 'stale-read-1');
      expect(lines).toEqual([
        expect.objectContaining({ level: 'warn', context: 'http', msg: expect.stringContaining('has not reached position') }),
        expect.objectContaining({ level: 'warn', msg: 'request completed', status: 503 }),
      ]);
      expect(logLines(idle).filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await idle.close();
      rmSync(idle.dataDir, { recursive: true, force: true });
    }
  });
});

describe('a start-up that fails is one JSON fatal line and a non-zero exit (e2e, the built service)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-failed-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The fatal line among the lines written: exactly one, the last, with the error's type, message and stack. */
  function expectOneFatalLine(stdout: string, errorType: string, message: RegExp): void {
    const lines = stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const fatal = lines.filter((line) => line.level === 'fatal');
    expect(fatal).toEqual([
      expect.objectContaining({
        time: expect.any(String),
        service: 'bela-ledger',
        context: 'bela-ledger',
        msg: 'failed to start',
        err: expect.objectContaining({ type: errorType, message: expect.stringMatching(message), stack: expect.stringMatching(message) }),
      }),
    ]);
    expect(lines.at(-1)).toBe(fatal[0]);
  }

  it('the port is already taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = holder.address() as { port: number };
      const run = await runUntilExit({ PORT: String(port), DATA_DIR: dataDir });
      expect(run.exit).toBe(1);
      expect(run.stderr).toBe('');
      expectOneFatalLine(run.stdout, 'Error', /EADDRINUSE/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('the configuration is invalid', async () => {
    const run = await runUntilExit({ LOG_LEVEL: 'chatty', DATA_DIR: dataDir });
    expect(run.exit).toBe(1);
    expect(run.stderr).toBe('');
    expectOneFatalLine(run.stdout, 'ConfigError', /LOG_LEVEL must be one of/);
  });

  it('the event store file cannot be opened', async () => {
    const unopenable = mkdtempSync(join(tmpdir(), 'bela-unopenable-'));
    try {
      mkdirSync(join(unopenable, 'events.db'));
      const run = await runUntilExit({ DATA_DIR: unopenable });
      expect(run.exit).toBe(1);
      expect(run.stderr).toBe('');
      expectOneFatalLine(run.stdout, 'SqliteError', /unable to open database file/);
    } finally {
      rmSync(unopenable, { recursive: true, force: true });
    }
  });
});
