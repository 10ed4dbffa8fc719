import type Database from 'better-sqlite3';
import type { Projection } from '../../projections/projection.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { READ_COUNT_MAX } from '../../src/event-store/event-store.port.js';
import { TableChecksum, tableChecksums, toProjected } from '../../src/read-models/projection-engine.js';
import { RowChangeSql } from '../../src/read-models/row-change-sql.js';

/** Reads of $all past this many pages mean a bug in the reference itself. */
const REFERENCE_PAGES_MAX = 100_000;

/**
 * The reference the write-behind cache is held to: every projection applied to $all one row
 * change at a time, each change its own SQL statement run at once (RowChangeSql, no cache),
 * lookups straight from SQLite. Returns the checksums of every table, keyed `projection.table`.
 */
export async function referenceChecksums(db: Database.Database, projections: readonly Projection[], store: EventStore): Promise<Record<string, TableChecksum>> {
  for (const projection of projections) db.exec(projection.schemaSql);
  const sql = new RowChangeSql(db);
  const own = new Map(projections.map((projection) => [projection.name, new Set(projection.tables.map((table) => table.name))]));
  const types = new Map(projections.map((projection) => [projection.name, new Set(projection.eventTypes)]));
  let from = 0n;
  for (let page = 0; page < REFERENCE_PAGES_MAX; page += 1) {
    const events = await store.readAll({ fromPosition: from, maxCount: READ_COUNT_MAX });
    if (events.length === 0) break;
    db.transaction(() => {
      for (const recorded of events) {
        const event = toProjected(recorded);
        for (const projection of projections) {
          if (!types.get(projection.name)!.has(event.type)) continue;
          const tables = own.get(projection.name)!;
          for (const change of projection.project(event, sql.lookup(tables))) sql.apply(change, tables);
        }
      }
    })();
    from = events[events.length - 1]!.position + 1n;
  }
  const result: Record<string, TableChecksum> = {};
  for (const projection of projections) {
    for (const checksum of tableChecksums(db, projection)) result[`${projection.name}.${checksum.table}`] = checksum;
  }
  return result;
}
