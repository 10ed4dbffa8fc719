import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  APPEND_EVENTS_MAX,
  AllSubscription,
  AppendResult,
  Direction,
  EventData,
  EventStore,
  ExpectedRevision,
  READ_COUNT_MAX,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreBusyError,
  StreamNotFoundError,
  SubscribeToAllOptions,
  SubscriptionFilter,
  WrongExpectedVersionError,
  matchesFilter,
} from '../event-store.port.js';
import { validateAppend } from '../append-validation.js';
import { migrateToChain } from './chain-migration.js';
import { ChainLink, EventRow, GENESIS_LINK, commitRow } from './event-chain.js';
import { deepFreeze } from '../../kernel/deep-freeze.js';
import { RecentEvents, StreamEventCache } from './parsed-event-cache.js';
import { EVENT_STORE_SCHEMA_SQL } from './sqlite-schema.js';
import { SERVICE_PAGE_CACHE_KIB } from './open-sqlite-file.js';
import { verifyChainTail } from './verify-event-store-chain.js';
import { WalSync } from './wal-sync.js';
import { ChangeWaiters, WalWatch } from './wal-watch.js';

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly EventData[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Appends issued in the same turn of the event loop share one durable commit (group commit). */
const GROUP_COMMIT_APPENDS_MAX = 512;
const SUBSCRIPTION_PAGE_EVENTS = 500;
/**
 * Another process (the CLI, a second instance) may append: its commits wake the live
 * subscriptions through a watch of the WAL file (WalWatch), and the subscriptions also poll at
 * this interval, for file systems that report no changes.
 */
const SUBSCRIPTION_POLL_MS = 100;
/** Opening (schema, migration) may wait this long, synchronously, for another process's write. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;
/**
 * Afterwards SQLite's own busy wait is kept short, because it blocks the event loop: a batch
 * that still finds the store locked by another process retries asynchronously, with backoff.
 */
export const WRITE_BUSY_TIMEOUT_MS = 100;
/** How long a batch keeps retrying a locked store before its appends fail with StoreBusyError. */
export const BUSY_RETRY_WINDOW_MS = 10_000;
export const BUSY_BACKOFF_MS_MIN = 5;
export const BUSY_BACKOFF_MS_MAX = 200;
/** What a client that met StoreBusyError is told to wait (HTTP Retry-After). */
export const STORE_BUSY_RETRY_AFTER_SECONDS = 1;
/** Opening verifies the hash chain over this many latest events; `audit chain` checks them all. */
export const TAIL_EVENTS_VERIFIED_ON_OPEN = 1_000;

/**
 * 'durable' (the service): an append is acknowledged after an fsync of the WAL. 'bulk' (a tool
 * writing a throwaway store in one run, the demo generator): acknowledged at commit, one fsync
 * at close; a crash may lose the tail of the run, never break the chain (SQLite's WAL recovery
 * keeps whole commits only).
 */
export type SqliteDurability = 'durable' | 'bulk';
/**
 * A bulk writer folds streams scattered over the whole file (every order, every card): SQLite's
 * default 2 MiB page cache made each fold a round of file reads.
 */
const BULK_PAGE_CACHE_KIB = 65_536;
/**
 * WAL pages before SQLite copies them into the database file (and fsyncs it, even at
 * synchronous = NORMAL): at the default 1,000 that copy and fsync cost a bulk writer half its time.
 */
const BULK_WAL_CHECKPOINT_PAGES = 16_384;

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private draining?: Promise<void>;
  private readonly appendWaiters = new ChangeWaiters();
  /** Reports commits by any process (the WAL file changed): waiting subscriptions are woken when one brought events. */
  private readonly walWatch: WalWatch | undefined;
  /** The highest position the waiting subscriptions were woken for (own commits included). */
  private headWoken = 0;
  private walChangeScheduled = false;
  private closed = false;
  private readonly walSync: WalSync;
  /** Every event at or below this position is known to be on disk: subscribers and readAll see no further. */
  private durablePosition = 0;
  /** Parsed events shared by the readers of streams and by the subscriptions at the head (parsed-event-cache.ts). */
  private readonly streamCache = new StreamEventCache();
  private readonly recentEvents = new RecentEvents();

  private readonly selectStreamRevision: Database.Statement<[string], { revision: number }>;
  private readonly selectEventInStream: Database.Statement<[string, string], { revision: number; position: number }>;
  private readonly selectFirstRevisionOfEvent: Database.Statement<[string, string], { revision: number }>;
  private readonly selectEventInStreamExists: Database.Statement<[string, string], { found: number }>;
  private readonly selectEventAt: Database.Statement<[string, number], { event_id: string; position: number }>;
  private readonly selectLastPositionOfStream: Database.Statement<[string], { position: number }>;
  private readonly selectLastLink: Database.Statement<[], { position: number; chain_hash: string | null }>;
  private readonly insertEvent: Database.Statement<[number, string, number, string, string, string, string, number, string, string, string]>;
  private readonly upsertStream: Database.Statement<[string, number]>;
  private readonly selectAllAfter: Database.Statement<[number, number], EventRow>;
  private readonly selectStreamForwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectStreamBackwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectAllForwards: Database.Statement<[number, number], EventRow>;
  private readonly selectAllBackwards: Database.Statement<[number, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { head: number | null }>;
  private readonly appendBatch: (batch: readonly PendingAppend[]) => Array<AppendResult | { error: unknown }>;

  private constructor(
    readonly filePath: string,
    /** The auditor's reading of a store whose chain may be broken: no tail check on open, no appends. */
    private readonly auditReadOnly = false,
    private readonly durability: SqliteDurability = 'durable',
    private readonly subscriptionPollMs = SUBSCRIPTION_POLL_MS,
  ) {
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    this.db = new Database(filePath, { timeout: OPEN_BUSY_TIMEOUT_MS });
    this.walSync = new WalSync(filePath);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(EVENT_STORE_SCHEMA_SQL);
      migrateToChain(this.db);
      if (!auditReadOnly) verifyChainTail(this.db, filePath, TAIL_EVENTS_VERIFIED_ON_OPEN);
      // Appends are acknowledged only after an fsync of the WAL (commitBatch), run off the event
      // loop by WalSync instead of inside COMMIT, where it would block every request meanwhile.
      if (!this.walSync.inMemory) this.db.pragma('synchronous = NORMAL');
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.db.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
    if (durability === 'bulk') {
      this.db.pragma(`cache_size = -${BULK_PAGE_CACHE_KIB}`);
      this.db.pragma(`wal_autocheckpoint = ${BULK_WAL_CHECKPOINT_PAGES}`);
    } else this.db.pragma(`cache_size = -${SERVICE_PAGE_CACHE_KIB}`);
    this.selectStreamRevision = this.db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    // Without INDEXED BY the planner walks the stream's (stream_id, revision) index to skip the
    // sort: every append to a long stream would scan the whole stream.
    this.selectEventInStream = this.db.prepare(
      'SELECT revision, position FROM events INDEXED BY events_by_stream_event_id WHERE stream_id = ? AND event_id = ? ORDER BY revision LIMIT 1',
    );
    // Within a stream, position order is revision order, and the index holds the position (rowid):
    // ordered by it, the lookup needs no sort (ORDER BY revision made SQLite sort in a temp B-tree).
    this.selectFirstRevisionOfEvent = this.db.prepare(
      'SELECT revision FROM events INDEXED BY events_by_stream_event_id WHERE stream_id = ? AND event_id = ? ORDER BY position LIMIT 1',
    );
    // Everything it reads is in the index: no visit to the events' own B-tree (three times faster
    // than the revision's lookup at 1,001,000 events, where most probes miss the page cache).
    this.selectEventInStreamExists = this.db.prepare(
      'SELECT 1 AS found FROM events INDEXED BY events_by_stream_event_id WHERE stream_id = ? AND event_id = ? LIMIT 1',
    );
    this.selectEventAt = this.db.prepare('SELECT event_id, position FROM events WHERE stream_id = ? AND revision = ?');
    this.selectLastPositionOfStream = this.db.prepare('SELECT position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1');
    this.selectLastLink = this.db.prepare('SELECT position, chain_hash FROM events ORDER BY position DESC LIMIT 1');
    this.insertEvent = this.db.prepare(
      `INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata, created_ms, commitment_salt, private_digest, chain_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertStream = this.db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.selectAllAfter = this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    this.selectStreamForwards = this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?');
    this.selectStreamBackwards = this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?');
    this.selectAllForwards = this.db.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?');
    this.selectAllBackwards = this.db.prepare('SELECT * FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?');
    this.selectHead = this.db.prepare('SELECT MAX(position) AS head FROM events');
    this.headWoken = this.selectHead.get()?.head ?? 0;
    this.walWatch = filePath === ':memory:' ? undefined : new WalWatch(filePath, () => this.walChanged());

    const appendOne = this.db.transaction((pending: PendingAppend) => this.applyAppend(pending.streamId, pending.events, pending.expectedRevision));
    // Outer transaction = one fsync for the batch; each append is a savepoint that fails alone.
    const appendBatch = this.db.transaction((batch: readonly PendingAppend[]) =>
      batch.map((pending) => {
        try {
          return appendOne(pending);
        } catch (error) {
          // SQLite abandoned the whole transaction (disk full, I/O error): the appends before
          // this one are undone too, and the rest must not run outside it. The batch fails whole.
          if (!this.db.inTransaction) throw error;
          return { error };
        }
      }),
    );
    // IMMEDIATE takes the write lock at BEGIN, where SQLite's busy wait applies; a deferred
    // transaction that upgrades after reading fails with SQLITE_BUSY at once.
    this.appendBatch = (batch) => appendBatch.immediate(batch);
  }

  /**
   * `subscriptionPollMs`: how often a live subscription also looks for other processes' appends
   * (default SUBSCRIPTION_POLL_MS), for file systems where the WAL watch reports nothing.
   */
  static open(filePath: string, options: { readonly durability?: SqliteDurability; readonly subscriptionPollMs?: number } = {}): SqliteEventStore {
    return new SqliteEventStore(filePath, false, options.durability, options.subscriptionPollMs);
  }

  /**
   * For the auditor's replay and verify only: opens a store even when its chain does not verify,
   * so that every other check can still report what it finds; appending is refused.
   */
  static openForAudit(filePath: string): SqliteEventStore {
    return new SqliteEventStore(filePath, true);
  }

  appendToStream(streamId: string, events: readonly EventData[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    if (this.auditReadOnly) return Promise.reject(new Error('event store is open for audit: read-only'));
    validateAppend(streamId, events, APPEND_EVENTS_MAX);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events, expectedRevision: options.expectedRevision, resolve, reject });
      this.scheduleFlush();
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = boundedCount(options.maxCount);
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    const events = orBusy(() => this.readStreamEvents(streamId, direction, from, maxCount));
    if (events === undefined) throw new StreamNotFoundError(streamId);
    return events;
  }

  async readStreamIfExists(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = boundedCount(options.maxCount);
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    return orBusy(() => this.readStreamEvents(streamId, direction, from, maxCount)) ?? [];
  }

  /** By the (stream_id, event_id) index: one row looked up, whatever the stream's length. */
  async findEventRevision(streamId: string, eventId: string): Promise<bigint | undefined> {
    const found = orBusy(() => this.selectFirstRevisionOfEvent.get(streamId, eventId));
    return found === undefined ? undefined : BigInt(found.revision);
  }

  /** The same index alone: the event's row is not visited. */
  async containsEvent(streamId: string, eventId: string): Promise<boolean> {
    return orBusy(() => this.selectEventInStreamExists.get(streamId, eventId)) !== undefined;
  }

  /** The stream's events, or undefined when it has none; forwards reads go through the stream cache. */
  private readStreamEvents(streamId: string, direction: Direction, from: bigint | 'start' | 'end', maxCount: number): RecordedEvent[] | undefined {
    const current = this.selectStreamRevision.get(streamId);
    if (!current) return undefined;
    if (direction === 'forwards') {
      const fromRevision = from === 'start' ? 0 : from === 'end' ? current.revision + 1 : Number(from);
      return this.streamCache.read(streamId, fromRevision, maxCount, current.revision, (revision) =>
        this.selectStreamForwards.all(streamId, revision, maxCount).map(frozenEvent),
      );
    }
    const fromRevision = from === 'end' ? current.revision : from === 'start' ? 0 : Number(from);
    return this.selectStreamBackwards.all(streamId, fromRevision, maxCount).map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = boundedCount(options.maxCount);
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    const events = orBusy(() => this.readAllRows(direction, from, maxCount)).map(toRecordedEvent);
    // Backwards, the first event is the highest.
    await this.durableThrough(events.length === 0 ? undefined : Math.max(Number(events[0]!.position), Number(events[events.length - 1]!.position)));
    return events;
  }

  /**
   * A subscription's next page after `checkpoint`: the events, and the position of the last row
   * read (undefined: none yet). Near the head the page is parsed whole and kept for the other
   * subscribers (RecentEvents). Far behind it, where nothing is kept, only the rows that match
   * the filter are parsed: a process manager catching up skips the JSON of the events it ignores.
   */
  private subscriptionPage(checkpoint: number, filter: SubscriptionFilter | undefined): { events: RecordedEvent[]; lastPosition?: number } {
    if (filter === undefined || this.recentEvents.covers(checkpoint)) {
      const events = this.recentEvents.after(checkpoint, SUBSCRIPTION_PAGE_EVENTS, (after, maxCount) =>
        this.selectAllAfter.all(after, maxCount).map(frozenEvent),
      );
      return events.length === 0 ? { events } : { events, lastPosition: Number(events[events.length - 1]!.position) };
    }
    const rows = this.selectAllAfter.all(checkpoint, SUBSCRIPTION_PAGE_EVENTS);
    const events = rows.filter((row) => matchesFilter({ streamId: row.stream_id, type: row.type }, filter)).map(frozenEvent);
    return rows.length === 0 ? { events } : { events, lastPosition: rows[rows.length - 1]!.position };
  }

  private readAllRows(direction: Direction, from: bigint | 'start' | 'end', maxCount: number): EventRow[] {
    if (direction === 'forwards') {
      const fromPosition = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from);
      return this.selectAllForwards.all(fromPosition, maxCount);
    }
    const fromPosition = from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : Number(from);
    return this.selectAllBackwards.all(fromPosition, maxCount);
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    let checkpoint = options.fromPosition === 'start' ? 0 : Number(options.fromPosition);
    let active = true;
    let wake: (() => void) | undefined;
    const store = this;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      while (active && !store.closed) {
        const page = orBusy(() => store.subscriptionPage(checkpoint, options.filter));
        // What subscribers act on (checkpoints, read models, process managers) must survive a power loss.
        await store.durableThrough(page.lastPosition);
        for (const event of page.events) {
          checkpoint = Number(event.position);
          if (matchesFilter(event, options.filter)) yield event;
          if (!active) return;
        }
        if (page.lastPosition === undefined) await store.waitForAppend((resolve) => (wake = resolve));
        else checkpoint = page.lastPosition;
      }
    }
    const iterator = iterate();
    return {
      [Symbol.asyncIterator]: () => iterator,
      unsubscribe: async () => {
        active = false;
        wake?.();
        await iterator.return(undefined);
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const head = orBusy(() => this.selectHead.get())?.head;
    return head === null || head === undefined ? -1n : BigInt(head);
  }

  /** Positions here are dense from 1 (each append takes the last position + 1), so the lag is a difference. */
  async countEventsAfter(position: bigint, countMax: number): Promise<number> {
    const head = await this.headPosition();
    const after = position > 0n ? position : 0n;
    return head > after ? Math.min(Number(head - after), countMax) : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are still written; new ones are refused from here on.
    this.closed = true;
    this.walWatch?.stop();
    await this.draining;
    if (this.queue.length > 0) await this.drain();
    this.appendWaiters.wakeAll();
    if (this.durability === 'bulk' && !this.auditReadOnly) await this.walSync.sync();
    await this.walSync.close();
    this.db.close();
  }

  private scheduleFlush(): void {
    // A running drain takes whatever is queued before it stops.
    if (this.flushScheduled || this.draining) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.draining) return;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.queue.length > 0 && !this.closed) this.scheduleFlush();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await this.commitBatch(this.queue.splice(0, GROUP_COMMIT_APPENDS_MAX));
      // makeDurable read the head for this commit: the WAL change it causes wakes no one twice.
      this.headWoken = Math.max(this.headWoken, this.durablePosition);
      this.appendWaiters.wakeAll();
    }
  }

  /** One durable commit for the batch; while other processes hold the write lock, retried with backoff. */
  private async commitBatch(batch: readonly PendingAppend[]): Promise<void> {
    const startedMs = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      let results: Array<AppendResult | { error: unknown }>;
      try {
        results = this.appendBatch(batch);
      } catch (error) {
        const waitedMs = Date.now() - startedMs;
        if (isBusy(error) && waitedMs < BUSY_RETRY_WINDOW_MS) {
          await sleep(busyBackoffMs(attempt));
          continue;
        }
        const failure = isBusy(error) ? new StoreBusyError(waitedMs, STORE_BUSY_RETRY_AFTER_SECONDS) : error;
        for (const pending of batch) pending.reject(failure);
        return;
      }
      try {
        await this.makeDurable();
      } catch (error) {
        // Committed but maybe not on disk: the client must not take it as done; a retry finds its events by id.
        for (const pending of batch) pending.reject(error);
        return;
      }
      batch.forEach((pending, index) => {
        const result = results[index]!;
        if ('error' in result) pending.reject(result.error);
        else pending.resolve(result);
      });
      return;
    }
  }

  /** Resolves once the events up to position `last` are on disk (undefined: nothing was read); the auditor's read-only store reads the file as it is. */
  private async durableThrough(last: number | undefined): Promise<void> {
    if (this.auditReadOnly || last === undefined) return;
    if (last > this.durablePosition) await this.makeDurable();
  }

  /** fsyncs the WAL: every event committed before it, by any connection, is then durable. */
  private async makeDurable(): Promise<void> {
    const head = orBusy(() => this.selectHead.get())?.head ?? 0;
    if (this.durability === 'durable') await this.walSync.sync();
    if (head > this.durablePosition) this.durablePosition = head;
  }

  /** The WAL file changed (WalWatch): once per turn of the event loop, the waiting subscriptions are woken if the head moved. */
  private walChanged(): void {
    if (this.walChangeScheduled || this.closed) return;
    this.walChangeScheduled = true;
    setImmediate(() => {
      this.walChangeScheduled = false;
      this.wakeIfHeadMoved();
    });
  }

  /** Wakes the waiting subscriptions if the head moved past what they were woken for. */
  private wakeIfHeadMoved(): void {
    if (this.closed || this.appendWaiters.size === 0) return;
    let head: number | undefined;
    try {
      head = this.selectHead.get()?.head ?? 0;
    } catch {
      // The head could not be read (the file is busy): the subscriptions read for themselves.
    }
    if (head !== undefined && head <= this.headWoken) return;
    if (head !== undefined) this.headWoken = head;
    this.appendWaiters.wakeAll();
  }

  private waitForAppend(register: (resolve: () => void) => void): Promise<void> {
    this.walWatch?.start();
    return this.appendWaiters.wait(this.subscriptionPollMs, register);
  }

  private applyAppend(streamId: string, events: readonly EventData[], expected: ExpectedRevision): AppendResult {
    const current = this.selectStreamRevision.get(streamId)?.revision ?? -1;
    const first = events[0];
    if (first) {
      const existing = this.selectEventInStream.get(streamId, first.id);
      if (existing) return this.idempotentResult(streamId, events, expected, existing.revision, current);
    }
    checkExpectedRevision(streamId, expected, current);
    if (events.length === 0) {
      const last = this.selectLastPositionOfStream.get(streamId);
      return { nextExpectedRevision: BigInt(current), position: BigInt(last?.position ?? -1) };
    }
    const createdMs = Date.now();
    let revision = current;
    // The write lock is held: the last row is the chain's end, and this append continues it.
    const last = this.selectLastLink.get();
    let link: ChainLink = GENESIS_LINK;
    if (last) {
      if (last.chain_hash === null) {
        throw new Error(`event ${last.position} has no chain hash: a process of an older version wrote it; upgrade every process that writes ${this.filePath}`);
      }
      link = { position: last.position, chainHash: last.chain_hash };
    }
    for (const event of events) {
      revision += 1;
      const position = link.position + 1;
      const commitment = commitRow(link.chainHash, {
        position,
        streamId,
        revision,
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        createdMs,
      });
      this.insertEvent.run(
        position,
        streamId,
        revision,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        createdMs,
        commitment.saltHex,
        commitment.privateDigest,
        commitment.chainHash,
      );
      link = { position, chainHash: commitment.chainHash };
    }
    this.upsertStream.run(streamId, revision);
    return { nextExpectedRevision: BigInt(revision), position: BigInt(link.position) };
  }

  /** EventStoreDB's idempotence: the same ids at the same place write nothing and succeed. */
  private idempotentResult(streamId: string, events: readonly EventData[], expected: ExpectedRevision, firstRevision: number, current: number): AppendResult {
    const placeMatches =
      expected === 'any' ||
      expected === 'stream_exists' ||
      (expected === 'no_stream' && firstRevision === 0) ||
      (typeof expected === 'bigint' && BigInt(firstRevision) === expected + 1n);
    if (!placeMatches) throw new WrongExpectedVersionError(streamId, expected, BigInt(current));
    let position = -1;
    events.forEach((event, index) => {
      const stored = this.selectEventAt.get(streamId, firstRevision + index);
      if (!stored || stored.event_id !== event.id) {
        throw new WrongExpectedVersionError(streamId, expected, BigInt(current));
      }
      position = stored.position;
    });
    return { nextExpectedRevision: BigInt(firstRevision + events.length - 1), position: BigInt(position) };
  }
}

function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1) ||
    (expected === 'stream_exists' && current >= 0) ||
    (typeof expected === 'bigint' && expected === BigInt(current));
  if (!ok) throw new WrongExpectedVersionError(streamId, expected, current === -1 ? 'no_stream' : BigInt(current));
}

function boundedCount(maxCount: number | undefined): number {
  if (maxCount === undefined) return READ_COUNT_MAX;
  if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
  return Math.min(maxCount, READ_COUNT_MAX);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    created: new Date(row.created_ms),
    ...(row.commitment_salt !== null && row.private_digest !== null ? { commitment: { saltHex: row.commitment_salt, privateDigest: row.private_digest } } : {}),
  };
}

/** An event for the caches: every reader gets the same object, so none may change it. */
function frozenEvent(row: EventRow): RecordedEvent {
  return deepFreeze(toRecordedEvent(row));
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** A read that met another process's lock past the busy wait: a 503, not a 500. */
function orBusy<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isBusy(error)) throw new StoreBusyError(WRITE_BUSY_TIMEOUT_MS, STORE_BUSY_RETRY_AFTER_SECONDS);
    throw error;
  }
}

/** Exponential with full jitter, so writers in several processes do not retry in lockstep. */
function busyBackoffMs(attempt: number): number {
  return BUSY_BACKOFF_MS_MIN + Math.random() * Math.min(BUSY_BACKOFF_MS_MIN * 2 ** attempt, BUSY_BACKOFF_MS_MAX);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
