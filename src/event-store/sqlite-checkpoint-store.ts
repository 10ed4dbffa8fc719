import type Database from 'better-sqlite3';

/**
 * Checkpoints kept in the consumer's own database, so `save` can run inside the same
 * transaction as the consumer's row changes.
 */
export class SqliteCheckpointStore {
  private readonly select: Database.Statement<[string], { position: number }>;
  private readonly upsert: Database.Statement<[string, number, number]>;
  private readonly remove: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      consumer   TEXT PRIMARY KEY,
      position   INTEGER NOT NULL,
      updated_ms INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.select = db.prepare('SELECT position FROM checkpoints WHERE consumer = ?');
    this.upsert = db.prepare(
      `INSERT INTO checkpoints (consumer, position, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (consumer) DO UPDATE SET position = excluded.position, updated_ms = excluded.updated_ms`,
    );
    this.remove = db.prepare('DELETE FROM checkpoints WHERE consumer = ?');
  }

  load(consumer: string): bigint | 'start' {
    const row = this.select.get(consumer);
    return row ? BigInt(row.position) : 'start';
  }

  save(consumer: string, position: bigint): void {
    this.upsert.run(consumer, Number(position), Date.now());
  }

  reset(consumer: string): void {
    this.remove.run(consumer);
  }
}
