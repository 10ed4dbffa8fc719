import Database from 'better-sqlite3';
import type { Projection, Row, RowChange, TableSpec } from '../../projections/projection.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { RowChangeSql } from '../../src/read-models/row-change-sql.js';
import { WriteBehindRows } from '../../src/read-models/write-behind-rows.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS items (
  id    TEXT PRIMARY KEY,
  grp   TEXT,
  qty   INTEGER DEFAULT 7,
  label TEXT DEFAULT 'none',
  total INTEGER
);
CREATE TABLE IF NOT EXISTS pairs (
  a TEXT NOT NULL,
  b INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seats (
  id   TEXT PRIMARY KEY,
  seat TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS seats_by_seat ON seats (seat);
CREATE TABLE IF NOT EXISTS computed (
  id TEXT PRIMARY KEY,
  n  INTEGER DEFAULT (abs(-3))
);
`;
const TABLES: TableSpec[] = [
  { name: 'items', primaryKey: ['id'] },
  { name: 'pairs', primaryKey: ['a', 'b'] },
  { name: 'computed', primaryKey: ['id'] },
  { name: 'seats', primaryKey: ['id'] },
];
const OWN = new Set(TABLES.map((table) => table.name));

/** A step of a transaction: a change, or a lookup whose answer is recorded. */
type Step = RowChange | { readonly get: string; readonly key: Row };

interface Side {
  readonly db: Database.Database;
  run(transaction: readonly Step[]): (Row | undefined)[];
}

/** The cache under test; with `slice`, each transaction's rows are written that many at a time (flushSome). */
function cached(rowsHeldMax?: number, slice?: number): Side {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  const rows = new WriteBehindRows(db, new Map(TABLES.map((table) => [table.name, table])), rowsHeldMax);
  return {
    db,
    run: (transaction) =>
      db.transaction(() => {
        try {
          const lookup = rows.lookup(OWN);
          const answers: (Row | undefined)[] = [];
          for (const step of transaction) {
            if ('get' in step) answers.push(lookup.get(step.get, step.key));
            else rows.apply(step, OWN);
          }
          if (slice === undefined) rows.flush();
          else {
            let slices = 1;
            while (!rows.flushSome(slice)) slices += 1;
            expect(rows.heldRows).toBe(0);
            lastSlices = slices;
          }
          return answers;
        } catch (error) {
          rows.discard();
          throw error;
        }
      })(),
  };
}

/** How many slices the last sliced transaction took. */
let lastSlices = 0;

/** The reference: every change its own statement, run at once; lookups from SQLite. */
function reference(): Side {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  const sql = new RowChangeSql(db);
  return {
    db,
    run: (transaction) =>
      db.transaction(() => {
        const lookup = sql.lookup(OWN);
        const answers: (Row | undefined)[] = [];
        for (const step of transaction) {
          if ('get' in step) answers.push(lookup.get(step.get, step.key));
          else sql.apply(step, OWN);
        }
        return answers;
      })(),
  };
}

function dump(db: Database.Database): Record<string, unknown[]> {
  return Object.fromEntries(TABLES.map((table) => [table.name, db.prepare(`SELECT * FROM ${table.name} ORDER BY ${table.primaryKey.join(', ')}`).all()]));
}

/** Runs the transactions on both sides; their lookups and final rows must agree. Returns the cache's lookups and rows. */
function same(
  transactions: readonly (readonly Step[])[],
  rowsHeldMax?: number,
  slice?: number,
): { answers: (Row | undefined)[][]; rows: Record<string, unknown[]> } {
  const subject = cached(rowsHeldMax, slice);
  const plain = reference();
  const answers = transactions.map((transaction) => {
    const got = subject.run(transaction);
    expect(got).toEqual(plain.run(transaction));
    return got;
  });
  const rows = dump(subject.db);
  expect(rows).toEqual(dump(plain.db));
  return { answers, rows };
}

const insertItem = (id: string, values: Row = {}): RowChange => ({ op: 'insert', table: 'items', values: { id, ...values } });

describe('write-behind row cache (unit): the rows and lookups of the statement-by-statement path', () => {
  it('insert then update in one transaction: one row with the update, seen by a lookup before the flush', () => {
    const { answers, rows } = same([
      [
        insertItem('i1', { grp: 'g', qty: 1, total: 10 }),
        { op: 'update', table: 'items', key: { id: 'i1' }, set: { label: 'after' }, add: { qty: 2 } },
        { get: 'items', key: { id: 'i1' } },
      ],
    ]);
    expect(answers[0]).toEqual([{ id: 'i1', grp: 'g', qty: 3, label: 'after', total: 10 }]);
    expect(rows.items).toHaveLength(1);
  });

  it("upsert and increment of absent rows: a lookup reads the columns' DEFAULT values, then NULL for the rest", () => {
    const { answers } = same([
      [
        { op: 'upsert', table: 'items', key: { id: 'u1' }, values: { grp: 'g' } },
        { get: 'items', key: { id: 'u1' } },
        { op: 'increment', table: 'items', key: { id: 'u2' }, add: { total: 5 } },
        { op: 'increment', table: 'items', key: { id: 'u2' }, add: { total: 6, qty: 1 } },
        { get: 'items', key: { id: 'u2' } },
      ],
      [{ get: 'items', key: { id: 'u2' } }],
    ]);
    expect(answers[0]).toEqual([
      { id: 'u1', grp: 'g', qty: 7, label: 'none', total: null },
      { id: 'u2', grp: null, qty: 8, label: 'none', total: 11 },
    ]);
  });

  it('adding to a NULL column leaves NULL; an update or a delete of an absent row changes nothing', () => {
    const { rows } = same([
      [
        { op: 'upsert', table: 'items', key: { id: 'n1' }, values: { total: null } },
        { op: 'update', table: 'items', key: { id: 'n1' }, add: { total: 5 } },
        { op: 'update', table: 'items', key: { id: 'nobody' }, set: { grp: 'x' } },
        { op: 'delete', table: 'items', key: { id: 'nobody' } },
        { get: 'items', key: { id: 'nobody' } },
      ],
    ]);
    expect(rows.items).toEqual([{ id: 'n1', grp: null, qty: 7, label: 'none', total: null }]);
  });

  it('a change keyed by another column flushes the held rows first, and later lookups see what it changed', () => {
    const { answers } = same([
      [insertItem('a', { grp: 'g1' }), insertItem('b', { grp: 'g1' }), insertItem('c', { grp: 'g2' })],
      [
        { op: 'update', table: 'items', key: { id: 'a' }, set: { label: 'held' } },
        insertItem('d', { grp: 'g1' }),
        { op: 'update', table: 'items', key: { grp: 'g1' }, add: { qty: 100 } },
        { get: 'items', key: { id: 'a' } },
        { get: 'items', key: { id: 'd' } },
        { op: 'update', table: 'items', key: { id: 'd' }, add: { qty: 1 } },
        { get: 'items', key: { grp: 'g2' } },
        { op: 'delete', table: 'items', key: { grp: 'g2' } },
        { get: 'items', key: { id: 'c' } },
      ],
    ]);
    expect(answers[1]).toEqual([
      { id: 'a', grp: 'g1', qty: 107, label: 'held', total: null },
      { id: 'd', grp: 'g1', qty: 107, label: 'none', total: null },
      { id: 'c', grp: 'g2', qty: 7, label: 'none', total: null },
      undefined,
    ]);
  });

  it('delete then insert of a stored row, insert then delete of a new one, delete then upsert: the final rows only', () => {
    const { rows } = same([
      [insertItem('x', { grp: 'old', qty: 1, label: 'old', total: 1 }), { op: 'insert', table: 'pairs', values: { a: 'p', b: 1, n: 1 } }],
      [
        { op: 'delete', table: 'items', key: { id: 'x' } },
        insertItem('x', { grp: 'new' }),
        insertItem('y'),
        { op: 'delete', table: 'items', key: { id: 'y' } },
        { op: 'delete', table: 'pairs', key: { a: 'p', b: 1 } },
        { op: 'upsert', table: 'pairs', key: { a: 'p', b: 1 }, values: { n: 2 } },
      ],
    ]);
    expect(rows).toEqual({ items: [{ id: 'x', grp: 'new', qty: 7, label: 'none', total: null }], pairs: [{ a: 'p', b: 1, n: 2 }], computed: [], seats: [] });
  });

  it('a composite key names one row whatever the order of its columns, and a number given as text names the same row (column affinity)', () => {
    const { answers } = same([
      [{ op: 'insert', table: 'pairs', values: { a: 'k', b: 2, n: 1 } }],
      [
        { op: 'increment', table: 'pairs', key: { a: 'k', b: '2' }, add: { n: 1 } },
        { get: 'pairs', key: { b: 2, a: 'k' } },
      ],
    ]);
    expect(answers[1]).toEqual([{ a: 'k', b: 2, n: 2 }]);
  });

  it('a table whose DEFAULT is an expression is not held: its changes run as SQL and read back the computed default', () => {
    const { answers } = same([
      [
        { op: 'upsert', table: 'computed', key: { id: 'c1' }, values: {} },
        { get: 'computed', key: { id: 'c1' } },
      ],
    ]);
    expect(answers[0]).toEqual([{ id: 'c1', n: 3 }]);
  });

  it('past the bound of held rows, they are written mid-transaction and read back as they were', () => {
    const { answers } = same(
      [
        [
          insertItem('b1', { qty: 1 }),
          { op: 'increment', table: 'items', key: { id: 'b2' }, add: { total: 1 } },
          { op: 'update', table: 'items', key: { id: 'b1' }, add: { qty: 1 } },
          { op: 'increment', table: 'pairs', key: { a: 'q', b: 1 }, add: { n: 1 } },
          { op: 'increment', table: 'items', key: { id: 'b2' }, add: { total: 1 } },
          { op: 'delete', table: 'items', key: { id: 'b1' } },
          { get: 'items', key: { id: 'b2' } },
          { get: 'items', key: { id: 'b1' } },
        ],
      ],
      2,
    );
    expect(answers[0]).toEqual([{ id: 'b2', grp: null, qty: 7, label: 'none', total: 2 }, undefined]);
  });

  it('held rows written a slice at a time (flushSome) end as one flush leaves them, whichever table a slice ends in', () => {
    const { rows } = same(
      [
        [
          insertItem('s1', { qty: 1 }),
          insertItem('s2'),
          insertItem('s3', { total: 3 }),
          { op: 'increment', table: 'pairs', key: { a: 'p', b: 1 }, add: { n: 2 } },
        ],
        [
          { op: 'update', table: 'items', key: { id: 's1' }, add: { qty: 10 } },
          { op: 'delete', table: 'items', key: { id: 's2' } },
          insertItem('s0', { grp: 'new' }),
          { op: 'increment', table: 'pairs', key: { a: 'p', b: 1 }, add: { n: 1 } },
          { op: 'increment', table: 'pairs', key: { a: 'p', b: 0 }, add: { n: 5 } },
          { op: 'upsert', table: 'items', key: { id: 's4' }, values: { label: 'up' } },
          { get: 'items', key: { id: 's9' } },
        ],
      ],
      undefined,
      2,
    );
    // Five items rows and two pairs rows held (the absent s9 too): four slices of two.
    expect(lastSlices).toBe(4);
    expect(rows.items).toHaveLength(4);
    expect(rows.pairs).toEqual([
      { a: 'p', b: 0, n: 5 },
      { a: 'p', b: 1, n: 3 },
    ]);
  });

  it('a change that rewrites a key column runs as SQL: the row moves to its new key', () => {
    const { answers } = same([
      [insertItem('old', { grp: 'g' })],
      [
        { op: 'update', table: 'items', key: { id: 'old' }, set: { id: 'new' } },
        { get: 'items', key: { id: 'old' } },
        { get: 'items', key: { id: 'new' } },
      ],
    ]);
    expect(answers[1]).toEqual([undefined, { id: 'new', grp: 'g', qty: 7, label: 'none', total: null }]);
  });

  it('a table with a UNIQUE index besides its key is not held: a value freed then taken in one transaction works as in SQL', () => {
    const { rows } = same([
      [
        { op: 'insert', table: 'seats', values: { id: 'z', seat: 's1' } },
        { op: 'insert', table: 'seats', values: { id: 'a', seat: 's2' } },
      ],
      [
        { op: 'update', table: 'seats', key: { id: 'z' }, set: { seat: 'free' } },
        { op: 'update', table: 'seats', key: { id: 'a' }, set: { seat: 's1' } },
      ],
    ]);
    expect(rows.seats).toEqual([
      { id: 'a', seat: 's1' },
      { id: 'z', seat: 'free' },
    ]);
  });

  it('a row handed to a projection never changes under it', () => {
    const subject = cached();
    const db = subject.db;
    const rows = new WriteBehindRows(db, new Map(TABLES.map((table) => [table.name, table])));
    db.transaction(() => {
      rows.apply(insertItem('h', { qty: 1 }), OWN);
      const before = rows.lookup(OWN).get('items', { id: 'h' });
      rows.apply({ op: 'update', table: 'items', key: { id: 'h' }, add: { qty: 1 } }, OWN);
      expect(before).toMatchObject({ qty: 1 });
      expect(rows.lookup(OWN).get('items', { id: 'h' })).toMatchObject({ qty: 2 });
      rows.flush();
    })();
  });

  it('an insert of a key held in this transaction fails at once; of a key stored earlier, at the flush (as SQLite would)', () => {
    for (const side of [cached(), reference()]) {
      expect(() => side.run([insertItem('d1'), insertItem('d1')])).toThrow(/UNIQUE constraint failed: items\.id/);
      side.run([insertItem('d2')]);
      expect(() => side.run([insertItem('d2', { grp: 'again' })])).toThrow(/UNIQUE constraint failed: items\.id/);
      expect(() => side.run([insertItem('d2', { grp: 'again' }), { op: 'delete', table: 'items', key: { id: 'd2' } }])).toThrow(
        /UNIQUE constraint failed: items\.id/,
      );
      expect(dump(side.db).items).toEqual([{ id: 'd2', grp: null, qty: 7, label: 'none', total: null }]);
    }
  });
});

/** A projection that writes what its events say: `Put` upserts, `Add` inserts (a duplicate is a bug), `Bump` increments. */
const scripted: Projection = {
  name: 'scripted',
  version: 1,
  description: 'test projection',
  eventTypes: ['Put', 'Add', 'Bump'],
  tables: TABLES,
  schemaSql: SCHEMA,
  project: (event, lookup) => {
    const data = event.data as { id: string };
    switch (event.type) {
      case 'Put':
        return [{ op: 'upsert', table: 'items', key: { id: data.id }, values: { grp: 'put' } }];
      case 'Add':
        return [insertItem(data.id)];
      default: {
        // Reads what the earlier events of the same batch wrote.
        const qty = Number(lookup.get('items', { id: data.id })?.qty ?? 0);
        return [
          { op: 'upsert', table: 'items', key: { id: data.id }, values: { total: qty * 10 } },
          { op: 'increment', table: 'items', key: { id: data.id }, add: { qty: 1 } },
        ];
      }
    }
  },
};

function recorded(position: number, type: string, id: string): RecordedEvent {
  return {
    id: `event-${position}`,
    type,
    streamId: `s-${id}`,
    revision: 0n,
    position: BigInt(position),
    data: { id },
    metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'test', role: 'admin' }, occurredAt: '2025-03-14T03:00:00.000Z', schemaVersion: 1 },
    created: new Date(0),
  } as RecordedEvent;
}

describe('write-behind row cache in the projection engine (unit)', () => {
  it('a lookup sees the changes of earlier events in the same batch', () => {
    const engine = new ProjectionEngine(new Database(':memory:'), [scripted]);
    engine.applyBatch('scripted', [recorded(1, 'Put', 'a'), recorded(2, 'Bump', 'a'), recorded(3, 'Bump', 'a')], 3n);
    expect(engine.db.prepare('SELECT id, qty, total FROM items').all()).toEqual([{ id: 'a', qty: 9, total: 80 }]);
  });

  it('a duplicate insert fails the batch and leaves nothing of it written, the checkpoint unmoved; the next batch starts clean', () => {
    const engine = new ProjectionEngine(new Database(':memory:'), [scripted]);
    engine.applyBatch('scripted', [recorded(1, 'Add', 'a')], 1n);
    expect(() => engine.applyBatch('scripted', [recorded(2, 'Put', 'b'), recorded(3, 'Bump', 'a'), recorded(4, 'Add', 'a')], 4n)).toThrow(
      /UNIQUE constraint failed/,
    );
    expect(engine.db.prepare('SELECT id, qty, total FROM items ORDER BY id').all()).toEqual([{ id: 'a', qty: 7, total: null }]);
    expect(engine.loadCheckpoint('scripted')).toBe(1n);

    engine.applyBatch('scripted', [recorded(2, 'Put', 'b')], 2n);
    expect(engine.db.prepare('SELECT id, grp, qty FROM items ORDER BY id').all()).toEqual([
      { id: 'a', grp: null, qty: 7 },
      { id: 'b', grp: 'put', qty: 7 },
    ]);
    expect(engine.loadCheckpoint('scripted')).toBe(2n);
  });
});
