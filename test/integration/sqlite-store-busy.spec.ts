import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreBusyError } from '../../src/event-store/event-store.port.js';
import { BUSY_RETRY_WINDOW_MS, SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { anEvent, uniqueStream, withTimeout } from '../support/events.js';

const TICK_MS = 10;
const TICKS_WHILE_LOCKED = 5;

/** Another connection (as another process would) holds the write lock while the store appends. */
describe('appending while another writer holds the lock (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bela-store-busy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits without blocking the event loop, and appends once the lock is released', async () => {
    const file = join(dir, 'released.db');
    const store = SqliteEventStore.open(file);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const streamId = uniqueStream();
    const appended = store.appendToStream(streamId, [anEvent()], { expectedRevision: 'no_stream' });
    let settled = false;
    void appended.finally(() => (settled = true));
    // Timers keep firing while the append waits: its retries are asynchronous.
    let ticks = 0;
    await withTimeout(
      new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          ticks += 1;
          if (ticks >= TICKS_WHILE_LOCKED) {
            clearInterval(timer);
            resolve();
          }
        }, TICK_MS);
      }),
      BUSY_RETRY_WINDOW_MS,
      'event loop turns while the store is locked',
    );
    expect(settled).toBe(false);
    other.exec('COMMIT');
    expect((await appended).nextExpectedRevision).toBe(0n);
    expect((await store.readStream(streamId)).length).toBe(1);
    other.close();
    await store.close();
  });

  it(
    'gives up after its bounded wait with StoreBusyError, having written nothing',
    async () => {
      const file = join(dir, 'held.db');
      const store = SqliteEventStore.open(file);
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      const streamId = uniqueStream();
      const error = await store.appendToStream(streamId, [anEvent()], { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreBusyError);
      expect(error).toMatchObject({ retryAfterSeconds: 1 });
      expect((error as StoreBusyError).waitedMs).toBeGreaterThanOrEqual(BUSY_RETRY_WINDOW_MS);
      other.exec('ROLLBACK');
      other.close();
      expect(await store.headPosition()).toBe(-1n);
      await store.close();
    },
    BUSY_RETRY_WINDOW_MS + 20_000,
  );
});
