import type Database from 'better-sqlite3';
import type { ProjectionLookup, Row, RowChange, SqlValue } from '../../projections/projection.js';
import { assert } from '../kernel/assert.js';

/** Distinct statement shapes are few (one per projection code path); past this the cache starts over. */
export const STATEMENT_CACHE_MAX = 1_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Turns row changes (data) into prepared statements. Table and column names come from projection
 * code, never from a request, and are checked anyway; values are always bound parameters.
 */
export class RowChangeSql {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly byShape = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Applies one change, refusing tables the projection does not own. */
  apply(change: RowChange, ownTables: ReadonlySet<string>): void {
    // Messages are built only on failure: this runs for every row change.
    if (!ownTables.has(change.table)) assert(false, `a projection wrote table ${change.table}, which it does not own`);
    // The statement is found by the change's shape (op, table, column names): its SQL is built once.
    const shape = shapeOf(change);
    let statement = this.byShape.get(shape);
    if (!statement) {
      if (this.byShape.size >= STATEMENT_CACHE_MAX) this.byShape.clear();
      statement = this.statement(sqlOf(change));
      this.byShape.set(shape, statement);
    }
    statement.run(...parametersOf(change));
  }

  /** The lookup a projection gets: its own tables only, reading what this transaction already wrote. */
  lookup(ownTables: ReadonlySet<string>): ProjectionLookup {
    return {
      get: (table, key) => {
        if (!ownTables.has(table)) assert(false, `a projection read table ${table}, which it does not own`);
        const shape = `select ${table} ${Object.keys(key).join()}`;
        let statement = this.byShape.get(shape);
        if (!statement) {
          if (this.byShape.size >= STATEMENT_CACHE_MAX) this.byShape.clear();
          statement = this.statement(`SELECT * FROM ${ident(table)} WHERE ${where(key)} LIMIT 1`);
          this.byShape.set(shape, statement);
        }
        assert(keyHasNoNull(key), 'a row key has no NULL (NULL never matches)');
        return statement.get(...values(key)) as Row | undefined;
      },
    };
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_MAX) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function shapeOf(change: RowChange): string {
  switch (change.op) {
    case 'insert':
      return `insert ${change.table} ${Object.keys(change.values).join()}`;
    case 'upsert':
      return `upsert ${change.table} ${Object.keys(change.key).join()} ${Object.keys(change.values).join()}`;
    case 'update':
      return `update ${change.table} ${Object.keys(change.key).join()} ${Object.keys(change.set ?? {}).join()} ${Object.keys(change.add ?? {}).join()}`;
    case 'increment':
      return `increment ${change.table} ${Object.keys(change.key).join()} ${Object.keys(change.set ?? {}).join()} ${Object.keys(change.add).join()}`;
    case 'delete':
      return `delete ${change.table} ${Object.keys(change.key).join()}`;
  }
}

/** The SQL of a change's shape (identifiers checked; every value a bound parameter). */
function sqlOf(change: RowChange): string {
  switch (change.op) {
    case 'insert': {
      const columns = names(change.values);
      return `INSERT INTO ${ident(change.table)} (${columns.join(', ')}) VALUES (${marks(columns.length)})`;
    }
    case 'upsert': {
      const keyColumns = names(change.key);
      const valueColumns = names(change.values);
      const updates = valueColumns.map((column) => `${column} = excluded.${column}`).join(', ');
      return (
        `INSERT INTO ${ident(change.table)} (${[...keyColumns, ...valueColumns].join(', ')}) VALUES (${marks(keyColumns.length + valueColumns.length)})` +
        ` ON CONFLICT (${keyColumns.join(', ')}) DO ${valueColumns.length > 0 ? `UPDATE SET ${updates}` : 'NOTHING'}`
      );
    }
    case 'update': {
      const assignments = [
        ...names(change.set ?? {}).map((column) => `${column} = ?`),
        ...names(change.add ?? {}).map((column) => `${column} = ${column} + ?`),
      ];
      assert(assignments.length > 0, `an update of ${change.table} changes nothing`);
      return `UPDATE ${ident(change.table)} SET ${assignments.join(', ')} WHERE ${where(change.key)}`;
    }
    case 'increment': {
      const keyColumns = names(change.key);
      const setColumns = names(change.set ?? {});
      const addColumns = names(change.add);
      assert(addColumns.length > 0, `an increment of ${change.table} adds nothing`);
      const updates = [
        ...setColumns.map((column) => `${column} = excluded.${column}`),
        ...addColumns.map((column) => `${column} = ${column} + excluded.${column}`),
      ].join(', ');
      const columns = [...keyColumns, ...setColumns, ...addColumns];
      return `INSERT INTO ${ident(change.table)} (${columns.join(', ')}) VALUES (${marks(columns.length)}) ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updates}`;
    }
    case 'delete':
      return `DELETE FROM ${ident(change.table)} WHERE ${where(change.key)}`;
  }
}

/** The bound parameters of a change, in its SQL's order (checked: plain SQL values, safe integer amounts). */
function parametersOf(change: RowChange): SqlValue[] {
  switch (change.op) {
    case 'insert':
      return values(change.values);
    case 'upsert':
      return [...values(change.key), ...values(change.values)];
    case 'update':
      assert(keyHasNoNull(change.key), 'a row key has no NULL (NULL never matches)');
      return [...values(change.set ?? {}), ...amounts(change.add ?? {}), ...values(change.key)];
    case 'increment':
      return [...values(change.key), ...values(change.set ?? {}), ...amounts(change.add)];
    case 'delete':
      assert(keyHasNoNull(change.key), 'a row key has no NULL (NULL never matches)');
      return values(change.key);
  }
}

function keyHasNoNull(key: Row): boolean {
  for (const column in key) if (key[column] === null) return false;
  return true;
}

/** Names already checked (a handful per projection): the regex runs once per name, not once per row. */
const checkedIdentifiers = new Set<string>();

function ident(name: string): string {
  if (checkedIdentifiers.has(name)) return name;
  assert(IDENTIFIER.test(name), `not a plain SQL identifier: ${name}`);
  if (checkedIdentifiers.size < STATEMENT_CACHE_MAX) checkedIdentifiers.add(name);
  return name;
}

function names(row: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(row).map(ident);
}

function values(row: Row): SqlValue[] {
  const list = Object.values(row);
  for (const value of list) {
    if (!(value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))))
      assert(false, `not a SQL value: ${String(value)}`);
  }
  return list;
}

function amounts(row: Readonly<Record<string, number>>): number[] {
  const list = Object.values(row);
  for (const value of list) if (!Number.isSafeInteger(value)) assert(false, `an added amount must be a safe integer, got ${value}`);
  return list;
}

function where(key: Row): string {
  const columns = names(key);
  assert(columns.length > 0, 'a row key names at least one column');
  assert(
    Object.values(key).every((value) => value !== null),
    'a row key has no NULL (NULL never matches)',
  );
  return columns.map((column) => `${column} = ?`).join(' AND ');
}

function marks(count: number): string {
  return `${'?, '.repeat(count - 1)}?`;
}
