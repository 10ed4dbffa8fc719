import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitEvent } from '../../src/audit/event-commitment.js';
import { LogSigner } from '../../src/audit/log-signer.js';
import { LOG_CATCH_UP_PAGE_EVENTS, MissingCommitmentError, TransparencyLog } from '../../src/audit/transparency-log.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import type { Clock } from '../../src/kernel/clock.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { openCheckpoint } from '../../src/verifier/checkpoint.js';
import { bytesToHex } from '../../src/verifier/leaf.js';
import { treeHash, verifyConsistency, verifyInclusion } from '../../src/verifier/merkle.js';
import { hashLeaf } from '../../src/verifier/hash.js';
import { parseVerifierKey } from '../../src/verifier/note.js';
import { events, uniqueStream, withTimeout } from '../support/events.js';

const ORIGIN = 'bela-ledger.test/log';
const WAIT_MS = 10_000;
const clock: Clock = { now: () => new Date() };

describe('transparency log over the event store (integration)', () => {
  let dir: string;
  let raw: SqliteEventStore;
  let store: EventStore;
  let signer: LogSigner;
  const runners: SubscriptionRunner[] = [];
  const dbs: Database.Database[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bela-tlog-'));
    raw = SqliteEventStore.open(join(dir, 'events.db'));
    store = raw;
    signer = LogSigner.generate(ORIGIN).signer;
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    for (const db of dbs.splice(0)) db.close();
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A log over tlog.db in the scratch dir, as the service opens it; interval 0 signs after every batch. */
  function startLog(over: EventStore = store): { log: TransparencyLog; runner: SubscriptionRunner } {
    const db = new Database(join(dir, 'tlog.db'));
    dbs.push(db);
    const log = new TransparencyLog(db, signer, clock, 0, silentLogger);
    log.signCheckpoint();
    const runner = new SubscriptionRunner(over, log, silentLogger, new DeadLetterStore(db));
    runners.push(runner);
    runner.start();
    return { log, runner };
  }

  /** Counts the log's drops of its leaf lookup indexes (they still happen). */
  function countDrops(log: TransparencyLog): { count: number } {
    const drops = { count: 0 };
    const drop = log.tree.dropLeafLookupIndexes.bind(log.tree);
    log.tree.dropLeafLookupIndexes = () => {
      drops.count += 1;
      drop();
    };
    return drops;
  }

  async function expectedLeaves(): Promise<Uint8Array[]> {
    return (await store.readAll({ maxCount: 10_000 })).map((event) => commitEvent(event, event.commitment!.saltHex, event.commitment!.privateDigest).leafData);
  }

  it('makes every event a leaf: the root after N events is the recomputed root, and the signed checkpoint says so', async () => {
    const { log, runner } = startLog();
    expect(log.checkpoints.latest()).toMatchObject({ treeSize: 0 });
    for (let i = 0; i < 5; i += 1) await raw.appendToStream(uniqueStream('order'), events(37), { expectedRevision: 'no_stream' });
    expect(await withTimeout(runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'log catches up')).toBe(true);
    const leaves = await expectedLeaves();
    expect(log.tree.size()).toBe(185);
    expect(bytesToHex(log.tree.rootHash())).toBe(bytesToHex(await treeHash(leaves)));
    const checkpoint = await openCheckpoint(log.checkpoints.latest()!.note, await parseVerifierKey(log.verifierKey));
    expect(checkpoint.treeSize).toBe(185);
    expect(bytesToHex(checkpoint.rootHash)).toBe(bytesToHex(await treeHash(leaves)));
    // The signing time is signed too, as an extension line after the root.
    expect(checkpoint.extensions).toEqual([`time ${log.checkpoints.latest()!.signedAt}`]);
    await verifyInclusion(100, 185, await hashLeaf(leaves[100]!), log.tree.inclusionProof(100, 185), checkpoint.rootHash);
  });

  it('resumes from its checkpoint after a restart: no leaf twice, and the new tree extends the old one', async () => {
    const first = startLog();
    await raw.appendToStream(uniqueStream('card'), events(50), { expectedRevision: 'no_stream' });
    await withTimeout(first.runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'first run');
    const before = first.log.checkpoints.latest()!;
    await first.runner.stop();
    first.log.stop();

    await raw.appendToStream(uniqueStream('card'), events(30), { expectedRevision: 'no_stream' });
    const second = startLog();
    await withTimeout(second.runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'second run');
    expect(second.log.tree.size()).toBe(80);
    const positions = second.log.tree.leaves(0, 80).map((leaf) => leaf.position);
    expect(new Set(positions).size).toBe(80);
    expect(bytesToHex(second.log.tree.rootHash())).toBe(bytesToHex(await treeHash(await expectedLeaves())));
    await verifyConsistency(50, 80, before.rootHash, second.log.tree.rootHash(), second.log.tree.consistencyProof(50, 80));
  });

  it('catches up on a backlog larger than a page in page transactions: the same root and proofs as the leaves recomputed, then goes on live', async () => {
    const backlog = LOG_CATCH_UP_PAGE_EVENTS + 321;
    for (let appended = 0; appended < backlog; appended += 500) {
      await raw.appendToStream(uniqueStream('order'), events(Math.min(500, backlog - appended)), { expectedRevision: 'no_stream' });
    }
    const { log, runner } = startLog();
    expect(await withTimeout(runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'catch-up')).toBe(true);
    expect(log.tree.size()).toBe(backlog);
    expect((await runner.status()).eventsHandled).toBe(backlog);
    let leaves = await expectedLeaves();
    expect(bytesToHex(log.tree.rootHash())).toBe(bytesToHex(await treeHash(leaves)));
    const signed = log.checkpoints.latest()!;
    expect(signed.treeSize).toBe(backlog);
    // Proofs across the page boundary verify against the signed root.
    for (const index of [0, LOG_CATCH_UP_PAGE_EVENTS - 1, LOG_CATCH_UP_PAGE_EVENTS, backlog - 1]) {
      await verifyInclusion(index, backlog, await hashLeaf(leaves[index]!), log.tree.inclusionProof(index, backlog), signed.rootHash);
    }
    await verifyConsistency(
      LOG_CATCH_UP_PAGE_EVENTS,
      backlog,
      await treeHash(leaves.slice(0, LOG_CATCH_UP_PAGE_EVENTS)),
      signed.rootHash,
      log.tree.consistencyProof(LOG_CATCH_UP_PAGE_EVENTS, backlog),
    );

    await raw.appendToStream(uniqueStream('order'), events(7), { expectedRevision: 'no_stream' });
    expect(await withTimeout(runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'live')).toBe(true);
    leaves = await expectedLeaves();
    expect(bytesToHex(log.tree.rootHash())).toBe(bytesToHex(await treeHash(leaves)));
    await verifyConsistency(backlog, backlog + 7, signed.rootHash, log.tree.rootHash(), log.tree.consistencyProof(backlog, backlog + 7));
  });

  it('a long catch-up builds the leaf lookup indexes at its end, on a worker: the same tree, and lookups by event and stream use them again', async () => {
    const backlog = 3 * LOG_CATCH_UP_PAGE_EVENTS + 321;
    for (let appended = 0; appended < backlog; appended += 500) {
      await raw.appendToStream(uniqueStream('order'), events(Math.min(500, backlog - appended)), { expectedRevision: 'no_stream' });
    }
    const db = new Database(join(dir, 'tlog.db'));
    db.pragma('journal_mode = WAL');
    dbs.push(db);
    // Deferred once 2,000 events are logged: the last 4,321 go in without the indexes.
    const log = new TransparencyLog(db, signer, clock, 0, silentLogger, LOG_CATCH_UP_PAGE_EVENTS);
    const drops = countDrops(log);
    const runner = new SubscriptionRunner(store, log, silentLogger, new DeadLetterStore(db));
    runners.push(runner);
    runner.start();
    expect(await withTimeout(runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'catch-up')).toBe(true);
    expect(drops.count).toBe(1);
    for (let waited = 0; !log.tree.hasLeafLookupIndexes() && waited < WAIT_MS; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.tree.hasLeafLookupIndexes()).toBe(true);
    expect(db.prepare('EXPLAIN QUERY PLAN SELECT idx FROM log_leaves WHERE event_id = ?').all('x')).toEqual(
      expect.arrayContaining([expect.objectContaining({ detail: expect.stringContaining('log_leaves_event_id') })]),
    );

    const all = await store.readAll({ maxCount: 10_000 });
    expect(bytesToHex(log.tree.rootHash())).toBe(bytesToHex(await treeHash(await expectedLeaves())));
    for (const index of [0, LOG_CATCH_UP_PAGE_EVENTS + 5, backlog - 1]) {
      const event = all[index]!;
      expect(log.tree.indexOfEventId(event.id)).toBe(index);
      const ofStream = all.flatMap((other, at) => (other.streamId === event.streamId ? [at] : []));
      expect(log.tree.indexesOfStream(event.streamId, backlog, 1_000)).toEqual(ofStream);
    }
    // The signed checkpoint comes once the worker has let go of the file.
    for (let waited = 0; log.checkpoints.latest()!.treeSize < backlog && waited < WAIT_MS; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.checkpoints.latest()!.treeSize).toBe(backlog);
  });

  it('keeps the leaf lookup indexes through a catch-up shorter than the log already is, and a reopened log has them again', async () => {
    for (let appended = 0; appended < 2_500; appended += 500) await raw.appendToStream(uniqueStream('order'), events(500), { expectedRevision: 'no_stream' });
    const db = new Database(':memory:');
    dbs.push(db);
    const log = new TransparencyLog(db, signer, clock, 0, silentLogger, 100);
    await log.handleBatch(await store.readAll({ maxCount: 2_500 }), await raw.headPosition());
    for (let appended = 0; appended < 2_100; appended += 700) await raw.appendToStream(uniqueStream('order'), events(700), { expectedRevision: 'no_stream' });
    const drops = countDrops(log);
    // A full page of 2,000 and then 100 after a log of 2,500: past the threshold of 100, short of the log's own size.
    await log.catchUp(store, { stopped: () => false, handled: () => undefined });
    expect(log.tree.size()).toBe(4_600);
    expect(drops.count).toBe(0);
    expect(log.tree.hasLeafLookupIndexes()).toBe(true);

    log.tree.dropLeafLookupIndexes();
    expect(log.tree.hasLeafLookupIndexes()).toBe(false);
    expect(new TransparencyLog(db, signer, clock, 0, silentLogger).tree.hasLeafLookupIndexes()).toBe(true);
  });

  it('refuses an event without a stored commitment instead of inventing a salt, and writes nothing', async () => {
    await raw.appendToStream(uniqueStream('order'), events(3), { expectedRevision: 'no_stream' });
    const db = new Database(':memory:');
    dbs.push(db);
    const log = new TransparencyLog(db, signer, clock, 0, silentLogger);
    const [event] = await raw.readAll({ maxCount: 1 });
    await expect(log.handleBatch([{ ...event!, commitment: undefined }], event!.position)).rejects.toBeInstanceOf(MissingCommitmentError);
    expect(log.tree.size()).toBe(0);
    expect(await log.loadCheckpoint()).toBe('start');
    await log.handleBatch([event!], event!.position);
    expect(log.tree.size()).toBe(1);
  });
});
