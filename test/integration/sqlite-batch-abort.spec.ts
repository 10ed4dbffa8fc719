import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { verifyEventStoreChain } from '../../src/event-store/sqlite/verify-event-store-chain.js';
import { anEvent, uniqueStream } from '../support/events.js';

/** The store's own connection: the page limit that makes the "disk" full is per connection. */
function connectionOf(store: SqliteEventStore): Database.Database {
  return (store as unknown as { db: Database.Database }).db;
}

/**
 * A group commit runs each append as a savepoint of one outer transaction. When SQLite
 * abandons that transaction midway (here: the disk is full), the appends before the failure are
 * undone with it and the ones after must not run at all (not outside the transaction either):
 * every caller of the batch is told it failed, and none of their events is stored.
 */
describe('a group commit that SQLite abandons midway (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bela-batch-abort-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects every append of the batch and stores none of them; the store goes on afterwards', async () => {
    const file = join(dir, 'events.db');
    const store = SqliteEventStore.open(file);
    await store.appendToStream(uniqueStream(), [anEvent()], { expectedRevision: 'no_stream' });
    const db = connectionOf(store);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 4}`);

    const streams = [uniqueStream(), uniqueStream(), uniqueStream()];
    const batch = [anEvent('Small', { n: 1 }), anEvent('Huge', { blob: 'x'.repeat(400_000) }), anEvent('Small', { n: 3 })];
    // Issued in one turn of the event loop: one batch, one outer transaction.
    const outcomes = await Promise.allSettled(batch.map((event, n) => store.appendToStream(streams[n]!, [event], { expectedRevision: 'no_stream' })));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_FULL' });
    expect(db.inTransaction).toBe(false);

    db.pragma('max_page_count = 1073741823');
    for (const streamId of streams) expect(await store.readAll({ maxCount: 100 }).then((all) => all.filter((e) => e.streamId === streamId))).toEqual([]);
    const after = await store.appendToStream(streams[2]!, [anEvent('Small', { n: 4 })], { expectedRevision: 'no_stream' });
    expect(after.nextExpectedRevision).toBe(0n);
    expect(after.position).toBe(2n);
    await store.close();
    expect(verifyEventStoreChain(file)).toMatchObject({ ok: true, events: 2 });
  });
});
