import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../kernel/errors.js';
import { openSqliteFile } from '../event-store/sqlite/open-sqlite-file.js';
import { WalSync } from '../event-store/sqlite/wal-sync.js';

/** How long a key and its stored response are kept: a retry within this window gets the first answer. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1_000;
/** A reservation left in flight this long belongs to a process that died: the next attempt may take it over. */
export const IN_FLIGHT_LEASE_MS = 60_000;
/** Expired records deleted per reservation (in one sweep per transaction), so the sweep never holds the write lock for long. */
export const SWEEP_BATCH_MAX = 100;

/** What a finished request answered, as it is replayed. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Reservation =
  /** This request owns the key; finish with complete() or release() using the token. */
  | { readonly kind: 'reserved'; readonly token: string }
  /** The key was used for another request (other method, path or body). */
  | { readonly kind: 'reused' }
  /** The same request is still running elsewhere. */
  | { readonly kind: 'in_flight' }
  | { readonly kind: 'completed'; readonly response: StoredResponse };

interface Row {
  readonly request_hash: string;
  readonly state: 'in_flight' | 'completed';
  readonly reserved_at_ms: number;
  readonly expires_at_ms: number;
  readonly response_status: number | null;
  readonly response_headers: string | null;
  readonly response_body: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS idempotency_keys (
  api_key_id        TEXT    NOT NULL,
  idempotency_key   TEXT    NOT NULL,
  request_hash      TEXT    NOT NULL,
  state             TEXT    NOT NULL CHECK (state IN ('in_flight', 'completed')),
  owner_token       TEXT    NOT NULL,
  reserved_at_ms    INTEGER NOT NULL,
  expires_at_ms     INTEGER NOT NULL,
  response_status   INTEGER,
  response_headers  TEXT,
  response_body     TEXT,
  PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_expiry ON idempotency_keys (expires_at_ms);
`;

/** One change to the store, as IdempotencyStore.apply takes them (several share one transaction). */
export type IdempotencyWrite =
  | { readonly kind: 'reserve'; readonly apiKeyId: string; readonly key: string; readonly hash: string; readonly nowMs: number }
  | {
      readonly kind: 'complete';
      readonly apiKeyId: string;
      readonly key: string;
      readonly token: string;
      readonly response: StoredResponse;
      readonly nowMs: number;
    }
  | { readonly kind: 'release'; readonly apiKeyId: string; readonly key: string; readonly token: string };

/** What each write answered: a reservation for `reserve`, nothing for the others. */
export type IdempotencyWriteResult = Reservation | undefined;

/**
 * Idempotency keys per API key, in their own SQLite file. Every change runs in an IMMEDIATE
 * transaction, so a reservation is atomic across connections and processes sharing the file;
 * `apply` runs many changes, in order, in one transaction (one durable commit for them all).
 * Commits are made durable by an fsync of the WAL after COMMIT (WalSync): inline for the
 * synchronous methods, off the event loop for `applyDurably`.
 */
export class IdempotencyStore {
  private readonly applyTransaction: (writes: readonly IdempotencyWrite[]) => IdempotencyWriteResult[];
  private readonly selectRow: Database.Statement<[string, string], Row>;
  private readonly walSync: WalSync;

  private constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.walSync = new WalSync(db.name);
    if (!this.walSync.inMemory) db.pragma('synchronous = NORMAL');
    const select = db.prepare<[string, string], Row>(
      `SELECT request_hash, state, reserved_at_ms, expires_at_ms, response_status, response_headers, response_body
         FROM idempotency_keys WHERE api_key_id = ? AND idempotency_key = ?`,
    );
    const upsert = db.prepare(
      `INSERT OR REPLACE INTO idempotency_keys
         (api_key_id, idempotency_key, request_hash, state, owner_token, reserved_at_ms, expires_at_ms)
       VALUES (?, ?, ?, 'in_flight', ?, ?, ?)`,
    );
    const sweep = db.prepare(
      `DELETE FROM idempotency_keys WHERE rowid IN
         (SELECT rowid FROM idempotency_keys WHERE expires_at_ms <= ? LIMIT ?)`,
    );
    const complete = db.prepare(
      `UPDATE idempotency_keys
          SET state = 'completed', expires_at_ms = ?, response_status = ?, response_headers = ?, response_body = ?
        WHERE api_key_id = ? AND idempotency_key = ? AND owner_token = ?`,
    );
    const release = db.prepare('DELETE FROM idempotency_keys WHERE api_key_id = ? AND idempotency_key = ? AND owner_token = ?');
    this.selectRow = select;
    const reserve = (apiKeyId: string, key: string, hash: string, nowMs: number): Reservation => {
      const row = select.get(apiKeyId, key);
      const live = row !== undefined && row.expires_at_ms > nowMs;
      if (live && row.request_hash !== hash) return { kind: 'reused' };
      if (live && row.state === 'completed') return { kind: 'completed', response: storedResponse(row) };
      if (live && nowMs - row.reserved_at_ms < IN_FLIGHT_LEASE_MS) return { kind: 'in_flight' };
      const token = randomUUID();
      upsert.run(apiKeyId, key, hash, token, nowMs, nowMs + IDEMPOTENCY_RETENTION_MS);
      return { kind: 'reserved', token };
    };
    const applyAll = (writes: readonly IdempotencyWrite[]): IdempotencyWriteResult[] => {
      // One sweep per transaction, as many rows as the reservations in it would each have swept.
      const reserves = writes.filter((write) => write.kind === 'reserve');
      if (reserves.length > 0) sweep.run(reserves[0]!.nowMs, SWEEP_BATCH_MAX * reserves.length);
      return writes.map((write) => {
        switch (write.kind) {
          case 'reserve':
            return reserve(write.apiKeyId, write.key, write.hash, write.nowMs);
          case 'complete': {
            const { response } = write;
            complete.run(
              write.nowMs + IDEMPOTENCY_RETENTION_MS,
              response.status,
              JSON.stringify(response.headers),
              response.body,
              write.apiKeyId,
              write.key,
              write.token,
            );
            return undefined;
          }
          case 'release':
            release.run(write.apiKeyId, write.key, write.token);
            return undefined;
        }
      });
    };
    const transaction = db.transaction(applyAll);
    this.applyTransaction = (writes) => transaction.immediate(writes);
  }

  static open(filePath: string): IdempotencyStore {
    return new IdempotencyStore(openSqliteFile(filePath));
  }

  /**
   * Runs the writes in order in one IMMEDIATE transaction: each sees the ones before it (a
   * duplicate reserved after its first is in flight), and one commit makes them all durable.
   */
  apply(writes: readonly IdempotencyWrite[]): IdempotencyWriteResult[] {
    if (writes.length === 0) return [];
    const results = busyAsUnavailable(() => this.applyTransaction(writes));
    this.walSync.syncNow();
    return results;
  }

  /** The same, but the fsync runs off the event loop; resolves once the writes are on disk. */
  async applyDurably(writes: readonly IdempotencyWrite[]): Promise<IdempotencyWriteResult[]> {
    if (writes.length === 0) return [];
    const results = busyAsUnavailable(() => this.applyTransaction(writes));
    await this.walSync.sync();
    return results;
  }

  /** Claims the key for this request, or says why not (reused, in flight, already answered). */
  reserve(apiKeyId: string, key: string, hash: string, nowMs: number): Reservation {
    return this.apply([{ kind: 'reserve', apiKeyId, key, hash, nowMs }])[0]!;
  }

  /** A read, without the write lock: is the key still held by a live reservation in flight? */
  inFlight(apiKeyId: string, key: string, nowMs: number): boolean {
    const row = this.selectRow.get(apiKeyId, key);
    return row !== undefined && row.state === 'in_flight' && row.expires_at_ms > nowMs && nowMs - row.reserved_at_ms < IN_FLIGHT_LEASE_MS;
  }

  /** Stores the answer; a retry within the retention gets it back. Only the reservation's owner may. */
  complete(apiKeyId: string, key: string, token: string, response: StoredResponse, nowMs: number): void {
    this.apply([{ kind: 'complete', apiKeyId, key, token, response, nowMs }]);
  }

  /** Forgets the reservation (the request failed in a way a retry may fix). */
  release(apiKeyId: string, key: string, token: string): void {
    this.apply([{ kind: 'release', apiKeyId, key, token }]);
  }

  close(): void {
    this.walSync.closeNow();
    this.db.close();
  }
}

function storedResponse(row: Row): StoredResponse {
  return {
    status: row.response_status!,
    headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
    body: row.response_body ?? '',
  };
}

/** Another process held the write lock past the busy timeout: the client may retry (503), never a 500. */
function busyAsUnavailable<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DomainError('unavailable', 'IDEMPOTENCY_STORE_BUSY', 'the idempotency store is busy; retry the request');
    }
    throw error;
  }
}
