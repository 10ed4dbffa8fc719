import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { READ_MODEL_WAIT_MS_MAX } from '../../src/read-models/read-model-query.service.js';
import { sellingVendor, uniqueNib } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

const PROBLEM = 'application/problem+json';
/** Over Node's default 16 KB limit on all headers together. */
const OVERSIZED_HEADER_BYTES = 20 * 1024;

/** The edges of the HTTP contract as docs/api.md states them: media types, encodings, If-Match, read-your-writes. */
describe('HTTP contract (e2e)', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
  });
  afterAll(async () => {
    await app.close();
  });

  const registration = () => ({
    nib: uniqueNib(),
    npwp: '012345678901234',
    name: 'Koperasi Kontrak Serang',
    legalForm: 'koperasi',
    kabupatenKotaCode: '3673',
    contact: { email: 'kontrak@contoh.id', phone: '+62 254 1' },
  });

  function rawRequest(method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(new URL(path, app.baseUrl), { method }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  function expectProblem(response: { status: number; headers: Headers; body: any }, status: number, code: string): void {
    expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(response.body.status).toBe(status);
  }

  it('refuses a body that is not JSON with 415 problem+json, and writes nothing', async () => {
    const before = await app.eventCount();
    const bodies: [string, string][] = [
      ['text/plain', JSON.stringify(registration())],
      ['application/x-www-form-urlencoded', 'nib=9120301234567&name=Koperasi'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="nib"\r\n\r\n9120301234567\r\n--x--\r\n'],
      ['application/xml', '<vendor><nib>9120301234567</nib></vendor>'],
    ];
    for (const [contentType, rawBody] of bodies) {
      const response = await app.request('POST', '/vendors', { token: admin, rawBody, headers: { 'content-type': contentType } });
      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await app.eventCount()).toBe(before);
  });

  it('refuses an Accept that admits no JSON with 406 problem+json; routes of other types answer their own', async () => {
    const before = await app.eventCount();
    const command = await app.request('POST', '/vendors', { token: admin, body: registration(), headers: { accept: 'application/xml' } });
    expectProblem(command, 406, 'NOT_ACCEPTABLE');
    expect(await app.eventCount()).toBe(before);
    expectProblem(await app.request('GET', '/admin/vendors', { token: admin, headers: { accept: 'application/xml' } }), 406, 'NOT_ACCEPTABLE');
    expectProblem(await app.request('GET', '/metrics', { headers: { accept: 'application/json' } }), 406, 'NOT_ACCEPTABLE');

    for (const accept of ['application/json', 'application/problem+json', '*/*', 'application/*', 'text/html, application/json;q=0.5']) {
      expect((await app.request('GET', '/admin/vendors', { token: admin, headers: { accept } })).status).toBe(200);
    }
    expect((await app.request('GET', '/admin/vendors', { token: admin, headers: { accept: 'application/json;q=0' } })).status).toBe(406);
    const csv = await app.request('GET', '/admin/vendors', { token: admin, headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const metrics = await app.request('GET', '/metrics', { headers: { accept: 'text/plain' } });
    expect(metrics.status).toBe(200);
    const checkpoint = await app.request('GET', '/log/checkpoint', { headers: { accept: 'text/plain' } });
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.headers.get('content-type')).toContain('text/plain');
  });

  it('answers an oversized header with 431 problem+json', async () => {
    const { status, contentType, body } = await new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
      const url = new URL('/admin/vendors', app.baseUrl);
      const request = httpRequest(url, { method: 'GET', headers: { authorization: `Bearer ${'x'.repeat(OVERSIZED_HEADER_BYTES)}` } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, contentType: response.headers['content-type'] ?? '', body: text }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(431);
    expect(contentType).toContain(PROBLEM);
    expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('refuses invalid UTF-8 in a JSON body with 400 INVALID_UTF8, and stores no U+FFFD', async () => {
    const before = await app.eventCount();
    const json = Buffer.from(JSON.stringify({ ...registration(), name: 'Koperasi XX' }));
    const at = json.indexOf('XX');
    json[at] = 0xc3;
    json[at + 1] = 0x28;
    const response = await fetch(`${app.baseUrl}/vendors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: json,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(await response.json()).toMatchObject({ status: 400, code: 'INVALID_UTF8' });
    expect(await app.eventCount()).toBe(before);
  });

  it('compares If-Match strongly (RFC 9110): weak tags never match, * matches what exists, a list matches if one tag does', async () => {
    const seller = await sellingVendor(app, admin, [35_000]);
    const listingId = seller.listingIds[0]!;
    const price = (priceRupiah: number, ifMatch: string) =>
      app.request('POST', `/listings/${listingId}/price`, { token: seller.vendorToken, body: { priceRupiah }, headers: { 'if-match': ifMatch } });
    expect((await app.request('GET', `/listings/${listingId}`)).headers.get('etag')).toBe('"0"');

    const before = await app.eventCount();
    expectProblem(await price(36_000, 'W/"0"'), 412, 'REVISION_MISMATCH');
    expectProblem(await price(36_000, 'W/"0", "7"'), 412, 'REVISION_MISMATCH');
    for (const malformed of ['0', '"0" "1"', '*, "0"', '"0",', 'W/0']) expectProblem(await price(36_000, malformed), 400, 'INVALID_HEADER');
    expect(await app.eventCount()).toBe(before);

    const listed = await price(36_000, '"7", "0"');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('etag')).toBe('"1"');
    const any = await price(37_000, '*');
    expect(any.status).toBe(200);
    expect(any.headers.get('etag')).toBe('"2"');
    expect((await app.request('GET', `/listings/${listingId}`)).body.priceRupiah).toBe(37_000);

    const missing = await app.request('POST', `/listings/${randomUUID()}/price`, {
      token: seller.vendorToken,
      body: { priceRupiah: 1_000 },
      headers: { 'if-match': '*' },
    });
    expect(missing.status).toBe(412);
    expect(missing.headers.get('content-type')).toContain(PROBLEM);
  });

  it('refuses an invalid price with INVALID_PRICE', async () => {
    const seller = await sellingVendor(app, admin, [35_000]);
    const before = await app.eventCount();
    for (const priceRupiah of [0, -5, 1.5, '35000']) {
      const response = await app.request('POST', `/listings/${seller.listingIds[0]}/price`, { token: seller.vendorToken, body: { priceRupiah } });
      expectProblem(response, 400, 'INVALID_PRICE');
    }
    expect(await app.eventCount()).toBe(before);
  });

  it('answers a method a served path does not take with 405 and Allow, before reading any body; an unknown path stays 404', async () => {
    const before = await app.eventCount();
    for (const method of ['DELETE', 'PUT', 'QUERY']) {
      const response = await app.request(method, '/public/summary');
      expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
    // fetch refuses to send TRACE: node:http does.
    const trace = await rawRequest('TRACE', '/public/summary');
    expect({ status: trace.status, allow: trace.headers.allow }).toEqual({ status: 405, allow: 'GET, HEAD' });
    const vendor = await app.request('DELETE', `/vendors/${randomUUID()}`, { token: admin, body: registration() });
    expectProblem(vendor, 405, 'METHOD_NOT_ALLOWED');
    expect(vendor.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(await app.eventCount()).toBe(before);
    expect((await rawRequest('TRACE', '/no/such/path')).status).toBe(404);
  });

  it('refuses a malformed X-Correlation-Id or If-Match on a retried Idempotency-Key too, before answering from the store', async () => {
    const key = randomUUID();
    const body = registration();
    expect((await app.request('POST', '/vendors', { token: admin, body, headers: { 'idempotency-key': key } })).status).toBe(201);
    const retry = await app.request('POST', '/vendors', { token: admin, body, headers: { 'idempotency-key': key, 'x-correlation-id': 'not a token' } });
    expectProblem(retry, 400, 'INVALID_HEADER');
    expect((await app.request('POST', '/vendors', { token: admin, body, headers: { 'idempotency-key': key } })).headers.get('idempotent-replayed')).toBe(
      'true',
    );
  });

  it('reads query values as their schema says: an empty number is refused, early years and zero-padded page sizes are read', async () => {
    const empty = await app.request('GET', '/admin/vendors?waitForPosition=0&waitMs=', { token: admin });
    expectProblem(empty, 400, 'VALIDATION_FAILED');
    expect(empty.body.errors).toEqual([{ field: 'waitMs', messages: ['waitMs must be a number, not empty'] }]);
    expect((await app.request('GET', '/public/transactions?placedFrom=0021-02-11T10:00:00Z')).status).toBe(200);
    expectProblem(await app.request('GET', '/public/transactions?placedFrom=2021-02-30T10:00:00Z'), 400, 'VALIDATION_FAILED');
    const padded = await app.request('GET', '/public/ocds/release-packages?from=2020-01-01T00:00:00Z&limit=0005');
    expect(padded.status === 200 || padded.body.code === 'NO_RELEASES_IN_PERIOD').toBe(true);
  });

  it('refuses at once a waitForPosition beyond the head, and a wait over the cap', async () => {
    const head = await app.store.headPosition();
    const beyond = await app.request('GET', `/admin/vendors?waitForPosition=${head + 1_000_000n}&waitMs=${READ_MODEL_WAIT_MS_MAX}`, { token: admin });
    expectProblem(beyond, 400, 'POSITION_BEYOND_HEAD');
    expect(beyond.body.headPosition).toBe(head.toString());
    const tooLong = await app.request('GET', `/admin/vendors?waitForPosition=0&waitMs=${READ_MODEL_WAIT_MS_MAX + 1}`, { token: admin });
    expectProblem(tooLong, 400, 'VALIDATION_FAILED');
    expect((await app.request('GET', `/admin/vendors?waitForPosition=${head}&waitMs=${READ_MODEL_WAIT_MS_MAX}`, { token: admin })).status).toBe(200);
    expectProblem(await app.request('GET', '/public/spending?waitForPosition=99999999&waitMs=30000'), 400, 'VALIDATION_FAILED');
  });
});
