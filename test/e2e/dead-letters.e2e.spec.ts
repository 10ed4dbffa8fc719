import { randomUUID } from 'node:crypto';
import { testMetadata } from '../support/events.js';
import { pollUntil } from '../support/poll-until.js';
import { TestApp } from '../support/test-app.js';

const PROBLEM = 'application/problem+json';

describe('dead letters over HTTP (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
    auditor = app.issueKey('auditor');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, token: string, body?: unknown) =>
    app.request('POST', path, { token, headers: { 'idempotency-key': randomUUID() }, ...(body !== undefined ? { body } : {}) });

  it('an admin sees a parked event in /health and /metrics, retries it once its cause is fixed, and dismisses another with a reason', async () => {
    const vendorId = randomUUID();
    const malformedOrderId = randomUUID();
    // A rejection that arrived before its vendor registered (nothing to release yet), and an OrderPlaced malformed for its type.
    await app.store.appendToStream(
      `import-${randomUUID()}`,
      [{ id: randomUUID(), type: 'VendorRejected', data: { vendorId, reason: 'ditolak' }, metadata: testMetadata }],
      { expectedRevision: 'no_stream' },
    );
    await app.store.appendToStream(
      `order-${malformedOrderId}`,
      [{ id: randomUUID(), type: 'OrderPlaced', data: { orderId: malformedOrderId }, metadata: testMetadata }],
      { expectedRevision: 'no_stream' },
    );

    const health = await pollUntil('a degraded /health', async () => {
      const response = await app.request('GET', '/health');
      const open = response.body.deadLetters?.openByConsumer ?? {};
      return open['process.nib-release'] && open['projection:orders'] && open['process.order-payment'] ? response : undefined;
    });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.subscriptions.find((s: { name: string }) => s.name === 'process.nib-release')).toMatchObject({ state: 'running', deadLettersOpen: 1 });
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.body).toContain('bela_consumer_dead_letters_open{consumer="process.nib-release"} 1');
    expect(metrics.body).toContain('bela_consumer_events_parked_total{consumer="projection:orders"} 1');
    expect(metrics.body).toContain('bela_process_refusals_total');

    // Auditors may list and read; the list filters and pages.
    const nib = await app.request('GET', '/admin/dead-letters?consumer=process.nib-release&status=open', { token: auditor });
    expect(nib.status).toBe(200);
    expect(nib.body.items).toHaveLength(1);
    const letter = nib.body.items[0];
    expect(letter).toMatchObject({ consumer: 'process.nib-release', eventType: 'VendorRejected', status: 'open', attempts: 1 });
    expect(letter.error).toContain(`vendor ${vendorId} has no registration`);
    expect((await app.request('GET', `/admin/dead-letters/${letter.id}`, { token: auditor })).body).toEqual(letter);
    const firstPage = await app.request('GET', '/admin/dead-letters?limit=1', { token: admin });
    expect(firstPage.body.items).toHaveLength(1);
    expect(firstPage.body.nextCursor).toBe(String(firstPage.body.items[0].id));
    const secondPage = await app.request('GET', `/admin/dead-letters?limit=1&cursor=${firstPage.body.nextCursor}`, { token: admin });
    expect(secondPage.body.items[0].id).toBeGreaterThan(firstPage.body.items[0].id);

    // Auditors may not act; a retry before the cause is fixed fails again and stays open.
    expect((await post(`/admin/dead-letters/${letter.id}/retry`, auditor)).status).toBe(403);
    const early = await post(`/admin/dead-letters/${letter.id}/retry`, admin);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ handled: false, deadLetter: { id: letter.id, status: 'open', attempts: 2 } });

    // The vendor registers; the retry now releases its NIB.
    const vendorKey = app.issueKey('vendor', { vendorId });
    const nibNumber = '9120301234567';
    const registration = {
      nib: nibNumber,
      npwp: '012345678901234',
      name: 'CV Uji',
      legalForm: 'cv',
      capitalRupiah: 500_000_000,
      kabupatenKotaCode: '3673',
      contact: { email: 'a@b.co', phone: '+62 254 123456' },
    };
    expect((await post('/vendors', vendorKey, registration)).status).toBe(201);
    const retried = await post(`/admin/dead-letters/${letter.id}/retry`, admin);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ handled: true, deadLetter: { id: letter.id, status: 'retried', closedReason: 'handled on retry' } });
    // The token is bela_<keyId>_<secret>; the actor is key:<keyId>.
    expect(retried.body.deadLetter.closedBy).toBe(`key:${admin.split('_')[1]}`);
    const released = (await app.store.readAll({ maxCount: 1_000 })).filter((event) => event.type === 'NibReleased');
    expect(released.map((event) => (event.data as { vendorId: string }).vendorId)).toEqual([vendorId]);
    const again = await post(`/admin/dead-letters/${letter.id}/retry`, admin);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain(PROBLEM);
    expect(again.body).toMatchObject({ code: 'DEAD_LETTER_CLOSED', status: 409 });

    // The malformed order cannot be fixed: dismiss every other open record, with a reason.
    const open = await app.request('GET', '/admin/dead-letters?status=open', { token: admin });
    expect(open.body.items.length).toBeGreaterThanOrEqual(2);
    expect(open.body.items.every((item: { eventType: string }) => item.eventType === 'OrderPlaced' || item.eventType === 'VendorRejected')).toBe(true);
    const target = open.body.items[0];
    const noReason = await post(`/admin/dead-letters/${target.id}/dismiss`, admin, {});
    expect(noReason.status).toBe(400);
    expect(noReason.headers.get('content-type')).toContain(PROBLEM);
    expect((await post(`/admin/dead-letters/${target.id}/dismiss`, admin, { reason: 'x'.repeat(501) })).status).toBe(400);
    expect((await app.request('GET', `/admin/dead-letters/${target.id}`, { token: admin })).body.status).toBe('open');
    for (const item of open.body.items) {
      const dismissed = await post(`/admin/dead-letters/${item.id}/dismiss`, admin, { reason: 'malformed import, no such order' });
      expect(dismissed.status).toBe(200);
      expect(dismissed.body).toMatchObject({ id: item.id, status: 'dismissed', closedReason: 'malformed import, no such order' });
    }
    expect((await post(`/admin/dead-letters/${target.id}/dismiss`, admin, { reason: 'again' })).body).toMatchObject({ code: 'DEAD_LETTER_CLOSED' });

    const healthy = await app.request('GET', '/health');
    expect(healthy.body).toMatchObject({ status: 'ok', deadLetters: { open: 0 } });
    const after = await app.request('GET', '/metrics');
    expect(after.body).toContain('bela_consumer_dead_letters_open{consumer="process.nib-release"} 0');
  }, 90_000);

  it('answers problem+json for an unknown id, a malformed filter and a body on retry', async () => {
    for (const id of ['999999', 'abc', '0']) {
      const response = await app.request('GET', `/admin/dead-letters/${id}`, { token: admin });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain(PROBLEM);
      expect(response.body.code).toBe('DEAD_LETTER_NOT_FOUND');
    }
    expect((await post('/admin/dead-letters/999999/retry', admin)).body).toMatchObject({ status: 404, code: 'DEAD_LETTER_NOT_FOUND' });
    expect((await post('/admin/dead-letters/999999/dismiss', admin, { reason: 'nothing' })).status).toBe(404);
    for (const query of ['status=closed', 'limit=101', 'limit=0', 'cursor=-1', 'consumer=%20']) {
      const response = await app.request('GET', `/admin/dead-letters?${query}`, { token: admin });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain(PROBLEM);
    }
    expect((await post('/admin/dead-letters/1/retry', admin, { force: true })).status).toBe(400);
    expect((await app.request('GET', '/admin/dead-letters')).status).toBe(401);
  });
});
