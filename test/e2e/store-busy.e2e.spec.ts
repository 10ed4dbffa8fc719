import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BUSY_RETRY_WINDOW_MS } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { TestApp } from '../support/test-app.js';

const registration = {
  nib: '9120301234568',
  npwp: '012345678901235',
  name: 'Koperasi Sari Rasa',
  legalForm: 'koperasi',
  kabupatenKotaCode: '3673',
  contact: { email: 'sari@rasa.id', phone: '+62 254 123456' },
};

/**
 * Another process (here: the test, with its own connection) holds the event store's write lock
 * for longer than the service waits: the command is answered 503 with Retry-After, not 500, and
 * the same request retried afterwards goes through once.
 */
describe('a command while another process holds the event store (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it(
    'answers 503 STORE_BUSY with Retry-After, writes nothing, and the retry succeeds',
    async () => {
      const admin = app.issueKey('admin');
      const headers = { 'idempotency-key': `register-${randomUUID()}` };
      const before = await app.eventCount();
      const other = new Database(join(app.dataDir, 'events.db'));
      other.exec('BEGIN IMMEDIATE');
      let busy: Awaited<ReturnType<TestApp['request']>>;
      try {
        busy = await app.request('POST', '/vendors', { token: admin, body: registration, headers });
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      expect(busy.status).toBe(503);
      expect(busy.headers.get('content-type')).toContain('application/problem+json');
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(busy.body).toMatchObject({ status: 503, code: 'STORE_BUSY', retryAfterSeconds: 1, instance: '/vendors' });
      expect(await app.eventCount()).toBe(before);

      const retry = await app.request('POST', '/vendors', { token: admin, body: registration, headers });
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ replayed: false, events: [{ type: 'VendorRegistered' }] });
    },
    BUSY_RETRY_WINDOW_MS + 30_000,
  );
});
