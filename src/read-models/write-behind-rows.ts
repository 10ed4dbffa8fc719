import type Database from 'better-sqlite3';
import type { ProjectionLookup, Row, RowChange, SqlValue, TableSpec } from '../../projections/projection.js';
import { assert } from '../kernel/assert.js';
import { RowChangeSql } from './row-change-sql.js';

/** Distinct sets of changed columns per table (a handful per projection code path); past this the cache starts over. */
export const UPDATE_STATEMENTS_PER_TABLE_MAX = 256;

/**
 * Rows held at once: past this the held rows are written (still inside the transaction) before
 * the next change, so memory stays bounded whatever the batch. A 5,000-event catch-up page of the
 * demo market touches about 16,000 rows.
 */
export const ROWS_HELD_MAX = 50_000;

/** One row as this transaction sees it: the stored row it started from and its state now. */
interface Entry {
  /** The primary key's values, in the key's column order. */
  readonly key: readonly SqlValue[];
  /** The row in SQLite when first touched (null: absent), or null after a blind insert. */
  readonly stored: Row | null;
  /** The row now (null: absent or deleted). Replaced, never mutated, once handed to a projection. */
  row: Record<string, SqlValue> | null;
  /** Inserted without reading SQLite first: the flush's INSERT (or a check) proves the key was free. */
  readonly blind: boolean;
  /** `row` may be changed in place: it is neither `stored` nor handed out by a lookup. */
  owned: boolean;
}

/** A table the cache may hold rows of: its primary key, its columns and their DEFAULT values. */
interface CachedTable {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly columns: readonly string[];
  readonly defaults: Row;
  readonly isColumn: ReadonlySet<string>;
  readonly isPrimaryKeyColumn: ReadonlySet<string>;
  readonly select: Database.Statement;
  readonly insert: Database.Statement;
  readonly insertParameters: SqlValue[];
  readonly remove: Database.Statement;
  readonly updates: Map<string, Database.Statement>;
  /** Rows touched in this transaction, by primary-key text, in first-touch order (the flush order). */
  readonly rows: Map<string, Entry>;
}

/**
 * A write-behind row cache over one read-model database, for the length of one transaction.
 * Row changes keyed by their table's full primary key are applied to rows in memory and each
 * touched row is written once when the transaction ends (flush), however many events changed it;
 * lookups by primary key are answered from the same rows (a miss reads SQLite once and keeps the
 * answer, absent included). Anything else (a key that is not the primary key, a table whose
 * DEFAULTs are not constants) first flushes that table's pending rows, then runs as SQL
 * (RowChangeSql) and forgets the table's rows. The rows that end up in the tables are exactly
 * those the changes applied one by one would leave; an insert of a key already present still
 * fails the transaction.
 */
export class WriteBehindRows {
  private readonly sql: RowChangeSql;
  private readonly tables = new Map<string, CachedTable | 'uncached'>();
  /** Tables with rows held, in first-touch order. */
  private readonly touched = new Set<CachedTable>();
  private held = 0;
  private writeCount = 0;

  /**
   * @param beforeSql called with a table's name before a change or lookup of it runs as SQL (a key
   *   that is not the primary key): the engine creates the indexes it left out of that table then.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly specs: ReadonlyMap<string, TableSpec>,
    private readonly rowsHeldMax: number = ROWS_HELD_MAX,
    private readonly beforeSql: (table: string) => void = () => undefined,
  ) {
    this.sql = new RowChangeSql(db);
  }

  /** Applies one change, refusing tables the projection does not own. */
  apply(change: RowChange, ownTables: ReadonlySet<string>): void {
    // Messages are built only on failure: this runs for every row change.
    if (!ownTables.has(change.table)) assert(false, `a projection wrote table ${change.table}, which it does not own`);
    if (this.held >= this.rowsHeldMax) this.flush();
    const table = this.table(change.table);
    if (table === undefined) {
      this.beforeSql(change.table);
      this.sql.apply(change, ownTables);
      return;
    }
    if (change.op === 'insert') {
      if (!this.insert(table, change.values)) this.passThrough(table, change, ownTables);
      return;
    }
    const keyText = primaryKeyText(table, change.key);
    if (keyText === undefined) {
      this.passThrough(table, change, ownTables);
      return;
    }
    // A change that rewrites a key column would move the row to another key: SQL does that.
    if (
      change.op !== 'delete' &&
      (namesKeyColumn(table, change.op === 'upsert' ? change.values : change.set) || namesKeyColumn(table, change.op === 'upsert' ? undefined : change.add))
    ) {
      this.passThrough(table, change, ownTables);
      return;
    }
    const entry = this.entry(table, keyText, change.key);
    switch (change.op) {
      case 'upsert':
        checkColumns(table, change.values);
        if (entry.row === null) entry.row = fullRow(table, change.key, change.values);
        else if (hasAny(change.values)) Object.assign(writable(entry), change.values);
        return;
      case 'update':
        if (change.set) checkColumns(table, change.set);
        if (change.add) checkAmounts(table, change.add);
        if (!hasAny(change.set ?? {}) && !hasAny(change.add ?? {})) assert(false, `an update of ${change.table} changes nothing`);
        if (entry.row === null) return;
        addTo(writable(entry), change.add, change.set);
        return;
      case 'increment':
        if (change.set) checkColumns(table, change.set);
        checkAmounts(table, change.add);
        if (!hasAny(change.add)) assert(false, `an increment of ${change.table} adds nothing`);
        if (entry.row === null) entry.row = fullRow(table, change.key, change.set ?? {}, change.add);
        else addTo(writable(entry), change.add, change.set);
        return;
      case 'delete':
        entry.row = null;
        return;
    }
  }

  /** The lookup a projection gets: its own tables only, seeing every change made so far in this transaction. */
  lookup(ownTables: ReadonlySet<string>): ProjectionLookup {
    const sqlLookup = this.sql.lookup(ownTables);
    return {
      get: (tableName, key) => {
        if (!ownTables.has(tableName)) assert(false, `a projection read table ${tableName}, which it does not own`);
        if (this.held >= this.rowsHeldMax) this.flush();
        const table = this.table(tableName);
        const keyText = table === undefined ? undefined : primaryKeyText(table, key);
        if (table === undefined || keyText === undefined) {
          if (table !== undefined) this.flushTable(table);
          this.beforeSql(tableName);
          return sqlLookup.get(tableName, key);
        }
        const entry = this.entry(table, keyText, key);
        entry.owned = false;
        return entry.row ?? undefined;
      },
    };
  }

  /** Rows held now (touched since the last flush, absent ones looked up included). */
  get heldRows(): number {
    return this.held;
  }

  /** How many times held rows were written (a flush, or a table's rows before a change run as SQL): tells whether SQLite was written since. */
  get writes(): number {
    return this.writeCount;
  }

  /** Whether the rows of this table can be held (else its changes always run as SQL). */
  holds(table: string): boolean {
    return this.table(table) !== undefined;
  }

  /** Writes every held row (tables and rows in first-touch order) and empties the cache. */
  flush(): void {
    for (const table of this.touched) this.flushTable(table);
    this.touched.clear();
    this.held = 0;
  }

  /**
   * Writes at most `maxRows` held rows (tables in first-touch order, each in primary-key order),
   * so that a large write can be spread over several turns of the event loop within one
   * transaction; true once nothing is held. Nothing may change or look up rows in between.
   */
  flushSome(maxRows: number): boolean {
    assert(Number.isSafeInteger(maxRows) && maxRows > 0, 'rows written per slice is a positive integer');
    let budget = maxRows;
    for (const table of this.touched) {
      if (budget <= 0) return false;
      if (table.rows.size <= budget) {
        budget -= table.rows.size;
        this.flushTable(table);
        this.touched.delete(table);
        continue;
      }
      const first = [...table.rows].sort(([, left], [, right]) => byKey(left, right)).slice(0, budget);
      this.writeEntries(
        table,
        first.map(([, entry]) => entry),
      );
      for (const [keyText] of first) table.rows.delete(keyText);
      this.held -= first.length;
      return false;
    }
    return this.touched.size === 0;
  }

  /** Forgets every held row unwritten (the transaction is rolling back). */
  discard(): void {
    for (const table of this.touched) table.rows.clear();
    this.touched.clear();
    this.held = 0;
  }

  /** Forgets what is known of the tables' layout (they were dropped and recreated). */
  forgetTables(): void {
    this.discard();
    this.tables.clear();
  }

  private insert(table: CachedTable, values: Row): boolean {
    const keyText = keyTextOf(table, values);
    if (keyText === undefined) return false;
    // Values naming every column are the row itself (read-only, so shared until changed).
    const complete = checkColumns(table, values) === table.columns.length;
    const row = complete ? (values as Record<string, SqlValue>) : fullRow(table, values);
    const entry = table.rows.get(keyText);
    if (entry === undefined) {
      const key = table.primaryKey.map((column) => values[column]!);
      this.hold(table, keyText, { key, stored: null, row, blind: true, owned: !complete });
      return true;
    }
    if (entry.row !== null) throw duplicate(table);
    entry.row = row;
    entry.owned = !complete;
    return true;
  }

  private passThrough(table: CachedTable, change: RowChange, ownTables: ReadonlySet<string>): void {
    this.flushTable(table);
    this.beforeSql(table.name);
    this.sql.apply(change, ownTables);
  }

  private entry(table: CachedTable, keyText: string, key: Row): Entry {
    const held = table.rows.get(keyText);
    if (held !== undefined) return held;
    const values = table.primaryKey.map((column) => key[column]!);
    const stored = (table.select.get(values) as Row | undefined) ?? null;
    return this.hold(table, keyText, { key: values, stored, row: stored, blind: false, owned: false });
  }

  private hold(table: CachedTable, keyText: string, entry: Entry): Entry {
    table.rows.set(keyText, entry);
    this.touched.add(table);
    this.held += 1;
    return entry;
  }

  private flushTable(table: CachedTable): void {
    this.writeEntries(table, [...table.rows.values()].sort(byKey));
    this.held -= table.rows.size;
    table.rows.clear();
  }

  /** Writes these held rows of the table (in the order given); the caller forgets them. */
  private writeEntries(table: CachedTable, entries: readonly Entry[]): void {
    if (entries.length > 0) this.writeCount += 1;
    for (const entry of entries) {
      const { stored, row } = entry;
      if (row === null) {
        if (stored !== null) table.remove.run(entry.key);
        // Inserted, then deleted: the insert alone would have failed on a key already stored.
        else if (entry.blind && table.select.get(entry.key) !== undefined) throw duplicate(table);
        continue;
      }
      if (stored === null) {
        // One parameter array per table, refilled for each row: no allocation per row written.
        const parameters = table.insertParameters;
        for (let index = 0; index < parameters.length; index += 1) parameters[index] = row[table.columns[index]!]!;
        table.insert.run(parameters);
        continue;
      }
      if (row === stored) continue;
      const changed = table.columns.filter((column) => row[column] !== stored[column]);
      if (changed.length > 0) this.update(table, changed).run(...changed.map((column) => row[column]!), ...entry.key);
    }
  }

  private update(table: CachedTable, changed: readonly string[]): Database.Statement {
    const shape = changed.join();
    let statement = table.updates.get(shape);
    if (!statement) {
      if (table.updates.size >= UPDATE_STATEMENTS_PER_TABLE_MAX) table.updates.clear();
      const assignments = changed.map((column) => `${column} = ?`).join(', ');
      statement = this.db.prepare(`UPDATE ${table.name} SET ${assignments} WHERE ${whereKey(table.primaryKey)}`);
      table.updates.set(shape, statement);
    }
    return statement;
  }

  /**
   * The table's layout, read once; undefined when its rows cannot be held: no spec, a spec whose
   * primary key is not the table's, a DEFAULT that is not a literal, or anything that makes the
   * order of the writes matter (a UNIQUE index besides the primary key, a trigger, a foreign key).
   */
  private table(name: string): CachedTable | undefined {
    const known = this.tables.get(name);
    if (known !== undefined) return known === 'uncached' ? undefined : known;
    const layout = this.layoutOf(name);
    this.tables.set(name, layout ?? 'uncached');
    return layout;
  }

  private layoutOf(name: string): CachedTable | undefined {
    const spec = this.specs.get(name);
    if (spec === undefined) return undefined;
    const info = this.db.prepare('SELECT name, dflt_value, pk FROM pragma_table_info(?)').all(name) as {
      name: string;
      dflt_value: string | null;
      pk: number;
    }[];
    assert(info.length > 0, `table ${name} exists`);
    for (const identifier of [name, ...info.map((column) => column.name)]) assert(IDENTIFIER.test(identifier), `not a plain SQL identifier: ${identifier}`);
    const primaryKey = info.filter((column) => column.pk > 0).map((column) => column.name);
    if (primaryKey.length !== spec.primaryKey.length || !spec.primaryKey.every((column) => primaryKey.includes(column))) return undefined;
    const orderMatters = this.db
      .prepare(
        `SELECT 1 FROM pragma_index_list(@table) WHERE "unique" = 1 AND origin <> 'pk'
         UNION ALL SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @table
         UNION ALL SELECT 1 FROM pragma_foreign_key_list(@table)
         UNION ALL SELECT 1 FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = @table`,
      )
      .get({ table: name });
    if (orderMatters !== undefined) return undefined;
    const defaults: Record<string, SqlValue> = {};
    for (const column of info) {
      if (column.dflt_value === null) defaults[column.name] = null;
      else {
        const value = constantOf(this.db, column.dflt_value);
        if (value === undefined) return undefined;
        defaults[column.name] = value;
      }
    }
    const columns = info.map((column) => column.name);
    return {
      name,
      primaryKey: spec.primaryKey,
      columns,
      defaults,
      isColumn: new Set(columns),
      isPrimaryKeyColumn: new Set(spec.primaryKey),
      select: this.db.prepare(`SELECT * FROM ${name} WHERE ${whereKey(spec.primaryKey)}`),
      insert: this.db.prepare(`INSERT INTO ${name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`),
      remove: this.db.prepare(`DELETE FROM ${name} WHERE ${whereKey(spec.primaryKey)}`),
      insertParameters: columns.map(() => null),
      updates: new Map(),
      rows: new Map(),
    };
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const LITERAL = /^(?:NULL|[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?|'(?:[^']|'')*')$/i;

/** A DEFAULT that is a literal (number, string, NULL); undefined for an expression (CURRENT_TIMESTAMP, random()). */
function constantOf(db: Database.Database, defaultSql: string): SqlValue | undefined {
  if (!LITERAL.test(defaultSql)) return undefined;
  return (db.prepare(`SELECT ${defaultSql} AS value`).get() as { value: SqlValue }).value;
}

/**
 * The primary key of a row (or of a change's key) as text, values as SQLite compares them under
 * the columns' affinity (1 and '1' name the same row); undefined when a key column is missing or
 * holds NULL or a non-SQL value (those changes run as SQL, which reports them).
 */
function keyTextOf(table: CachedTable, row: Row): string | undefined {
  const primaryKey = table.primaryKey;
  if (primaryKey.length === 1) {
    const value = row[primaryKey[0]!];
    return isKeyValue(value) ? String(value) : undefined;
  }
  let text = '';
  for (const column of primaryKey) {
    const value = row[column];
    if (!isKeyValue(value)) return undefined;
    const part = String(value);
    text += `${part.length}:${part}`;
  }
  return text;
}

/** The key's text when it names exactly the table's primary key columns, else undefined. */
function primaryKeyText(table: CachedTable, key: Row): string | undefined {
  let named = 0;
  for (const column in key) {
    if (!table.isPrimaryKeyColumn.has(column)) return undefined;
    named += 1;
  }
  return named === table.primaryKey.length ? keyTextOf(table, key) : undefined;
}

function namesKeyColumn(table: CachedTable, values: Readonly<Record<string, unknown>> | undefined): boolean {
  if (values === undefined) return false;
  for (const column of table.primaryKey) if (column in values) return true;
  return false;
}

function isKeyValue(value: SqlValue | undefined): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Checks every column and value; returns how many columns the values name. */
function checkColumns(table: CachedTable, values: Row): number {
  let named = 0;
  for (const column in values) {
    named += 1;
    if (!table.isColumn.has(column)) assert(false, `table ${table.name} has no column named ${column}`);
    const value = values[column];
    if (!(value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))))
      assert(false, `not a SQL value: ${String(value)}`);
  }
  return named;
}

function checkAmounts(table: CachedTable, amounts: Readonly<Record<string, number>>): void {
  for (const column in amounts) {
    if (!table.isColumn.has(column)) assert(false, `table ${table.name} has no column named ${column}`);
    if (!Number.isSafeInteger(amounts[column])) assert(false, `an added amount must be a safe integer, got ${amounts[column]}`);
  }
}

function hasAny(values: Readonly<Record<string, unknown>>): boolean {
  for (const _ in values) return true;
  return false;
}

/** A new row: the columns' DEFAULTs, overwritten by the given values in order. */
function fullRow(table: CachedTable, ...parts: readonly Readonly<Record<string, SqlValue>>[]): Record<string, SqlValue> {
  const row: Record<string, SqlValue> = { ...table.defaults };
  for (const part of parts) Object.assign(row, part);
  return row;
}

/** `SET column = column + amount` (NULL stays NULL, as in SQL), then `SET column = value`. */
function addTo(row: Record<string, SqlValue>, add: Readonly<Record<string, number>> | undefined, set: Row | undefined): void {
  if (add) {
    for (const column in add) {
      const current = row[column];
      if (current === null) continue;
      if (typeof current !== 'number') assert(false, `column ${column} holds ${typeof current}, not a number to add to`);
      row[column] = current + add[column]!;
    }
  }
  if (set) Object.assign(row, set);
}

/** The entry's row, copied first unless the entry owns it (a projection may still hold the old one). */
function writable(entry: Entry): Record<string, SqlValue> {
  if (!entry.owned) {
    entry.row = { ...entry.row! };
    entry.owned = true;
  }
  return entry.row!;
}

function whereKey(primaryKey: readonly string[]): string {
  return primaryKey.map((column) => `${column} = ?`).join(' AND ');
}

/** The error SQLite gives a duplicate primary key, for an insert the cache refuses before SQLite sees it. */
function duplicate(table: CachedTable): Error {
  return new Error(`UNIQUE constraint failed: ${table.primaryKey.map((column) => `${table.name}.${column}`).join(', ')}`);
}

function byKey(left: Entry, right: Entry): number {
  for (let index = 0; index < left.key.length; index += 1) {
    const a = left.key[index]!;
    const b = right.key[index]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}
