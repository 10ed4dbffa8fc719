import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { PROBLEM_CONTENT_TYPE } from '../support/hostile-input.js';
import { PROJECT_ROOT, TestApp } from '../support/test-app.js';

const CLI_TIMEOUT_MS = 60_000;
const DAY_MS = 86_400_000;

describe('API keys over HTTP and the CLI: expiry, rotation, last use (e2e)', () => {
  let app: TestApp;
  let keys: ApiKeyStore;

  /** `npm run cli -- keys ...` as an operator types it (the built CLI), on the service's data dir. */
  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli.js'), 'keys', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: app.dataDir },
      timeout: CLI_TIMEOUT_MS,
    });
    return stdout;
  }
  const adminRead = (token: string) => app.request('GET', '/admin/dead-letters', { token });

  beforeAll(async () => {
    app = await TestApp.start();
    keys = ApiKeyStore.open(join(app.dataDir, 'auth.db'));
  });
  afterAll(async () => {
    keys.close();
    await app.close();
  });

  it('an expired key is 401 KEY_EXPIRED as problem+json; a live one works and its last use is recorded', async () => {
    const expired = keys.issue({ role: 'admin', label: 'lama', expiresInDays: 1 }, new Date(Date.now() - 2 * DAY_MS)).token;
    const refused = await adminRead(expired);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'KEY_EXPIRED' });
    expect(refused.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);

    const { token, record } = keys.issue({ role: 'admin', label: 'baru' }, new Date());
    expect(keys.find(record.keyId)!.lastUsedAt).toBeUndefined();
    expect((await adminRead(token)).status).toBe(200);
    expect(Date.parse(keys.find(record.keyId)!.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(record.createdAt));
  });

  it('the CLI issues with an expiry, rotates (the old key works through its grace, or not at all with 0) and lists expiry and last use', async () => {
    const issued = JSON.parse(await cli('issue', '--role', 'admin', '--label', 'operator', '--expires-in-days', '30'));
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(29 * DAY_MS);
    expect((await adminRead(issued.token)).status).toBe(200);

    const graceful = JSON.parse(await cli('rotate', issued.keyId, '--grace-minutes', '5'));
    expect(graceful).toMatchObject({ replaces: issued.keyId, role: 'admin', oldKeyValidForMinutes: 5 });
    expect((await adminRead(graceful.token)).status).toBe(200);
    expect((await adminRead(issued.token)).status).toBe(200);

    const atOnce = JSON.parse(await cli('rotate', graceful.keyId, '--grace-minutes', '0'));
    expect((await adminRead(atOnce.token)).status).toBe(200);
    const revoked = await adminRead(graceful.token);
    expect({ status: revoked.status, code: revoked.body.code }).toEqual({ status: 401, code: 'INVALID_API_KEY' });

    const listed = (await cli('list'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const byId = new Map(listed.map((key) => [key.keyId, key]));
    expect(byId.get(issued.keyId)).toMatchObject({ replacedBy: graceful.keyId, expiresAt: issued.expiresAt });
    expect(byId.get(issued.keyId).lastUsedAt).not.toBeNull();
    expect(byId.get(atOnce.keyId)).toMatchObject({ lastUsedAt: expect.any(String), expiresAt: expect.any(String) });
    for (const key of listed) expect(key.token ?? key.tokenHash).toBeUndefined();
  });
});
