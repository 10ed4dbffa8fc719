/**
 * The shape of every read model: a pure function from one recorded event
 * to row changes, plus the SQL schema of the tables it owns. No I/O here: the runner in
 * src/read-models/ applies the changes (with better-sqlite3) in the same transaction as the
 * projection's checkpoint, and the same code runs live, in a rebuild and in an auditor's replay.
 */
export type SqlValue = string | number | null;
export type Row = Readonly<Record<string, SqlValue>>;

/**
 * A row change, as data. Keys name the columns that identify the row(s); an `update` or
 * `delete` key need not be the primary key (it may touch several rows, e.g. every listing of a
 * vendor).
 */
export type RowChange =
  /** Insert a new row; a duplicate key is a bug (the event was applied twice) and fails the batch. */
  | { readonly op: 'insert'; readonly table: string; readonly values: Row }
  /** Insert, or overwrite the given columns of the row with this key. */
  | { readonly op: 'upsert'; readonly table: string; readonly key: Row; readonly values: Row }
  /** Set columns (`set`) and add to numeric columns (`add`) of existing rows; no row, no change. */
  | {
      readonly op: 'update';
      readonly table: string;
      readonly key: Row;
      readonly set?: Row;
      readonly add?: Readonly<Record<string, number>>;
    }
  /** Add to numeric columns, creating the row (with `set` and the added amounts) when absent. */
  | {
      readonly op: 'increment';
      readonly table: string;
      readonly key: Row;
      readonly add: Readonly<Record<string, number>>;
      readonly set?: Row;
    }
  | { readonly op: 'delete'; readonly table: string; readonly key: Row };

/** What a projection sees of a recorded event (positions as numbers: safe up to 2^53). */
export interface ProjectedEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly metadata: {
    readonly occurredAt: string;
    readonly actor: { readonly id: string; readonly role: string };
    readonly policyRevision?: number;
  };
}

/**
 * Read-only access to the projection's OWN tables, for facts recorded at an earlier event
 * (an order's buyer when its capture arrives). Changes of earlier events in the same batch are
 * visible. Never another projection's tables: each read model rebuilds alone.
 */
export interface ProjectionLookup {
  get(table: string, key: Row): Row | undefined;
}

export interface TableSpec {
  readonly name: string;
  /** Primary key columns, in order: checksums and keyset pagination order by them. */
  readonly primaryKey: readonly string[];
}

export interface Projection {
  /** Stable name: the checkpoint's key and the rebuild endpoint's :name. */
  readonly name: string;
  /** Bump when the schema or the meaning of a row changes: the runner then rebuilds it. */
  readonly version: number;
  readonly description: string;
  /** The event types it reads; the runner skips the others (their positions still advance the checkpoint). */
  readonly eventTypes: readonly string[];
  readonly tables: readonly TableSpec[];
  /** CREATE TABLE / CREATE INDEX statements for its tables (IF NOT EXISTS). */
  readonly schemaSql: string;
  project(event: ProjectedEvent, lookup: ProjectionLookup): readonly RowChange[];
}

/** Booleans are stored as 0/1 (SQLite has no boolean type). */
export const bit = (value: boolean): number => (value ? 1 : 0);

/** `2026-03-14T...` -> `2026-03` (UTC), the month key of aggregates. */
export const monthOf = (isoTime: string): string => isoTime.slice(0, 7);

/** Narrows an untyped recorded event to a projection's own event union, after a type check. */
export function eventOf<Union extends { readonly type: string; readonly data: unknown }>(
  event: ProjectedEvent,
): ProjectedEvent<Union['type'], Union['data']> & Union {
  return event as unknown as ProjectedEvent<Union['type'], Union['data']> & Union;
}
