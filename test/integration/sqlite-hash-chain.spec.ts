import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CHAIN_GENESIS_HEX, chainHash, commitEvent, privateDigest } from '../../src/audit/event-commitment.js';
import { EventStoreChainError } from '../../src/event-store/sqlite/event-chain.js';
import { SqliteEventStore, TAIL_EVENTS_VERIFIED_ON_OPEN } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { verifyEventStoreChain } from '../../src/event-store/sqlite/verify-event-store-chain.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { anEvent, uniqueStream } from '../support/events.js';
import { sampleEventsByStream, sampleIds } from '../support/ledger-event-samples.js';

const CLI_WAIT_MS = 60_000;
const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Every sample ledger event (vendors, listings, an order paid by KKP, its card), stream by stream. */
async function writeSampleLedger(file: string): Promise<void> {
  const store = SqliteEventStore.open(file);
  for (const [streamId, events] of sampleEventsByStream(sampleIds())) await store.appendToStream(streamId, events, { expectedRevision: 'any' });
  await store.close();
}

/** What an attacker with disk access does: a copy of the file, the triggers dropped, then SQL. */
function forge(original: string, forgedDir: string, sql: string): string {
  mkdirSync(forgedDir, { recursive: true });
  const forged = join(forgedDir, 'events.db');
  copyFileSync(original, forged);
  const db = new Database(forged);
  db.exec('DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete;');
  db.exec(sql);
  db.close();
  return forged;
}

function positionOf(file: string, type: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[string], { position: number }>('SELECT position FROM events WHERE type = ?').get(type)!.position;
  } finally {
    db.close();
  }
}

function openError(file: string): unknown {
  try {
    SqliteEventStore.open(file);
  } catch (error) {
    return error;
  }
  throw new Error(`${file} opened`);
}

function auditChain(dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'audit', 'chain', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: CLI_WAIT_MS,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The store's schema before the hash chain, as the previous version created it. */
const SCHEMA_BEFORE_CHAIN_SQL = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created_ms INTEGER NOT NULL, UNIQUE (stream_id, revision)
);
CREATE INDEX events_by_stream_event_id ON events (stream_id, event_id);
CREATE TABLE streams (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
`;

describe('the embedded store hash chain (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bela-hash-chain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ledgerDir = join(dir, 'ledger');
  const ledger = join(ledgerDir, 'events.db');
  beforeAll(async () => writeSampleLedger(ledger));

  it('gives every event a salt and digest, and chains them as the leaf records say', async () => {
    const store = SqliteEventStore.open(ledger);
    const events = await store.readAll();
    await store.close();
    expect(events.length).toBeGreaterThan(20);
    let previous = CHAIN_GENESIS_HEX;
    for (const event of events) {
      const { saltHex, privateDigest: digest } = event.commitment!;
      expect(saltHex).toMatch(/^[0-9a-f]{64}$/);
      expect(digest).toBe(privateDigest(saltHex, event.data, event.metadata));
      previous = chainHash(previous, commitEvent(event, saltHex).leafData);
    }
    expect(new Set(events.map((e) => e.commitment!.saltHex)).size).toBe(events.length);
    expect(verifyEventStoreChain(ledger)).toEqual({ ok: true, events: events.length, headChainHash: previous });
  });

  it('refuses UPDATE and DELETE on the events table', () => {
    const db = new Database(ledger);
    try {
      expect(() => db.exec("UPDATE events SET data = '{}' WHERE position = 1")).toThrow(/append-only: UPDATE refused/);
      expect(() => db.exec('DELETE FROM events WHERE position = 1')).toThrow(/append-only: DELETE refused/);
    } finally {
      db.close();
    }
  });

  it('refuses to open a store whose OrderPaid was forged, and the full check and the CLI name its position', () => {
    const paidAt = positionOf(ledger, 'OrderPaid');
    const forgedDir = join(dir, 'forged-data');
    const forged = forge(ledger, forgedDir, "UPDATE events SET data = json_set(data, '$.amountRupiah', 155000) WHERE type = 'OrderPaid'");

    const error = openError(forged);
    expect(error).toBeInstanceOf(EventStoreChainError);
    expect((error as EventStoreChainError).chainBreak).toMatchObject({ position: paidAt, reason: 'digest' });
    expect(verifyEventStoreChain(forged)).toMatchObject({ ok: false, position: paidAt, reason: 'digest', events: paidAt - 1 });

    const cli = auditChain(forgedDir);
    expect(cli.status).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, position: paidAt, reason: 'digest' });
    expect(cli.stderr).toContain(`CHAIN BROKEN at position ${paidAt}`);
    const intact = auditChain(ledgerDir);
    expect(intact.status).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true });
  });

  it('catches a forger who also recomputes the salted digest: the chain hash no longer follows', async () => {
    const receivedAt = positionOf(ledger, 'OrderReceived');
    const db = new Database(ledger, { readonly: true });
    const row = db
      .prepare<[number], { data: string; metadata: string; commitment_salt: string }>('SELECT data, metadata, commitment_salt FROM events WHERE position = ?')
      .get(receivedAt)!;
    db.close();
    const data = { ...(JSON.parse(row.data) as Record<string, unknown>), bastNumber: 'BAST/999/FORGED' };
    const digest = privateDigest(row.commitment_salt, data, JSON.parse(row.metadata));
    const forged = forge(
      ledger,
      join(dir, 'forged-digest'),
      `UPDATE events SET data = '${JSON.stringify(data)}', private_digest = '${digest}' WHERE position = ${receivedAt}`,
    );
    expect((openError(forged) as EventStoreChainError).chainBreak).toMatchObject({ position: receivedAt, reason: 'chain' });
    expect(verifyEventStoreChain(forged)).toMatchObject({ ok: false, position: receivedAt, reason: 'chain' });
  });

  it('catches a removed event at the next position', () => {
    const removed = positionOf(ledger, 'OrderAccepted');
    const forged = forge(ledger, join(dir, 'forged-delete'), `DELETE FROM events WHERE position = ${removed}`);
    expect((openError(forged) as EventStoreChainError).chainBreak).toMatchObject({ position: removed + 1, reason: 'chain' });
  });

  it('checks only the latest events on open (a bound); the full check reaches the oldest', async () => {
    const file = join(dir, 'long', 'events.db');
    const store = SqliteEventStore.open(file);
    const streamId = uniqueStream();
    await store.appendToStream(streamId, [anEvent('Old', { amountRupiah: 1 })], { expectedRevision: 'no_stream' });
    await Promise.all(
      Array.from({ length: TAIL_EVENTS_VERIFIED_ON_OPEN }, () => store.appendToStream(uniqueStream(), [anEvent()], { expectedRevision: 'no_stream' })),
    );
    await store.close();
    const forged = forge(file, join(dir, 'long-forged'), 'UPDATE events SET data = \'{"amountRupiah":2}\' WHERE position = 1');
    const reopened = SqliteEventStore.open(forged);
    await reopened.close();
    expect(verifyEventStoreChain(forged)).toMatchObject({ ok: false, position: 1, reason: 'digest' });
  });

  it('migrates a store written before the chain: existing histories replay, appends continue, the chain verifies', async () => {
    const file = join(dir, 'legacy', 'events.db');
    mkdirSync(dirname(file), { recursive: true });
    const legacy = new Database(file);
    legacy.pragma('journal_mode = WAL');
    legacy.exec(SCHEMA_BEFORE_CHAIN_SQL);
    const insert = legacy.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const written = new Map<string, { id: string; data: unknown }[]>();
    for (const [streamId, events] of sampleEventsByStream(sampleIds())) {
      events.forEach((event, revision) =>
        insert.run(streamId, revision, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), Date.UTC(2026, 10, 1, 0, revision)),
      );
      legacy.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, ?)').run(streamId, events.length - 1);
      written.set(
        streamId,
        events.map((event) => ({ id: event.id, data: event.data })),
      );
    }
    legacy.close();

    const store = SqliteEventStore.open(file);
    for (const [streamId, events] of written) {
      const replayed = await readWholeStream(store, streamId);
      expect(replayed.map((event) => ({ id: event.id, data: event.data }))).toEqual(events);
      for (const event of replayed) expect(event.commitment?.privateDigest).toBe(privateDigest(event.commitment!.saltHex, event.data, event.metadata));
    }
    const [someStream, someEvents] = [...written][0]!;
    const next = await store.appendToStream(someStream, [anEvent()], { expectedRevision: BigInt(someEvents.length - 1) });
    expect(next.nextExpectedRevision).toBe(BigInt(someEvents.length));
    const saltsBefore = (await store.readAll()).map((event) => event.commitment!.saltHex);
    await store.close();

    // Opened again: nothing is migrated twice, the triggers stand, the whole chain verifies.
    const again = SqliteEventStore.open(file);
    expect((await again.readAll()).map((event) => event.commitment!.saltHex)).toEqual(saltsBefore);
    await again.close();
    expect(verifyEventStoreChain(file)).toMatchObject({ ok: true, events: saltsBefore.length });
    const db = new Database(file);
    expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);

    // A process still on the older version appends a row without a chain hash: the check and the next open refuse it.
    const oldVersion = anEvent('FromOldVersion');
    db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_ms) VALUES (?, 0, ?, ?, ?, ?, ?)').run(
      uniqueStream(),
      oldVersion.id,
      oldVersion.type,
      '{}',
      JSON.stringify(oldVersion.metadata),
      Date.now(),
    );
    db.close();
    expect(verifyEventStoreChain(file)).toMatchObject({ ok: false, position: saltsBefore.length + 1, reason: 'missing' });
    expect(openError(file)).toBeInstanceOf(EventStoreChainError);
  });
});
