import type Database from 'better-sqlite3';
import { SqliteCheckpointStore } from '../../event-store/sqlite-checkpoint-store.js';
import { type ProjectionEngine, tableChecksums } from '../../read-models/projection-engine.js';

/** Rows compared one by one to name the first difference; past this the report says "more". */
export const ROW_DIFFERENCES_REPORTED_MAX = 5;

export interface ReadModelDifference {
  readonly projection: string;
  readonly table: string;
  /** Why the tables differ: a row only on one side, or a row whose values differ. */
  readonly kind: 'missing_in_live' | 'extra_in_live' | 'values_differ' | 'checkpoint_differs';
  /** The row's primary key (or the checkpoints) as JSON. */
  readonly key: string;
  readonly live?: string;
  readonly replayed?: string;
}

/**
 * Compares the live read models with a scratch rebuild from the events: table by table, by
 * checksum first, then row by row in primary-key order to name the first differing rows. Only
 * projections whose live checkpoint equals the rebuild's are compared row by row (a live runner
 * that is behind is reported as such, not as a forgery).
 */
export function compareReadModels(liveDb: Database.Database, replayed: ProjectionEngine): ReadModelDifference[] {
  const differences: ReadModelDifference[] = [];
  const liveCheckpoints = new SqliteCheckpointStore(liveDb);
  for (const projection of replayed.projections) {
    const liveCheckpoint = String(liveCheckpoints.load(projection.name));
    const replayedCheckpoint = String(replayed.loadCheckpoint(projection.name));
    if (liveCheckpoint !== replayedCheckpoint) {
      differences.push({
        projection: projection.name,
        table: '*',
        kind: 'checkpoint_differs',
        key: 'checkpoint',
        live: liveCheckpoint,
        replayed: replayedCheckpoint,
      });
      continue;
    }
    const liveSums = new Map(tableChecksums(liveDb, projection).map((sum) => [sum.table, sum]));
    for (const sum of replayed.checksums(projection.name)) {
      if (liveSums.get(sum.table)?.sha256 === sum.sha256) continue;
      const table = projection.tables.find((candidate) => candidate.name === sum.table)!;
      differences.push(...firstRowDifferences(projection.name, table.name, table.primaryKey, liveDb, replayed.db));
    }
  }
  return differences;
}

function firstRowDifferences(
  projection: string,
  table: string,
  primaryKey: readonly string[],
  liveDb: Database.Database,
  replayedDb: Database.Database,
): ReadModelDifference[] {
  const sql = `SELECT * FROM ${table} ORDER BY ${primaryKey.join(', ')}`;
  const liveRows = liveDb.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>;
  const replayedRows = replayedDb.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>;
  const keyOf = (row: Record<string, unknown>): unknown[] => primaryKey.map((column) => row[column]);
  const differences: ReadModelDifference[] = [];
  let liveNext = liveRows.next();
  let replayedNext = replayedRows.next();
  try {
    while ((!liveNext.done || !replayedNext.done) && differences.length < ROW_DIFFERENCES_REPORTED_MAX) {
      const order = liveNext.done ? 1 : replayedNext.done ? -1 : compareKeys(keyOf(liveNext.value), keyOf(replayedNext.value));
      if (order < 0) {
        differences.push({ projection, table, kind: 'extra_in_live', key: JSON.stringify(keyOf(liveNext.value!)), live: JSON.stringify(liveNext.value) });
        liveNext = liveRows.next();
      } else if (order > 0) {
        differences.push({
          projection,
          table,
          kind: 'missing_in_live',
          key: JSON.stringify(keyOf(replayedNext.value!)),
          replayed: JSON.stringify(replayedNext.value),
        });
        replayedNext = replayedRows.next();
      } else {
        const liveJson = JSON.stringify(liveNext.value);
        const replayedJson = JSON.stringify(replayedNext.value);
        if (liveJson !== replayedJson) {
          differences.push({ projection, table, kind: 'values_differ', key: JSON.stringify(keyOf(liveNext.value!)), live: liveJson, replayed: replayedJson });
        }
        liveNext = liveRows.next();
        replayedNext = replayedRows.next();
      }
    }
  } finally {
    liveRows.return?.();
    replayedRows.return?.();
  }
  return differences;
}

/** SQLite's order for the key types read models use (numbers before text, then by value). */
function compareKeys(left: readonly unknown[], right: readonly unknown[]): number {
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index];
    const b = right[index];
    if (a === b) continue;
    if (a === null) return -1;
    if (b === null) return 1;
    if (typeof a === 'number' && typeof b === 'string') return -1;
    if (typeof a === 'string' && typeof b === 'number') return 1;
    return (a as number | string) < (b as number | string) ? -1 : 1;
  }
  return 0;
}
