import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Projection, ProjectedEvent, SqlValue } from '../../projections/projection.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { READ_COUNT_MAX } from '../event-store/event-store.port.js';
import { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { assert } from '../kernel/assert.js';
import { IndexDefinition, secondaryIndexes } from './secondary-indexes.js';
import { ROWS_HELD_MAX, WriteBehindRows } from './write-behind-rows.js';
import { nextTurn } from '../kernel/next-turn.js';

export interface TableChecksum {
  readonly table: string;
  readonly rows: number;
  /** SHA-256 over the rows in primary-key order (one JSON array per row). */
  readonly sha256: string;
}

/**
 * A catch-up (offline replay, live rebuild, start-up) reads $all in pages of this many events
 * and applies each page to every projection in one transaction. A commit writes every B-tree
 * page the transaction dirtied, so a larger page writes the hot pages (balances, summaries) less
 * often; a smaller one keeps less parsed history in memory and holds the event loop for less
 * time in a live service. 5,000 used a tenth less CPU than 1,000 over a 100,000-event history;
 * 2,000 (with the smaller SQLite page cache) brought the service's peak RSS in a 1,000,000-event
 * catch-up and live rebuild from about 300 to 277 MiB, the rebuild up to a tenth slower.
 */
export const CATCH_UP_PAGE_EVENTS = 2_000;
assert(CATCH_UP_PAGE_EVENTS <= READ_COUNT_MAX, 'a catch-up page fits in one read of the store');
/**
 * An engine over a file nothing reads before its catch-up returns (ProjectionEngineOptions), in
 * the service (a rebuild, the start-up pass over new tables, the as-of balances), writes its held
 * rows with the checkpoints they reach once this many are held. With the service's V8 flags and
 * 2,000-event pages, a 1,001,000-event catch-up took 60 s instead of 77 s writing at every page,
 * with a lower peak RSS (127 against 138 MiB) and shorter holds of the event loop (p99 127 against
 * 290 ms): an order's rows are written once, not at each of its steps, and more rows land on each
 * B-tree page a commit rewrites. 20,000 took 52 s but 28 MiB more, 50,000 47 s and 48 MiB more,
 * past the service's memory goal (docs/performance.md).
 */
export const HELD_ROWS_PER_COMMIT = 10_000;
/**
 * The auditor's offline replay, a process of its own that the service's memory goal does not
 * bound, holds this many: a 1,001,000-event replay took 38 s against 47 s writing every
 * 10,000-event page (peak RSS 585 against 476 MiB).
 */
export const OFFLINE_REPLAY_HELD_ROWS_PER_COMMIT = 100_000;
/**
 * A catch-up that lets the event loop turn between pages (a live service) writes its held rows in
 * slices of this many, the loop turning between slices: a commit of 50,000 rows would otherwise
 * hold the loop for as long as several pages.
 */
export const HELD_ROWS_WRITTEN_PER_TURN = 4_000;
/** No history replays past this many pages: 5 * 10^12 events is beyond any store this design serves. */
export const CATCH_UP_PAGES_MAX = 1_000_000_000;

export interface CatchUpOptions {
  /** Called after each committed page with its last position and the events read so far. */
  readonly onPage?: (position: bigint, events: number) => void;
  /** The replay ends before the first event for which this is false (the state as of a past point). */
  readonly within?: (event: RecordedEvent) => boolean;
  /** Checked between pages: true ends the catch-up early (a shutdown, a rebuild starting over). */
  readonly stopped?: () => boolean;
  /** Let the event loop turn between pages (a live service keeps answering). */
  readonly yieldBetweenPages?: boolean;
  /** Events read and applied per transaction (default CATCH_UP_PAGE_EVENTS). */
  readonly pageEvents?: number;
}

export interface ProjectionEngineOptions {
  /**
   * Nothing reads this database's rows before a catch-up returns: a scratch file built beside the
   * served rows, an offline replay. A catch-up then keeps the rows its pages change in the
   * write-behind cache from page to page and writes them, with the checkpoints they reach, in one
   * transaction once `heldRowsPerCommit` rows are held, and when it returns. The file's rows
   * and checkpoints still agree at every commit: a page that fails rolls back everything since
   * the last one (the catch-up then stands at that commit). Live batches (applyBatch) never use
   * such an engine. Tables it creates get their secondary indexes only when a statement keyed by
   * other columns is about to run on them, or when `replay` returns (`createDeferredIndexes`):
   * a swap fills the served tables' indexes itself as it copies the rows.
   */
  readonly holdRowsAcrossPages?: boolean;
  /** Default HELD_ROWS_PER_COMMIT (tests make it small to commit often). */
  readonly heldRowsPerCommit?: number;
  /** Default HELD_ROWS_WRITTEN_PER_TURN (tests make it small to write a commit in many slices). */
  readonly heldRowsWrittenPerTurn?: number;
}

/** The engine of the auditor's offline replay into a scratch file (and of the benchmarks that measure it). */
export const OFFLINE_REPLAY_ENGINE: ProjectionEngineOptions = { holdRowsAcrossPages: true, heldRowsPerCommit: OFFLINE_REPLAY_HELD_ROWS_PER_COMMIT };

/** What an offline replay may ask of its catch-up. */
export type ReplayOptions = Pick<CatchUpOptions, 'onPage' | 'within' | 'pageEvents'>;

/**
 * Applies projections to one SQLite database: schemas, batches (rows + checkpoint in one
 * transaction), resets for a rebuild, checksums. Framework-free: the Nest service, the offline
 * replay and the tests use it alike.
 */
export class ProjectionEngine {
  readonly checkpoints: SqliteCheckpointStore;
  private readonly rows: WriteBehindRows;
  private readonly byName: ReadonlyMap<string, Projection>;
  private readonly ownTables: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly eventTypes: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly applyInTransaction: (projection: Projection, events: readonly RecordedEvent[], checkpoint: bigint) => void;
  private readonly applyPageInTransaction: (projections: readonly Projection[], events: readonly RecordedEvent[]) => void;

  private readonly holdsRowsAcrossPages: boolean;
  private readonly heldRowsPerCommit: number;
  private readonly heldRowsWrittenPerTurn: number;
  /** Positions applied (rows held in the cache) but not yet stored, by projection: a catch-up holding rows across pages. */
  private readonly pendingCheckpoints = new Map<string, bigint>();
  /** The cache's write count at the last commit: a flush of its own (it was full) commits at the end of that page. */
  private writesAtCommit = 0;
  /** Secondary indexes left out of the tables this engine created (holding rows across pages), by table. */
  private readonly deferredIndexes = new Map<string, IndexDefinition[]>();
  /** Prepared at the first statement that may need a deferred index (a change run as SQL). */
  private indexExists?: Database.Statement<[string], { name: string }>;

  constructor(
    readonly db: Database.Database,
    readonly projections: readonly Projection[],
    options: ProjectionEngineOptions = {},
  ) {
    this.holdsRowsAcrossPages = options.holdRowsAcrossPages ?? false;
    this.heldRowsPerCommit = options.heldRowsPerCommit ?? HELD_ROWS_PER_COMMIT;
    this.heldRowsWrittenPerTurn = options.heldRowsWrittenPerTurn ?? HELD_ROWS_WRITTEN_PER_TURN;
    for (const bound of [this.heldRowsPerCommit, this.heldRowsWrittenPerTurn])
      assert(Number.isSafeInteger(bound) && bound > 0, 'row bounds are positive integers');
    const names = new Set(projections.map((projection) => projection.name));
    assert(names.size === projections.length, 'projection names are unique');
    const allTables = projections.flatMap((projection) => projection.tables.map((table) => table.name));
    assert(new Set(allTables).size === allTables.length, 'no two projections share a table');
    this.byName = new Map(projections.map((projection) => [projection.name, projection]));
    this.ownTables = new Map(projections.map((projection) => [projection.name, new Set(projection.tables.map((table) => table.name))]));
    this.eventTypes = new Map(projections.map((projection) => [projection.name, new Set(projection.eventTypes)]));
    db.exec(`CREATE TABLE IF NOT EXISTS projection_versions (
      projection TEXT PRIMARY KEY,
      version    INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.checkpoints = new SqliteCheckpointStore(db);
    // Room for a page's rows above the commit threshold: the engine, not the cache's own bound, decides when held rows are written.
    const rowsHeldMax = this.holdsRowsAcrossPages ? Math.max(ROWS_HELD_MAX, 2 * this.heldRowsPerCommit) : ROWS_HELD_MAX;
    this.rows = new WriteBehindRows(
      db,
      new Map(projections.flatMap((projection) => projection.tables.map((table) => [table.name, table]))),
      rowsHeldMax,
      (table) => this.createDeferredIndexes(table),
    );
    this.applyInTransaction = db.transaction((projection: Projection, events: readonly RecordedEvent[], checkpoint: bigint) => {
      this.writingRows(() => this.applyEvents(projection, events.map(toProjected)));
      this.checkpoints.save(projection.name, checkpoint);
    });
    this.applyPageInTransaction = db.transaction((targets: readonly Projection[], events: readonly RecordedEvent[]) => {
      const last = events[events.length - 1]!.position;
      // Parsed once by the store, converted once here, shared by every projection of the page.
      const projected = events.map(toProjected);
      this.writingRows(() => this.applyPage(targets, events, projected, last, (name, position) => this.checkpoints.save(name, position)));
    });
    this.install();
  }

  private applyPage(
    targets: readonly Projection[],
    events: readonly RecordedEvent[],
    projected: readonly ProjectedEvent[],
    last: bigint,
    saveCheckpoint: (name: string, position: bigint) => void,
  ): void {
    for (const projection of targets) {
      const checkpoint = this.loadCheckpoint(projection.name);
      // Already past this page (it was rebuilt alone, or never fell behind): never move a checkpoint back.
      if (checkpoint !== 'start' && checkpoint >= last) continue;
      const types = this.eventTypes.get(projection.name)!;
      const fresh = projected.filter((event, index) => types.has(event.type) && (checkpoint === 'start' || events[index]!.position > checkpoint));
      this.applyEvents(projection, fresh);
      saveCheckpoint(projection.name, last);
    }
  }

  /**
   * A page of a catch-up holding rows across pages: applied to the cache inside the transaction
   * open since the last commit (SQLite is written only when the cache is full, or by a change run
   * as SQL); the rows and checkpoints are written and committed once enough rows are held.
   */
  private async holdPage(targets: readonly Projection[], events: readonly RecordedEvent[], yieldBetweenPages: boolean): Promise<void> {
    if (!this.db.inTransaction) {
      this.db.exec('BEGIN');
      this.writesAtCommit = this.rows.writes;
    }
    const last = events[events.length - 1]!.position;
    this.applyPage(targets, events, events.map(toProjected), last, (name, position) => this.pendingCheckpoints.set(name, position));
    if (this.rows.heldRows < this.heldRowsPerCommit && this.rows.writes === this.writesAtCommit) return;
    if (yieldBetweenPages) while (!this.rows.flushSome(this.heldRowsWrittenPerTurn)) await nextTurn();
    this.commitHeld();
  }

  /** Writes the held rows and the checkpoints they reach, and commits. */
  private commitHeld(): void {
    if (!this.db.inTransaction) return;
    this.rows.flush();
    for (const [name, position] of this.pendingCheckpoints) this.checkpoints.save(name, position);
    this.pendingCheckpoints.clear();
    this.db.exec('COMMIT');
  }

  /**
   * Creates the secondary indexes left out of the named table (of every table when none is named)
   * that do not exist yet: a rolled-back transaction may have taken one back with it.
   */
  createDeferredIndexes(table?: string): void {
    if (this.deferredIndexes.size === 0) return;
    this.indexExists ??= this.db.prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?");
    const exists = this.indexExists;
    const tables = table === undefined ? [...this.deferredIndexes.keys()] : [table];
    for (const name of tables) {
      for (const index of this.deferredIndexes.get(name) ?? []) if (exists.get(index.name) === undefined) this.db.exec(index.sql);
    }
    if (table === undefined && !this.db.inTransaction) this.deferredIndexes.clear();
  }

  /** Forgets everything since the last commit: the held rows, the positions they reached, what SQLite was written. */
  private dropHeld(): void {
    this.rows.discard();
    this.pendingCheckpoints.clear();
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** Row changes held by the write-behind cache reach SQLite before the transaction commits, or are dropped with it. */
  private writingRows(apply: () => void): void {
    try {
      apply();
      this.rows.flush();
    } catch (error) {
      this.rows.discard();
      throw error;
    }
  }

  projection(name: string): Projection | undefined {
    return this.byName.get(name);
  }

  /** The position the projection's rows reach: stored, or applied by a catch-up holding rows across pages and not yet written. */
  loadCheckpoint(name: string): bigint | 'start' {
    return this.pendingCheckpoints.get(name) ?? this.checkpoints.load(this.require(name).name);
  }

  /** One transaction: the rows of every event, then the checkpoint. A crash leaves both or neither. */
  applyBatch(name: string, events: readonly RecordedEvent[], checkpoint: bigint): void {
    assert(!this.holdsRowsAcrossPages, 'live batches go to an engine that writes each transaction');
    this.applyInTransaction(this.require(name), events, checkpoint);
  }

  /**
   * Replaces the named projections' tables, checkpoints and versions with those `rebuilt` built
   * in its own file (a rebuild beside the served rows), in one transaction on this connection:
   * readers see the old rows until it commits, then the new ones. A live file is better swapped
   * by `swapInWorker` (src/read-models/swap-worker.ts), which leaves the event loop free.
   */
  replaceWith(rebuilt: ProjectionEngine, names: readonly string[]): void {
    const statements = this.swapStatements(rebuilt, names);
    this.db.prepare(`ATTACH DATABASE ? AS ${REBUILT_SCHEMA}`).run(rebuilt.db.name);
    try {
      this.db.transaction(() => {
        for (const statement of statements) runSwapStatement(this.db, statement);
      })();
    } finally {
      this.db.prepare(`DETACH DATABASE ${REBUILT_SCHEMA}`).run();
      this.swapped();
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * The statements of a swap, to run in one transaction with `rebuilt`'s file attached as
   * REBUILT_SCHEMA: drop and recreate each table with its indexes, copy its rows in primary-key
   * order (appending to each B-tree instead of splitting pages all over it), then the
   * projection's checkpoint and version rows as the rebuild stored them.
   */
  swapStatements(rebuilt: ProjectionEngine, names: readonly string[]): SwapStatement[] {
    assert(!rebuilt.db.memory, 'a rebuilt database to copy from is a file');
    return names.flatMap((name) => {
      const projection = this.require(name);
      assert(rebuilt.projection(name) === projection, `the rebuilt database holds ${name}`);
      const copies = projection.tables.map((table) => {
        const columns = (rebuilt.db.prepare('SELECT name FROM pragma_table_info(?)').all(table.name) as { name: string }[])
          .map((column) => column.name)
          .join(', ');
        assert(columns !== '', `the rebuilt database has a table ${table.name}`);
        return {
          sql: `INSERT INTO main.${table.name} (${columns}) SELECT ${columns} FROM ${REBUILT_SCHEMA}.${table.name} ORDER BY ${table.primaryKey.join(', ')}`,
        };
      });
      // The indexes are created with the tables and filled by the copy. Created after it, each
      // sorted once, the swap of 1,001,000 events took 4.5 s instead of 11 s, but 31 MiB more
      // resident memory instead of 25 while it ran, past the service's memory goal in a rebuild.
      return [
        ...projection.tables.map((table) => ({ sql: `DROP TABLE IF EXISTS main.${table.name}` })),
        { sql: projection.schemaSql, script: true },
        ...copies,
        { sql: 'DELETE FROM main.checkpoints WHERE consumer = ?', parameters: [name] },
        { sql: `INSERT INTO main.checkpoints SELECT * FROM ${REBUILT_SCHEMA}.checkpoints WHERE consumer = ?`, parameters: [name] },
        { sql: `INSERT OR REPLACE INTO main.projection_versions SELECT * FROM ${REBUILT_SCHEMA}.projection_versions WHERE projection = ?`, parameters: [name] },
      ];
    });
  }

  /** After a swap (here or by another connection): the tables' layouts are read again. */
  swapped(): void {
    this.rows.forgetTables();
  }

  checksums(name: string): TableChecksum[] {
    return tableChecksums(this.db, this.require(name));
  }

  rowCounts(name: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const table of this.require(name).tables) {
      counts[table.name] = (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table.name}`).get() as { n: number }).n;
    }
    return counts;
  }

  /**
   * Offline catch-up (a rebuild into a scratch database, the state as of a past point): every
   * projection from its checkpoint to the head of $all in one pass.
   */
  async replay(store: EventStore, options: ReplayOptions = {}): Promise<number> {
    const read = await this.catchUp(
      store,
      this.projections.map((projection) => projection.name),
      options,
    );
    // The replayed database is queried next (an audit's comparison, the as-of balances): with every index.
    this.createDeferredIndexes();
    return read;
  }

  /**
   * The named projections from their lowest checkpoint to the head of $all, in one pass: each
   * page is read and parsed once and applied to every projection in one transaction (rows and
   * checkpoints together); a projection skips the events at or before its own checkpoint.
   * Resolves with the events read.
   */
  async catchUp(store: EventStore, names: readonly string[], options: CatchUpOptions = {}): Promise<number> {
    const targets = names.map((name) => this.require(name));
    if (!this.holdsRowsAcrossPages) return this.catchUpPages(store, targets, options, (events) => this.applyPageInTransaction(targets, events));
    try {
      const read = await this.catchUpPages(store, targets, options, (events) => this.holdPage(targets, events, options.yieldBetweenPages === true));
      this.commitHeld();
      return read;
    } catch (error) {
      this.dropHeld();
      throw error;
    }
  }

  private async catchUpPages(
    store: EventStore,
    targets: readonly Projection[],
    options: CatchUpOptions,
    applyPage: (events: readonly RecordedEvent[]) => void | Promise<void>,
  ): Promise<number> {
    let from = targets.reduce<bigint>((lowest, projection) => {
      const start = this.loadCheckpoint(projection.name);
      const next = start === 'start' ? 0n : start + 1n;
      return next < lowest ? next : lowest;
    }, BigInt(Number.MAX_SAFE_INTEGER));
    const pageEvents = options.pageEvents ?? CATCH_UP_PAGE_EVENTS;
    assert(Number.isSafeInteger(pageEvents) && pageEvents > 0 && pageEvents <= READ_COUNT_MAX, 'a catch-up page fits in one read of the store');
    let read = 0;
    for (let page = 0; page < CATCH_UP_PAGES_MAX; page += 1) {
      if (options.stopped?.()) return read;
      const events = await store.readAll({ fromPosition: from, maxCount: pageEvents });
      const cut = options.within ? events.findIndex((event) => !options.within!(event)) : -1;
      const kept = cut < 0 ? events : events.slice(0, cut);
      if (kept.length === 0) return read;
      await applyPage(kept);
      read += kept.length;
      const last = kept[kept.length - 1]!.position;
      options.onPage?.(last, read);
      if (cut >= 0) return read;
      from = last + 1n;
      if (options.yieldBetweenPages) await nextTurn();
    }
    throw new RangeError(`catch-up exceeded ${CATCH_UP_PAGES_MAX} pages`);
  }

  /** Creates missing tables; a projection whose version changed is rebuilt from the start. */
  private install(): void {
    const select = this.db.prepare<[string], { version: number }>('SELECT version FROM projection_versions WHERE projection = ?');
    this.db.transaction(() => {
      for (const projection of this.projections) {
        const stored = select.get(projection.name)?.version;
        if (stored === projection.version) this.db.exec(projection.schemaSql);
        else this.recreate(projection);
      }
    })();
  }

  private recreate(projection: Projection): void {
    this.rows.forgetTables();
    for (const table of projection.tables) this.db.exec(`DROP TABLE IF EXISTS ${table.name}`);
    this.db.exec(projection.schemaSql);
    if (this.holdsRowsAcrossPages) {
      // Created once the rows are in (or when a statement needs them): sorted once instead of inserted into one key at a time.
      for (const index of secondaryIndexes(projection)) {
        this.db.exec(`DROP INDEX ${index.name}`);
        this.deferredIndexes.set(index.table, [...(this.deferredIndexes.get(index.table) ?? []), index]);
      }
    }
    this.checkpoints.reset(projection.name);
    this.db
      .prepare('INSERT INTO projection_versions (projection, version) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET version = excluded.version')
      .run(projection.name, projection.version);
  }

  private applyEvents(projection: Projection, events: readonly ProjectedEvent[]): void {
    const own = this.ownTables.get(projection.name)!;
    const lookup = this.rows.lookup(own);
    for (const event of events) {
      const changes = projection.project(event, lookup);
      for (const change of changes) this.rows.apply(change, own);
    }
  }

  private require(name: string): Projection {
    const projection = this.byName.get(name);
    assert(projection, `unknown projection ${name}`);
    return projection;
  }
}

/** The schema name a rebuilt file is attached under while its tables are copied in. */
export const REBUILT_SCHEMA = 'rebuilt';

/** One statement of a swap: run with its parameters, or as a script of several (a schema). */
export interface SwapStatement {
  readonly sql: string;
  readonly parameters?: readonly SqlValue[];
  readonly script?: boolean;
}

function runSwapStatement(db: Database.Database, statement: SwapStatement): void {
  if (statement.script) db.exec(statement.sql);
  else db.prepare(statement.sql).run(...(statement.parameters ?? []));
}

/** Checksums of a projection's tables in any database holding them (the live one, a scratch rebuild). */
export function tableChecksums(db: Database.Database, projection: Projection): TableChecksum[] {
  return projection.tables.map((table) => {
    const hash = createHash('sha256');
    let rows = 0;
    const order = table.primaryKey.join(', ');
    for (const row of db.prepare(`SELECT * FROM ${table.name} ORDER BY ${order}`).raw().iterate()) {
      hash.update(JSON.stringify(row)).update('\n');
      rows += 1;
    }
    return { table: table.name, rows, sha256: hash.digest('hex') };
  });
}

export function toProjected(event: RecordedEvent): ProjectedEvent {
  return {
    type: event.type,
    data: event.data,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: Number(event.position),
    metadata: event.metadata,
  };
}
