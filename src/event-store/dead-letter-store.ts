import type Database from 'better-sqlite3';
import type { RecordedEvent } from './event-store.port.js';

export const DEAD_LETTER_STATUSES = ['open', 'retried', 'dismissed'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];
/** A stored error message is cut to this many characters: the record must stay small whatever a handler threw. */
export const DEAD_LETTER_ERROR_LENGTH_MAX = 2_000;
/** A page of GET /admin/dead-letters holds at most this many records. */
export const DEAD_LETTER_PAGE_SIZE_MAX = 100;
export const DEAD_LETTER_PAGE_SIZE_DEFAULT = 50;
/** Dead-letter ids are positive integers; anything longer than this cannot be one. */
export const DEAD_LETTER_ID_PATTERN = /^[1-9][0-9]{0,14}$/;

/** An event a consumer gave up on after POISON_ATTEMPTS_MAX failures, and what became of it. */
export interface DeadLetter {
  readonly id: number;
  readonly consumer: string;
  /** Its position in $all, as a decimal string like every position the API shows. */
  readonly position: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly eventType: string;
  readonly error: string;
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  readonly status: DeadLetterStatus;
  /** Set once closed: the dismissal reason, or why it was retried. */
  readonly closedReason?: string;
  readonly closedBy?: string;
  readonly closedAt?: string;
}

export interface ParkRequest {
  readonly consumer: string;
  readonly event: RecordedEvent;
  readonly error: string;
  readonly attempts: number;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
}

export interface DeadLetterQuery {
  readonly consumer?: string;
  readonly status?: DeadLetterStatus;
  /** Keyset: records with a greater id. */
  readonly afterId?: number;
  readonly limit: number;
}

interface Row {
  id: number;
  consumer: string;
  position: number;
  event_id: string;
  stream_id: string;
  event_type: string;
  error: string;
  attempts: number;
  first_failed_ms: number;
  last_failed_ms: number;
  status: DeadLetterStatus;
  closed_reason: string | null;
  closed_by: string | null;
  closed_ms: number | null;
}

/**
 * Parked events of every consumer, kept in the consumers' checkpoint database. One record per
 * (consumer, position): parking the same event again (a crash between parking and moving the
 * checkpoint, or a rebuild that meets it again) adds the attempts and reopens the record.
 */
export class DeadLetterStore {
  private readonly upsert: Database.Statement<[string, number, string, string, string, string, number, number, number]>;
  private readonly byId: Database.Statement<[number], Row>;
  private readonly byPosition: Database.Statement<[string, number], Row>;
  private readonly openCountRows: Database.Statement<[], { consumer: string; n: number }>;
  private readonly close: Database.Statement<[DeadLetterStatus, string, string, number, number]>;
  private readonly failAgain: Database.Statement<[string, number, number]>;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS dead_letters (
      id              INTEGER PRIMARY KEY AUTOINCREMENT,
      consumer        TEXT NOT NULL,
      position        INTEGER NOT NULL,
      event_id        TEXT NOT NULL,
      stream_id       TEXT NOT NULL,
      event_type      TEXT NOT NULL,
      error           TEXT NOT NULL,
      attempts        INTEGER NOT NULL,
      first_failed_ms INTEGER NOT NULL,
      last_failed_ms  INTEGER NOT NULL,
      status          TEXT NOT NULL CHECK (status IN ('open', 'retried', 'dismissed')),
      closed_reason   TEXT,
      closed_by       TEXT,
      closed_ms       INTEGER,
      UNIQUE (consumer, position)
    );
    CREATE INDEX IF NOT EXISTS dead_letters_by_status ON dead_letters (status, consumer)`);
    this.upsert = db.prepare(
      `INSERT INTO dead_letters (consumer, position, event_id, stream_id, event_type, error, attempts, first_failed_ms, last_failed_ms, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
       ON CONFLICT (consumer, position) DO UPDATE SET
         error = excluded.error, attempts = attempts + excluded.attempts, last_failed_ms = excluded.last_failed_ms,
         status = 'open', closed_reason = NULL, closed_by = NULL, closed_ms = NULL`,
    );
    this.byId = db.prepare('SELECT * FROM dead_letters WHERE id = ?');
    this.byPosition = db.prepare('SELECT * FROM dead_letters WHERE consumer = ? AND position = ?');
    this.openCountRows = db.prepare("SELECT consumer, COUNT(*) AS n FROM dead_letters WHERE status = 'open' GROUP BY consumer");
    this.close = db.prepare("UPDATE dead_letters SET status = ?, closed_reason = ?, closed_by = ?, closed_ms = ? WHERE id = ? AND status = 'open'");
    this.failAgain = db.prepare("UPDATE dead_letters SET error = ?, attempts = attempts + 1, last_failed_ms = ? WHERE id = ? AND status = 'open'");
  }

  park(request: ParkRequest): DeadLetter {
    const { consumer, event } = request;
    this.upsert.run(
      consumer,
      Number(event.position),
      event.id,
      event.streamId,
      event.type,
      truncate(request.error),
      request.attempts,
      request.firstFailedAt.getTime(),
      request.lastFailedAt.getTime(),
    );
    return toDeadLetter(this.byPosition.get(consumer, Number(event.position))!);
  }

  get(id: number): DeadLetter | undefined {
    const row = this.byId.get(id);
    return row ? toDeadLetter(row) : undefined;
  }

  list(query: DeadLetterQuery): DeadLetter[] {
    const where: string[] = ['id > ?'];
    const params: (string | number)[] = [query.afterId ?? 0];
    if (query.consumer !== undefined) {
      where.push('consumer = ?');
      params.push(query.consumer);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    const limit = Math.min(Math.max(query.limit, 1), DEAD_LETTER_PAGE_SIZE_MAX);
    const rows = this.db.prepare(`SELECT * FROM dead_letters WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${limit}`).all(...params) as Row[];
    return rows.map(toDeadLetter);
  }

  /** Open dead letters per consumer (consumers with none are absent). */
  openCounts(): Map<string, number> {
    return new Map(this.openCountRows.all().map((row) => [row.consumer, row.n]));
  }

  /** Closes an open record; false when it was not open (closed meanwhile). */
  closeAs(id: number, status: Exclude<DeadLetterStatus, 'open'>, reason: string, by: string, at: Date): boolean {
    return this.close.run(status, reason, by, at.getTime(), id).changes === 1;
  }

  /** A retry that failed again: one more attempt, the new error; the record stays open. */
  recordFailedRetry(id: number, error: string, at: Date): void {
    this.failAgain.run(truncate(error), at.getTime(), id);
  }
}

function truncate(message: string): string {
  return [...message].slice(0, DEAD_LETTER_ERROR_LENGTH_MAX).join('');
}

function toDeadLetter(row: Row): DeadLetter {
  return {
    id: row.id,
    consumer: row.consumer,
    position: String(row.position),
    eventId: row.event_id,
    streamId: row.stream_id,
    eventType: row.event_type,
    error: row.error,
    attempts: row.attempts,
    firstFailedAt: new Date(row.first_failed_ms).toISOString(),
    lastFailedAt: new Date(row.last_failed_ms).toISOString(),
    status: row.status,
    ...(row.closed_reason !== null ? { closedReason: row.closed_reason } : {}),
    ...(row.closed_by !== null ? { closedBy: row.closed_by } : {}),
    ...(row.closed_ms !== null ? { closedAt: new Date(row.closed_ms).toISOString() } : {}),
  };
}
