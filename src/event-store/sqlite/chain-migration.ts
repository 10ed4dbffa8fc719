import type Database from 'better-sqlite3';
import { EventRow, GENESIS_LINK, commitRow } from './event-chain.js';
import { APPEND_ONLY_TRIGGERS_SQL, CHAIN_COLUMNS } from './sqlite-schema.js';

/** Rows read per page while a store written before the chain is given its commitments. */
const MIGRATION_PAGE_ROWS = 1_000;

function hasChainColumns(db: Database.Database): boolean {
  const columns = new Set(
    db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')")
      .all()
      .map((c) => c.name),
  );
  return CHAIN_COLUMNS.every((column) => columns.has(column));
}

/**
 * A store written by the version before the chain gets its columns, a salt, digest and chain
 * hash for every existing event (once, in position order), then the append-only triggers: all
 * in one IMMEDIATE transaction, so a second process opening the store at the same time waits
 * and then finds the work done. Answers how many rows were migrated.
 */
export function migrateToChain(db: Database.Database): number {
  if (hasChainColumns(db)) {
    db.exec(APPEND_ONLY_TRIGGERS_SQL);
    return 0;
  }
  const migrate = db.transaction((): number => {
    if (hasChainColumns(db)) return 0;
    for (const column of CHAIN_COLUMNS) db.exec(`ALTER TABLE events ADD COLUMN ${column} TEXT`);
    const page = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    const update = db.prepare<[string, string, string, number]>('UPDATE events SET commitment_salt = ?, private_digest = ?, chain_hash = ? WHERE position = ?');
    let previous = GENESIS_LINK;
    let migrated = 0;
    for (;;) {
      const rows = page.all(previous.position, MIGRATION_PAGE_ROWS);
      for (const row of rows) {
        const commitment = commitRow(previous.chainHash, {
          position: row.position,
          streamId: row.stream_id,
          revision: row.revision,
          id: row.event_id,
          type: row.type,
          data: JSON.parse(row.data) as unknown,
          metadata: JSON.parse(row.metadata) as never,
          createdMs: row.created_ms,
        });
        update.run(commitment.saltHex, commitment.privateDigest, commitment.chainHash, row.position);
        previous = { position: row.position, chainHash: commitment.chainHash };
        migrated += 1;
      }
      if (rows.length < MIGRATION_PAGE_ROWS) break;
    }
    db.exec(APPEND_ONLY_TRIGGERS_SQL);
    return migrated;
  });
  return migrate.immediate();
}
