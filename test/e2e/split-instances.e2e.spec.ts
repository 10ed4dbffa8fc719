import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testMetadata } from '../support/events.js';
import { pollUntil } from '../support/poll-until.js';
import { TestApp } from '../support/test-app.js';

const PROBLEM = 'application/problem+json';

/**
 * Two instances of the built service on one data directory, as docs/operations.md deploys them:
 * `consumers` runs the projections, process managers and the log; `http` serves requests only
 * (RUN_SUBSCRIPTIONS=false). The HTTP-only instance reads the projections' rows and positions
 * from the shared read-model file, and refuses what only the instance running them may do.
 */
describe('an HTTP-only instance beside the instance that runs the subscriptions (e2e, the built service)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-split-'));
  let consumers: TestApp;
  let http: TestApp;
  let admin: string;

  beforeAll(async () => {
    consumers = await TestApp.start({ dataDir });
    http = await TestApp.start({ dataDir, env: { RUN_SUBSCRIPTIONS: 'false' } });
    admin = http.issueKey('admin');
  }, 60_000);
  afterAll(async () => {
    await http?.close();
    await consumers?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (app: TestApp, path: string, body?: unknown) =>
    app.request('POST', path, { token: admin, headers: { 'idempotency-key': randomUUID() }, ...(body !== undefined ? { body } : {}) });

  async function registerVendor(app: TestApp, name: string): Promise<{ vendorId: string; position: string }> {
    const registered = await post(app, '/vendors', {
      nib: String(9_120_300_000_000 + Math.floor(Math.random() * 99_999_999)),
      npwp: '012345678901234',
      name,
      legalForm: 'koperasi',
      kabupatenKotaCode: '3673',
      contact: { email: 'kop@serang.id', phone: '+62 254 123456' },
    });
    expect(registered.status).toBe(201);
    return { vendorId: registered.body.vendorId, position: registered.body.position };
  }

  it('a read through the HTTP-only instance waits for the projections the other instance runs (read your writes)', async () => {
    const { vendorId, position } = await registerVendor(http, 'Koperasi Baca Tulis');
    const read = await http.request('GET', `/admin/vendors?waitForPosition=${position}&waitMs=5000`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body.items.map((item: { vendorId: string }) => item.vendorId)).toContain(vendorId);
  });

  it('its /admin/projections gives the positions and rows the other instance stored', async () => {
    const { position } = await registerVendor(http, 'Koperasi Posisi');
    expect((await http.request('GET', `/admin/vendors?waitForPosition=${position}&waitMs=5000`, { token: admin })).status).toBe(200);
    const seen = await http.request('GET', '/admin/projections', { token: admin });
    expect(seen.status).toBe(200);
    const vendors = seen.body.projections.find((projection: { name: string }) => projection.name === 'vendors');
    expect(BigInt(vendors.position)).toBeGreaterThanOrEqual(BigInt(position));
    expect(vendors.tables.vendor_directory).toBeGreaterThanOrEqual(2);
  });

  it("its /health and /metrics give each consumer's stored position, not a lag of the whole store", async () => {
    const { position } = await registerVendor(http, 'Koperasi Metrik');
    const caughtUp = await pollUntil('every consumer of the other instance past the registration', async () => {
      const health = await consumers.request('GET', '/health');
      const subscriptions: { name: string; position: string; lagEvents: number }[] = health.body.subscriptions;
      return subscriptions.every((subscription) => BigInt(subscription.position) >= BigInt(position) && subscription.lagEvents === 0)
        ? subscriptions
        : undefined;
    });
    const health = await http.request('GET', '/health');
    expect(health.status).toBe(200);
    const seen: { name: string; state: string; position: string; lagEvents: number }[] = health.body.subscriptions;
    expect(seen.map(({ name, state, lagEvents }) => ({ name, state, lagEvents }))).toEqual(
      caughtUp.map(({ name }) => ({ name, state: 'stopped', lagEvents: 0 })),
    );
    const metrics = await http.request('GET', '/metrics');
    for (const { name } of caughtUp) expect(metrics.body).toContain(`bela_subscription_lag_events{consumer="${name}"} 0\n`);
    // Reading those positions started nothing here: the projections' catch-up pass runs only in the other instance.
    expect(http.output()).not.toContain('catch-up of');
    expect(consumers.output()).toContain('catch-up of');
  });

  it('refuses a rebuild (409 problem+json) and changes nothing; the instance that runs the projections rebuilds them', async () => {
    const { vendorId, position } = await registerVendor(http, 'Koperasi Tetap Ada');
    expect((await http.request('GET', `/admin/vendors?waitForPosition=${position}&waitMs=5000`, { token: admin })).status).toBe(200);
    const before = await consumers.request('GET', '/admin/projections', { token: admin });

    for (const path of ['/admin/projections/rebuild', '/admin/projections/vendors/rebuild']) {
      const refused = await post(http, path);
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toContain(PROBLEM);
      expect(refused.body).toMatchObject({ status: 409, code: 'CONSUMER_NOT_RUNNING' });
      expect(refused.body.detail).toContain('RUN_SUBSCRIPTIONS=false');
    }
    const after = await consumers.request('GET', '/admin/projections', { token: admin });
    const rowsOf = (body: { projections: { name: string; tables: Record<string, number> }[] }) =>
      body.projections.map(({ name, tables }) => ({ name, tables }));
    expect(rowsOf(after.body)).toEqual(rowsOf(before.body));

    const rebuilt = await post(consumers, '/admin/projections/vendors/rebuild');
    expect(rebuilt.status).toBe(202);
    const { position: later } = await registerVendor(http, 'Koperasi Sesudah Rebuild');
    const read = await http.request('GET', `/admin/vendors?waitForPosition=${later}&waitMs=5000&limit=100`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body.items.map((item: { vendorId: string }) => item.vendorId)).toContain(vendorId);
  });

  it('refuses to retry a dead letter (the consumer runs elsewhere) and leaves it open; the other instance retries it', async () => {
    const orderId = randomUUID();
    await consumers.store.appendToStream(`order-${orderId}`, [{ id: randomUUID(), type: 'OrderPlaced', data: { orderId }, metadata: testMetadata }], {
      expectedRevision: 'no_stream',
    });
    const letter = await pollUntil('the malformed order parked by projection:orders', async () => {
      const open = await http.request('GET', '/admin/dead-letters?consumer=projection:orders&status=open', { token: admin });
      return open.body.items.find((item: { streamId: string }) => item.streamId === `order-${orderId}`);
    });

    const refused = await post(http, `/admin/dead-letters/${letter.id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain(PROBLEM);
    expect(refused.body).toMatchObject({ status: 409, code: 'CONSUMER_NOT_RUNNING' });
    expect(refused.body.detail).toContain('RUN_SUBSCRIPTIONS=false');
    expect((await http.request('GET', `/admin/dead-letters/${letter.id}`, { token: admin })).body).toMatchObject({ status: 'open', attempts: letter.attempts });

    const retried = await post(consumers, `/admin/dead-letters/${letter.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ handled: false, deadLetter: { id: letter.id, status: 'open', attempts: letter.attempts + 1 } });
    const dismissed = await post(http, `/admin/dead-letters/${letter.id}/dismiss`, { reason: 'malformed import, no such order' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ id: letter.id, status: 'dismissed' });
  }, 60_000);
});
