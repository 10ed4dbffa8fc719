import Database from 'better-sqlite3';
import { ChainBreak, ChainLink, EventRow, EventStoreChainError, GENESIS_LINK, isChainBreak, verifyRow } from './event-chain.js';
import { CHAIN_COLUMNS } from './sqlite-schema.js';

/** How often the full check reports progress, in events. */
export const CHAIN_PROGRESS_EVENTS = 10_000;

export interface ChainProgress {
  readonly verifiedEvents: number;
  readonly totalEvents: number;
}

export type ChainCheckResult =
  { readonly ok: true; readonly events: number; readonly headChainHash: string } | ({ readonly ok: false; readonly events: number } & ChainBreak);

/**
 * Checks the last `tailEvents` rows of an open store against the row before them (what opening
 * the store does, so a forgery in recent history stops the service loudly). Throws
 * EventStoreChainError naming the first bad position.
 */
export function verifyChainTail(db: Database.Database, filePath: string, tailEvents: number): void {
  const check = db.transaction(() => {
    const tail = db.prepare<[number], EventRow>('SELECT * FROM events ORDER BY position DESC LIMIT ?').all(tailEvents).reverse();
    const first = tail[0];
    if (!first) return;
    const before = db
      .prepare<[number], { position: number; chain_hash: string | null }>(
        'SELECT position, chain_hash FROM events WHERE position < ? ORDER BY position DESC LIMIT 1',
      )
      .get(first.position);
    let link: ChainLink = before ? { position: before.position, chainHash: before.chain_hash ?? '' } : GENESIS_LINK;
    for (const row of tail) {
      const result = verifyRow(row, link);
      if (isChainBreak(result)) throw new EventStoreChainError(filePath, result);
      link = result;
    }
  });
  check();
}

/**
 * The full check of an events.db file, from the first event to the last, read-only: answers ok
 * with the head's chain hash, or the first position that does not verify and what differs.
 */
export function verifyEventStoreChain(filePath: string, onProgress?: (progress: ChainProgress) => void): ChainCheckResult {
  const db = new Database(filePath, { readonly: true, fileMustExist: true });
  try {
    const columns = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')")
        .all()
        .map((c) => c.name),
    );
    if (!CHAIN_COLUMNS.every((column) => columns.has(column))) {
      throw new Error(`${filePath} has no hash chain yet: open it once with this version of the service to migrate it`);
    }
    // One read transaction: a consistent snapshot while other processes keep appending.
    return db.transaction((): ChainCheckResult => {
      const totalEvents = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()!.n;
      let link: ChainLink = GENESIS_LINK;
      let events = 0;
      for (const row of db.prepare<[], EventRow>('SELECT * FROM events ORDER BY position').iterate()) {
        const result = verifyRow(row, link);
        if (isChainBreak(result)) return { ok: false, events, ...result };
        link = result;
        events += 1;
        if (events % CHAIN_PROGRESS_EVENTS === 0) onProgress?.({ verifiedEvents: events, totalEvents });
      }
      onProgress?.({ verifiedEvents: events, totalEvents });
      return { ok: true, events, headChainHash: link.chainHash };
    })();
  } finally {
    db.close();
  }
}
