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

  constructor(private readonly db: Database.Database) {}

  /** Applies one change, refusing tables the projection does not own. */
  apply(change: RowChange, ownTables: ReadonlySet<string>): void {
    assert(ownTables.has(change.table), `a projection wrote table ${change.table}, which it does not own`);
    switch (change.op) {
      case 'insert': {
        const columns = names(change.values);
        this.run(`INSERT INTO ${ident(change.table)} (${columns.join(', ')}) VALUES (${marks(columns.length)})`, values(change.values));
        return;
      }
      case 'upsert': {
        const keyColumns = names(change.key);
        const valueColumns = names(change.values);
        const updates = valueColumns.map((column) => `${column} = excluded.${column}`).join(', ');
        this.run(
          `INSERT INTO ${ident(change.table)} (${[...keyColumns, ...valueColumns].join(', ')}) VALUES (${marks(keyColumns.length + valueColumns.length)})` +
            ` ON CONFLICT (${keyColumns.join(', ')}) DO ${valueColumns.length > 0 ? `UPDATE SET ${updates}` : 'NOTHING'}`,
          [...values(change.key), ...values(change.values)],
        );
        return;
      }
      case 'update': {
        const set = change.set ?? {};
        const add = change.add ?? {};
        const assignments = [...names(set).map((column) => `${column} = ?`), ...names(add).map((column) => `${column} = ${column} + ?`)];
        assert(assignments.length > 0, `an update of ${change.table} changes nothing`);
        this.run(
          `UPDATE ${ident(change.table)} SET ${assignments.join(', ')} WHERE ${where(change.key)}`,
          [...values(set), ...amounts(add), ...values(change.key)],
        );
        return;
      }
      case 'increment': {
        const keyColumns = names(change.key);
        const set = change.set ?? {};
        const setColumns = names(set);
        const addColumns = names(change.add);
        assert(addColumns.length > 0, `an increment of ${change.table} adds nothing`);
        const updates = [
          ...setColumns.map((column) => `${column} = excluded.${column}`),
          ...addColumns.map((column) => `${column} = ${column} + excluded.${column}`),
        ].join(', ');
        const columns = [...keyColumns, ...setColumns, ...addColumns];
        this.run(
          `INSERT INTO ${ident(change.table)} (${columns.join(', ')}) VALUES (${marks(columns.length)}) ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updates}`,
          [...values(change.key), ...values(set), ...amounts(change.add)],
        );
        return;
      }
      case 'delete':
        this.run(`DELETE FROM ${ident(change.table)} WHERE ${where(change.key)}`, values(change.key));
        return;
    }
  }

  /** The lookup a projection gets: its own tables only, reading what this transaction already wrote. */
  lookup(ownTables: ReadonlySet<string>): ProjectionLookup {
    return {
      get: (table, key) => {
        assert(ownTables.has(table), `a projection read table ${table}, which it does not own`);
        return this.statement(`SELECT * FROM ${ident(table)} WHERE ${where(key)} LIMIT 1`).get(...values(key)) as Row | undefined;
      },
    };
  }

  private run(sql: string, parameters: SqlValue[]): void {
    this.statement(sql).run(...parameters);
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
  return Object.values(row).map((value) => {
    assert(value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)), `not a SQL value: ${String(value)}`);
    return value;
  });
}

function amounts(row: Readonly<Record<string, number>>): number[] {
  return Object.values(row).map((value) => {
    assert(Number.isSafeInteger(value), `an added amount must be a safe integer, got ${value}`);
    return value;
  });
}

function where(key: Row): string {
  const columns = names(key);
  assert(columns.length > 0, 'a row key names at least one column');
  assert(Object.values(key).every((value) => value !== null), 'a row key has no NULL (NULL never matches)');
  return columns.map((column) => `${column} = ?`).join(' AND ');
}

function marks(count: number): string {
  return `${'?, '.repeat(count - 1)}?`;
}
