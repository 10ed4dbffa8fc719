import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { TestApp } from '../support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The complete JSON lines the service wrote so far (start-up lines included), parsed; a line still being written is left out. */
function logLines(app: TestApp): Record<string, unknown>[] {
  const output = app.output();
  return output
    .slice(0, output.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
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
    const kept = await app.request('GET', '/admin/projections?apiKey=leaked-secret&limit=1', { token, headers: { 'x-request-id': requestId } });
    expect(kept.status).toBe(200);
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
      expect.objectContaining({ level: 'info', msg: 'request completed', method: 'GET', url: '/admin/projections?apiKey=[redacted]&limit=1', status: 200, durationMs: expect.any(Number) }),
    ]);
    expect(lines.find((line) => line.reqId === generated.headers.get('x-request-id'))).toMatchObject({ status: 404, url: '/orders/00000000-0000-4000-8000-000000000000' });
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

  it('/metrics: the ledger\'s metrics, the request duration histogram and the Node.js process metrics, in the 0.0.4 text format', async () => {
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

  it('lines logged while a request is handled carry its id; a stale read is a warning, not an error', async () => {
    const idle = await TestApp.start({ env: { RUN_SUBSCRIPTIONS: 'false' } });
    try {
      const admin = idle.issueKey('admin');
      const registered = await idle.request('POST', '/opds', { token: admin, body: { opdCode: '3601-DINKES', name: 'Dinas Kesehatan Kabupaten Pandeglang', kabupatenKotaCode: '3601' } });
      expect(registered.status).toBe(201);
      // No subscription runs here, so the orders read model never reaches the head.
      const stale = await idle.request('GET', `/admin/orders?waitForPosition=${registered.body.position}&waitMs=100`, { token: admin, headers: { 'x-request-id': 'stale-read-1' } });
      expect(stale.status).toBe(503);
      while (!logLines(idle).some((line) => line.reqId === 'stale-read-1' && line.msg === 'request completed')) await new Promise((resolve) => setTimeout(resolve, 20));
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
