import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { TestApp } from '../support/test-app.js';

const PROBLEM = 'application/problem+json';
const PER_KEY_MAX = 3;
const PER_ADDRESS_MAX = 6;

describe('rate limits per API key and per address on authenticated routes (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({
      env: { API_RATE_LIMIT_PER_KEY_MAX: String(PER_KEY_MAX), API_RATE_LIMIT_PER_ADDRESS_MAX: String(PER_ADDRESS_MAX), API_RATE_LIMIT_WINDOW_MS: '60000' },
    });
  });
  afterAll(async () => {
    await app.close();
    rmSync(app.dataDir, { recursive: true, force: true });
  });

  /** GET /admin/projections from a second client address: the whole of 127.0.0.0/8 is loopback, so 127.0.0.2 reaches the service on 127.0.0.1. */
  const fromOtherAddress = (token: string): Promise<{ status: number; body: any }> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(app.baseUrl);
      const request = httpRequest(
        { host: hostname, port, path: '/admin/projections', localAddress: '127.0.0.2', headers: { authorization: `Bearer ${token}` }, timeout: 30_000 },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
        },
      );
      request.on('error', reject).end();
    });

  it('throttles one key past its limit while another key passes, then the address, while another address still passes', async () => {
    const keyA = app.issueKey('admin');
    const keyB = app.issueKey('admin');

    const first = await app.request('GET', '/admin/projections', { token: keyA });
    expect(first.status).toBe(200);
    // The tighter of the two limits is reported: the key's.
    expect({ limit: first.headers.get('x-ratelimit-limit'), remaining: first.headers.get('x-ratelimit-remaining') }).toEqual({
      limit: String(PER_KEY_MAX),
      remaining: String(PER_KEY_MAX - 1),
    });
    for (let sent = 1; sent < PER_KEY_MAX; sent += 1) expect((await app.request('GET', '/admin/projections', { token: keyA })).status).toBe(200);

    const throttled = await app.request('GET', '/admin/projections', { token: keyA });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('content-type')).toContain(PROBLEM);
    expect(throttled.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', instance: '/admin/projections' });
    expect(throttled.body.detail).toContain('this API key');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');

    // Another key from the same address still passes (the address has counted 5 of 6).
    expect((await app.request('GET', '/admin/projections', { token: keyB })).status).toBe(200);
    // A token naming key A's id with a wrong secret counts in a bucket of its own: refused as invalid, not throttled.
    const keyIdA = keyA.split('_')[1]!;
    const forged = await app.request('GET', '/admin/projections', { token: `bela_${keyIdA}_${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);

    // The address is now past its limit, whatever the key.
    const byAddress = await app.request('GET', '/admin/projections', { token: keyB });
    expect(byAddress.status).toBe(429);
    expect(byAddress.body.detail).toContain('this address');

    // Another address: key B passes, key A is still throttled.
    expect(await fromOtherAddress(keyB)).toMatchObject({ status: 200 });
    const stillThrottled = await fromOtherAddress(keyA);
    expect(stillThrottled).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });

    // Probes, scrapes and the public reads (limited on their own) are not counted here.
    expect((await app.request('GET', '/health')).status).toBe(200);
    expect((await app.request('GET', '/metrics')).status).toBe(200);
    expect((await app.request('GET', '/public/summary')).status).toBe(200);
  });
});
