/**
 * The embedded event store's schema: one row per event, positions are $all's total order (dense,
 * from 1). Each row carries its commitment (salt, salted digest of data and metadata) and its
 * link in the store's hash chain (see event-chain.ts).
 */
export const EVENT_STORE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS events (
  position        INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id       TEXT    NOT NULL,
  revision        INTEGER NOT NULL,
  event_id        TEXT    NOT NULL,
  type            TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  created_ms      INTEGER NOT NULL,
  commitment_salt TEXT    NOT NULL,
  private_digest  TEXT    NOT NULL,
  chain_hash      TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE INDEX IF NOT EXISTS events_by_stream_event_id ON events (stream_id, event_id);
CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  revision  INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The columns a store written before the chain lacks (added nullable by the migration, then filled). */
export const CHAIN_COLUMNS = ['commitment_salt', 'private_digest', 'chain_hash'] as const;

/** The past is append-only: the store never changes or removes an event row. */
export const APPEND_ONLY_TRIGGERS_SQL = `
CREATE TRIGGER IF NOT EXISTS events_refuse_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS events_refuse_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
`;
