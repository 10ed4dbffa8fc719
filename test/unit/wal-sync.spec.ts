import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from '../../src/event-store/sqlite/wal-sync.js';

/** A WAL-mode file with one commit, so its -wal exists. */
function walFile(dir: string): { path: string; db: Database.Database } {
  const path = join(dir, 'store.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (n INTEGER)');
  db.prepare('INSERT INTO t VALUES (1)').run();
  return { path, db };
}

describe('WAL fsync off the event loop (unit)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-wal-sync-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('answers a caller only after an fsync that started after its call; callers meanwhile share one more fsync', async () => {
    const { path, db } = walFile(scratch);
    const flushes: Array<() => void> = [];
    const sync = new WalSync(path, () => new Promise<void>((resolve) => flushes.push(resolve)));
    const done: string[] = [];
    const first = sync.sync().then(() => done.push('first'));
    await Promise.resolve();
    expect(flushes).toHaveLength(1);
    // Committed while the first fsync runs: that fsync may have missed them.
    const later = [sync.sync(), sync.sync(), sync.sync()].map((promise, index) => promise.then(() => done.push(`later-${index}`)));
    flushes[0]!();
    await first;
    expect(done).toEqual(['first']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toHaveLength(2);
    flushes[1]!();
    await Promise.all(later);
    expect(done).toEqual(['first', 'later-0', 'later-1', 'later-2']);
    expect(flushes).toHaveLength(2);
    await sync.close();
    db.close();
  });

  it('fails the callers of an fsync that failed, and the next sync runs anew', async () => {
    const { path, db } = walFile(mkdtempSync(join(scratch, 'failing-')));
    let fail = true;
    const sync = new WalSync(path, async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(sync.sync()).rejects.toThrow('EIO');
    fail = false;
    await expect(sync.sync()).resolves.toBeUndefined();
    await sync.close();
    db.close();
  });

  it('flushes a real file, and does nothing for :memory:', async () => {
    const { path, db } = walFile(mkdtempSync(join(scratch, 'real-')));
    const sync = new WalSync(path);
    await expect(sync.sync()).resolves.toBeUndefined();
    expect(() => sync.syncNow()).not.toThrow();
    await sync.close();
    db.close();
    const memory = new WalSync(':memory:');
    expect(memory.inMemory).toBe(true);
    await expect(memory.sync()).resolves.toBeUndefined();
  });
});
