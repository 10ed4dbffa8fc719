import Database from 'better-sqlite3';
import type { Projection } from '../../projections/projection.js';

/** One secondary index of a projection's tables, as its schema creates it. */
export interface IndexDefinition {
  readonly table: string;
  readonly name: string;
  /** `CREATE INDEX name ON table (...)`, as SQLite stores it. */
  readonly sql: string;
}

const byProjection = new WeakMap<Projection, readonly IndexDefinition[]>();

/**
 * The secondary indexes a projection's schema creates: neither a primary key's nor a UNIQUE one
 * (those decide what a write may do, so they always exist). SQLite itself reads them from the
 * schema run in an empty in-memory database, so nothing here parses SQL. Filling a table without
 * them and creating them afterwards sorts each index's keys once, where rows arriving in event
 * order would insert each key at a random place of the index's B-tree.
 */
export function secondaryIndexes(projection: Projection): readonly IndexDefinition[] {
  const known = byProjection.get(projection);
  if (known) return known;
  const db = new Database(':memory:');
  try {
    db.exec(projection.schemaSql);
    const indexes = db
      .prepare(
        `SELECT m.tbl_name AS "table", m.name AS name, m.sql AS sql FROM sqlite_master m
         WHERE m.type = 'index' AND m.sql IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pragma_index_list(m.tbl_name) l WHERE l.name = m.name AND l."unique" = 1)
         ORDER BY m.name`,
      )
      .all() as IndexDefinition[];
    byProjection.set(projection, indexes);
    return indexes;
  } finally {
    db.close();
  }
}
