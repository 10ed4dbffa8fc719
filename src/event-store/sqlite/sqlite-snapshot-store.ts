import type Database from 'better-sqlite3';
import type { SnapshotStore, StoredSnapshot } from '../snapshot-store.port.js';

interface SnapshotRow {
  stream_id: string;
  revision: number;
  event_id: string;
  state_schema_version: number;
  state_json: string;
}

/**
 * One row per stream, the latest snapshot, in its own file beside the event store (or beside an
 * EventStoreDB server's data dir): deleting the file only costs longer reads until the next
 * snapshots are written.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly select: Database.Statement<[string], SnapshotRow>;
  private readonly upsert: Database.Statement<[string, number, string, number, string, number]>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS snapshots (
      stream_id            TEXT PRIMARY KEY,
      revision             INTEGER NOT NULL,
      event_id             TEXT NOT NULL,
      state_schema_version INTEGER NOT NULL,
      state_json           TEXT NOT NULL,
      saved_ms             INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.select = db.prepare('SELECT stream_id, revision, event_id, state_schema_version, state_json FROM snapshots WHERE stream_id = ?');
    // Two writers may snapshot one stream: an older revision of the same version never replaces a newer one.
    this.upsert = db.prepare(
      `INSERT INTO snapshots (stream_id, revision, event_id, state_schema_version, state_json, saved_ms) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, event_id = excluded.event_id,
         state_schema_version = excluded.state_schema_version, state_json = excluded.state_json, saved_ms = excluded.saved_ms
       WHERE excluded.revision > snapshots.revision OR excluded.state_schema_version <> snapshots.state_schema_version`,
    );
  }

  async load(streamId: string): Promise<StoredSnapshot | undefined> {
    const row = this.select.get(streamId);
    if (row === undefined) return undefined;
    return {
      streamId: row.stream_id,
      revision: BigInt(row.revision),
      eventId: row.event_id,
      stateSchemaVersion: row.state_schema_version,
      stateJson: row.state_json,
    };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    this.upsert.run(snapshot.streamId, Number(snapshot.revision), snapshot.eventId, snapshot.stateSchemaVersion, snapshot.stateJson, Date.now());
  }
}
