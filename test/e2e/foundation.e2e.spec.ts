import { randomUUID } from 'node:crypto';
import { buyerKey } from '../support/purchase-session.js';
import { BODY_LIMIT_BYTES_FOR_TESTS, TestApp } from '../support/test-app.js';

const validRegistration = (nib = '9120301234567') => ({
  nib,
  npwp: '012345678901234',
  name: 'Koperasi Sari Rasa',
  legalForm: 'koperasi',
  kabupatenKotaCode: '3673',
  contact: { email: 'sari@rasa.id', phone: '+62 254 123456' },
});

describe('foundation over HTTP (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves /health with the event store and subscriptions, and OpenAPI at /docs and /docs-json', async () => {
    const health = await app.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', eventStore: { adapter: 'sqlite', reachable: true } });
    expect(Array.isArray(health.body.subscriptions)).toBe(true);
    const docs = await app.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    const json = await app.request('GET', '/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/health', '/vendors', '/policy', '/metrics']));
  });

  it('exposes Prometheus metrics', async () => {
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toMatch(/^bela_event_store_head_position -?\d+$/m);
    expect(metrics.body).toMatch(/^bela_http_responses_total\{method="GET",status="200"\} \d+$/m);
  });

  it('refuses an unauthenticated write with 401 problem+json and writes nothing', async () => {
    const before = await app.eventCount();
    const response = await app.request('POST', '/vendors', { body: validRegistration() });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(response.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', instance: '/vendors' });
    const forged = await app.request('POST', '/vendors', { token: 'bela_0123456789abcdef_' + 'x'.repeat(43), body: validRegistration() });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('INVALID_API_KEY');
    expect(await app.eventCount()).toBe(before);
  });

  it('refuses a wrong role or scope with 403 and writes nothing', async () => {
    const buyer = await buyerKey(app, app.issueKey('admin'));
    const before = await app.eventCount();
    const auditor = app.issueKey('auditor');
    const wrongRole = await app.request('POST', '/vendors', { token: auditor, body: validRegistration() });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toMatchObject({ code: 'ROLE_NOT_ALLOWED', allowedRoles: ['vendor', 'admin'] });
    const policy = await app.request('POST', '/policy', { token: buyer, body: {} });
    expect(policy.status).toBe(403);
    const vendor = app.issueKey('vendor', { vendorId: randomUUID() });
    const otherVendor = await app.request('PATCH', `/vendors/${randomUUID()}`, { token: vendor, body: { name: 'Bukan Saya' } });
    expect(otherVendor.status).toBe(403);
    expect(otherVendor.body.code).toBe('OUT_OF_SCOPE');
    expect(await app.eventCount()).toBe(before);
  });

  it('refuses malformed bodies with 400 problem+json naming the fields, and writes nothing', async () => {
    const before = await app.eventCount();
    const admin = app.issueKey('admin');
    const invalidFields = await app.request('POST', '/vendors', {
      token: admin,
      body: { ...validRegistration(), nib: '12', capitalRupiah: 1.5, unexpected: true },
    });
    expect(invalidFields.status).toBe(400);
    expect(invalidFields.headers.get('content-type')).toContain('application/problem+json');
    expect(invalidFields.body.code).toBe('VALIDATION_FAILED');
    const fields = invalidFields.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['nib', 'capitalRupiah', 'unexpected']));

    const notJson = await app.request('POST', '/vendors', { token: admin, rawBody: '{"nib": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');

    const noBody = await app.request('POST', '/vendors', { token: admin });
    expect(noBody.status).toBe(400);

    const arrayBody = await app.request('POST', '/vendors', { token: admin, body: [1, 2] });
    expect(arrayBody.status).toBe(400);

    const badId = await app.request('POST', '/vendors/not-a-uuid/verify', { token: admin });
    expect(badId.status).toBe(400);
    expect(badId.body.code).toBe('INVALID_ID');

    const badKey = await app.request('POST', '/vendors', { token: admin, body: validRegistration(), headers: { 'idempotency-key': 'has spaces' } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.code).toBe('INVALID_HEADER');

    const tooLarge = await app.request('POST', '/vendors', { token: admin, rawBody: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES_FOR_TESTS + 1) }) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.code).toBe('BODY_TOO_LARGE');

    const wrongType = await app.request('POST', '/vendors', { token: admin, rawBody: 'nib=1', headers: { 'content-type': 'text/plain' } });
    expect([400, 415]).toContain(wrongType.status);
    expect(wrongType.headers.get('content-type')).toContain('application/problem+json');
    expect(await app.eventCount()).toBe(before);
  });

  it('writes the actor, correlation and causation into event metadata, and honours Idempotency-Key', async () => {
    const admin = app.issueKey('admin');
    const headers = { 'idempotency-key': `register-${randomUUID()}`, 'x-correlation-id': 'corr-e2e-1' };
    const first = await app.request('POST', '/vendors', { token: admin, body: validRegistration('3170000000001'), headers });
    expect(first.status).toBe(201);
    const countAfterFirst = await app.eventCount();
    const retry = await app.request('POST', '/vendors', { token: admin, body: validRegistration('3170000000001'), headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ vendorId: first.body.vendorId, replayed: true, position: first.body.position });
    expect(retry.body.events).toEqual(first.body.events);
    expect(await app.eventCount()).toBe(countAfterFirst);

    const misuse = await app.request('POST', '/vendors', { token: admin, body: { ...validRegistration('3170000000001'), name: 'Other' }, headers });
    expect(misuse.status).toBe(409);
    expect(misuse.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const [event] = await app.store.readStream(`vendor-${first.body.vendorId}`);
    expect(event!.metadata).toMatchObject({
      correlationId: 'corr-e2e-1',
      actor: { role: 'admin' },
      schemaVersion: 1,
      policyRevision: 0,
      idempotencyKey: headers['idempotency-key'],
    });
    expect(event!.metadata.causationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event!.metadata.actor.id).toMatch(/^key:[0-9a-f]{16}$/);
  });
});
