import type Database from 'better-sqlite3';

/** A checkpoint the log signed: kept, so proofs can name the checkpoint they verify against. */
export interface SignedCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  /** The C2SP signed note. */
  readonly note: string;
  /** When the server signed it; not part of the signed text (see docs/audit.md). */
  readonly signedAt: string;
}

export class SignedCheckpointStore {
  private readonly insert: Database.Statement<[number, Buffer, string, string]>;
  private readonly selectLatest: Database.Statement<[], { tree_size: number; root: Buffer; note: string; signed_at: string }>;
  private readonly selectBySize: Database.Statement<[number], { tree_size: number; root: Buffer; note: string; signed_at: string }>;
  private readonly selectAfter: Database.Statement<[number, number], { tree_size: number; root: Buffer; note: string; signed_at: string }>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS log_checkpoints (
      tree_size INTEGER PRIMARY KEY,
      root      BLOB NOT NULL,
      note      TEXT NOT NULL,
      signed_at TEXT NOT NULL
    )`);
    this.insert = db.prepare('INSERT OR IGNORE INTO log_checkpoints (tree_size, root, note, signed_at) VALUES (?, ?, ?, ?)');
    this.selectLatest = db.prepare('SELECT * FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1');
    this.selectBySize = db.prepare('SELECT * FROM log_checkpoints WHERE tree_size = ?');
    this.selectAfter = db.prepare('SELECT * FROM log_checkpoints WHERE tree_size > ? ORDER BY tree_size LIMIT ?');
  }

  save(checkpoint: SignedCheckpoint): void {
    this.insert.run(checkpoint.treeSize, checkpoint.rootHash, checkpoint.note, checkpoint.signedAt);
  }

  latest(): SignedCheckpoint | undefined {
    const row = this.selectLatest.get();
    return row && toCheckpoint(row);
  }

  bySize(treeSize: number): SignedCheckpoint | undefined {
    const row = this.selectBySize.get(treeSize);
    return row && toCheckpoint(row);
  }

  /** Checkpoints larger than `treeSize`, oldest first, at most `limit`. */
  after(treeSize: number, limit: number): SignedCheckpoint[] {
    return this.selectAfter.all(treeSize, limit).map(toCheckpoint);
  }
}

function toCheckpoint(row: { tree_size: number; root: Buffer; note: string; signed_at: string }): SignedCheckpoint {
  return { treeSize: row.tree_size, rootHash: row.root, note: row.note, signedAt: row.signed_at };
}
