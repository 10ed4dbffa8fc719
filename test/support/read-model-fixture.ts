import type Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { availableRupiah } from '../../src/cards/domain/card.state.js';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import type { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { ProjectionEngine, TableChecksum } from '../../src/read-models/projection-engine.js';
import { openReadModelDatabase } from '../../src/read-models/read-model-database.js';

/** Checksums of every table of every projection: { 'vendors.vendor_directory': {...}, ... }. */
export function allChecksums(engine: ProjectionEngine): Record<string, TableChecksum> {
  const result: Record<string, TableChecksum> = {};
  for (const projection of engine.projections) {
    for (const checksum of engine.checksums(projection.name)) result[`${projection.name}.${checksum.table}`] = checksum;
  }
  return result;
}

/** The secondary indexes a database holds, by name (those SQLite makes for keys have no SQL). */
export function secondaryIndexesOf(db: Database.Database): { name: string; tbl_name: string; sql: string }[] {
  return db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as {
    name: string;
    tbl_name: string;
    sql: string;
  }[];
}

/** An offline rebuild of every projection from the events into a fresh database (the auditor's replay). */
export async function rebuildInto(
  path: string,
  store: EventStore,
): Promise<{ engine: ProjectionEngine; db: Database.Database; events: number; elapsedMs: number }> {
  const db = openReadModelDatabase(path);
  const engine = new ProjectionEngine(db, ALL_PROJECTIONS);
  const startedMs = performance.now();
  const events = await engine.replay(store);
  return { engine, db, events, elapsedMs: Math.round(performance.now() - startedMs) };
}

export interface TrialBalance {
  readonly netRupiah: number;
  readonly debitRupiah: number;
  readonly creditRupiah: number;
  readonly unbalancedEntries: number;
}

export function trialBalanceOf(db: Database.Database): TrialBalance {
  const balance = db.prepare('SELECT COALESCE(SUM(balance_rupiah), 0) AS net FROM journal_balances').get() as { net: number };
  const lines = db.prepare('SELECT COALESCE(SUM(debit_rupiah), 0) AS debit, COALESCE(SUM(credit_rupiah), 0) AS credit FROM journal_lines').get() as {
    debit: number;
    credit: number;
  };
  const unbalanced = db
    .prepare('SELECT COUNT(*) AS n FROM (SELECT position FROM journal_lines GROUP BY position HAVING SUM(debit_rupiah) <> SUM(credit_rupiah))')
    .get() as { n: number };
  return { netRupiah: balance.net, debitRupiah: lines.debit, creditRupiah: lines.credit, unbalancedEntries: unbalanced.n };
}

/** Cards whose projected available limit (and journal card-available balance) differ from the fold of the card stream. */
export async function cardMismatches(db: Database.Database, pipeline: CommandPipeline): Promise<string[]> {
  const cards = db.prepare('SELECT card_id, available_rupiah FROM card_accounts ORDER BY card_id').all() as { card_id: string; available_rupiah: number }[];
  const journal = new Map(
    (
      db.prepare("SELECT card_id, balance_rupiah FROM journal_balances WHERE account = 'card-available'").all() as { card_id: string; balance_rupiah: number }[]
    ).map((row) => [row.card_id, row.balance_rupiah]),
  );
  const mismatches: string[] = [];
  for (const card of cards) {
    const { state } = await pipeline.load(cardDecider, cardStreamId(card.card_id));
    if (state.status === 'absent') {
      mismatches.push(`${card.card_id}: no stream`);
      continue;
    }
    const folded = availableRupiah(state);
    if (card.available_rupiah !== folded || (journal.get(card.card_id) ?? 0) !== folded) {
      mismatches.push(`${card.card_id}: aggregate ${folded}, projection ${card.available_rupiah}, journal ${journal.get(card.card_id) ?? 0}`);
    }
  }
  return mismatches;
}
