import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  APPEND_EVENTS_MAX,
  AllSubscription,
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  READ_COUNT_MAX,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamNotFoundError,
  SubscribeToAllOptions,
  WrongExpectedVersionError,
  matchesFilter,
} from '../event-store.port.js';
import { validateAppend } from '../append-validation.js';
import { EVENT_STORE_SCHEMA_SQL } from './sqlite-schema.js';

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  created_ms: number;
}

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
/** Another process (the CLI) may append: live subscriptions also poll, at this interval. */
const SUBSCRIPTION_POLL_MS = 100;
const BUSY_TIMEOUT_MS = 5_000;

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly appendWaiters = new Set<() => void>();
  private closed = false;

  private readonly selectStreamRevision: Database.Statement<[string], { revision: number }>;
  private readonly selectEventInStream: Database.Statement<[string, string], { revision: number; position: number }>;
  private readonly selectEventAt: Database.Statement<[string, number], { event_id: string; position: number }>;
  private readonly selectLastPositionOfStream: Database.Statement<[string], { position: number }>;
  private readonly insertEvent: Database.Statement<[string, number, string, string, string, string, number]>;
  private readonly upsertStream: Database.Statement<[string, number]>;
  private readonly selectAllAfter: Database.Statement<[number, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { head: number | null }>;
  private readonly appendBatch: (batch: readonly PendingAppend[]) => Array<AppendResult | { error: unknown }>;

  private constructor(readonly filePath: string) {
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    this.db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    // Acknowledge an append only once it is on disk.
    this.db.pragma('synchronous = FULL');
    this.db.exec(EVENT_STORE_SCHEMA_SQL);
    this.selectStreamRevision = this.db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    // Without INDEXED BY the planner walks the stream's (stream_id, revision) index to skip the
    // sort: every append to a long stream would scan the whole stream.
    this.selectEventInStream = this.db.prepare(
      'SELECT revision, position FROM events INDEXED BY events_by_stream_event_id WHERE stream_id = ? AND event_id = ? ORDER BY revision LIMIT 1',
    );
    this.selectEventAt = this.db.prepare('SELECT event_id, position FROM events WHERE stream_id = ? AND revision = ?');
    this.selectLastPositionOfStream = this.db.prepare(
      'SELECT position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertStream = this.db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.selectAllAfter = this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    this.selectHead = this.db.prepare('SELECT MAX(position) AS head FROM events');

    const appendOne = this.db.transaction((pending: PendingAppend) =>
      this.applyAppend(pending.streamId, pending.events, pending.expectedRevision),
    );
    // Outer transaction = one fsync for the batch; each append is a savepoint that fails alone.
    this.appendBatch = this.db.transaction((batch: readonly PendingAppend[]) =>
      batch.map((pending) => {
        try {
          return appendOne(pending);
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  static open(filePath: string): SqliteEventStore {
    return new SqliteEventStore(filePath);
  }

  appendToStream(
    streamId: string,
    events: readonly EventData[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
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
    const current = this.selectStreamRevision.get(streamId);
    if (!current) throw new StreamNotFoundError(streamId);
    let rows: EventRow[];
    if (direction === 'forwards') {
      const fromRevision = from === 'start' ? 0 : from === 'end' ? current.revision + 1 : Number(from);
      rows = this.db
        .prepare<[string, number, number], EventRow>(
          'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
        )
        .all(streamId, fromRevision, maxCount);
    } else {
      const fromRevision = from === 'end' ? current.revision : from === 'start' ? 0 : Number(from);
      rows = this.db
        .prepare<[string, number, number], EventRow>(
          'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
        )
        .all(streamId, fromRevision, maxCount);
    }
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const maxCount = boundedCount(options.maxCount);
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    if (direction === 'forwards') {
      const fromPosition = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from);
      return this.db
        .prepare<[number, number], EventRow>('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?')
        .all(fromPosition, maxCount)
        .map(toRecordedEvent);
    }
    const fromPosition = from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : Number(from);
    return this.db
      .prepare<[number, number], EventRow>('SELECT * FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?')
      .all(fromPosition, maxCount)
      .map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    let checkpoint = options.fromPosition === 'start' ? 0 : Number(options.fromPosition);
    let active = true;
    let wake: (() => void) | undefined;
    const store = this;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      while (active && !store.closed) {
        const rows = store.selectAllAfter.all(checkpoint, SUBSCRIPTION_PAGE_EVENTS);
        for (const row of rows) {
          checkpoint = row.position;
          const event = toRecordedEvent(row);
          if (matchesFilter(event, options.filter)) yield event;
          if (!active) return;
        }
        if (rows.length === 0) await store.waitForAppend((resolve) => (wake = resolve));
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
    const head = this.selectHead.get()?.head;
    return head === null || head === undefined ? -1n : BigInt(head);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const waiter of this.appendWaiters) waiter();
    this.db.close();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, GROUP_COMMIT_APPENDS_MAX);
      let results: Array<AppendResult | { error: unknown }>;
      try {
        results = this.appendBatch(batch);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
        continue;
      }
      batch.forEach((pending, index) => {
        const result = results[index]!;
        if ('error' in result) pending.reject(result.error);
        else pending.resolve(result);
      });
    }
    for (const waiter of this.appendWaiters) waiter();
  }

  private waitForAppend(register: (resolve: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.appendWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, SUBSCRIPTION_POLL_MS);
      this.appendWaiters.add(done);
      register(done);
    });
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
    let position = -1;
    for (const event of events) {
      revision += 1;
      const info = this.insertEvent.run(
        streamId,
        revision,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        createdMs,
      );
      position = Number(info.lastInsertRowid);
    }
    this.upsertStream.run(streamId, revision);
    return { nextExpectedRevision: BigInt(revision), position: BigInt(position) };
  }

  /** EventStoreDB's idempotence: the same ids at the same place write nothing and succeed. */
  private idempotentResult(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    firstRevision: number,
    current: number,
  ): AppendResult {
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
  };
}
