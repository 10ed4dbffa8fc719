import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { errorMessage } from '../event-store/poison.js';
import { ChangeWaiters, WalWatch } from '../event-store/sqlite/wal-watch.js';
import type { ConsumerStatus, SubscriptionRunner } from '../event-store/subscription-runner.js';
import { LAG_EVENTS_COUNTED_MAX, WAIT_FOR_POSITION_MS_MAX } from '../event-store/subscription-runner.js';
import { DomainError, conflict, notFound } from '../kernel/errors.js';
import { Logger, silentLogger } from '../kernel/logger.js';
import { ProjectionConsumer } from './projection-consumer.js';
import { ProjectionEngine } from './projection-engine.js';
import { REBUILD_PURPOSES, RebuildPurpose, openRebuildDatabase, rebuildDatabasePath, removeRebuildDatabase } from './read-model-database.js';
import { swapInWorker } from './swap-worker.js';
import { nextTurn } from '../kernel/next-turn.js';

export interface ProjectionStatus extends Omit<ConsumerStatus, 'name'> {
  readonly name: string;
  readonly consumer: string;
  readonly version: number;
  readonly description: string;
  /** True while a catch-up pass (start-up, rebuild) brings it to the head, ahead of its runner. */
  readonly catchingUp: boolean;
  /** Where that pass stands; `position` and `lagEvents` are those of the rows served meanwhile. */
  readonly pass?: { readonly position: string; readonly lagEvents: number };
  /** Rows per table (left out on request: counting scans every table). */
  readonly tables?: Readonly<Record<string, number>>;
}

/**
 * In an instance that runs no subscriptions, a read that waits for a position looks at the
 * checkpoints the instance running the projections stores in the shared read-model file when
 * that file's WAL changes (the other instance committed; WalWatch), and at least this often.
 */
export const STORED_CHECKPOINT_POLL_MS = 25;
/** A bound on the looks of one wait: far more than its changes and polls can bring within WAIT_FOR_POSITION_MS_MAX. */
const STORED_CHECKPOINT_CHECKS_MAX = 100_000;

export interface StatusOptions {
  /** Count each table's rows (default true). */
  readonly rows?: boolean;
}

/** A projection's runner waits at its gate while a catch-up pass writes its rows. */
interface Gate {
  readonly opened: Promise<void>;
  readonly open: () => void;
}

interface CatchUpPass {
  readonly names: readonly string[];
  /** Where it writes: the served read models, or a scratch file swapped in for them at the end. */
  readonly engine: ProjectionEngine;
  stopping: boolean;
  done: Promise<void>;
  /** A rebuild queued behind the start-up pass: ends its wait when it is dropped. */
  drop?: () => void;
}

function closedGate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Resolves true when `promise` settles within `waitMs`, false otherwise (the timer is cleared either way). */
function settlesWithin(promise: Promise<unknown>, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * The projections' runners on the subscription runner, plus the catch-up pass and rebuild.
 *
 * A projection far behind the head (a new read-model database at start-up, a rebuild) is not
 * left to its runner: one pass over $all feeds every such projection, page by page, one
 * transaction per page (ProjectionEngine.catchUp), while their runners wait at a gate; then the
 * runners go on live from the checkpoints the pass stored. Tables never filled are built beside
 * (below) and swapped in whole; partly filled ones are caught up in place. If the pass fails (an
 * event a projection cannot handle), what it committed stays (or is swapped in) and the runners
 * take over, with their event-by-event retries and dead letters.
 *
 * Rebuild: the same kind of pass builds the projections' tables in a scratch file beside the
 * read-model file, while the runners keep the served tables current. At the head of $all the
 * runners stop, the pass takes the last events, one transaction replaces the served tables and
 * checkpoints with the rebuilt ones, and the runners go on from there: readers never see a
 * partly rebuilt table. If an event fails the pass, what it built up to its last commit
 * is swapped in and the runners take over from there, as after a start-up pass.
 *
 * In an instance that serves HTTP only (RUN_SUBSCRIPTIONS=false) the runners never start: another
 * process on the same data directory runs them. Positions are then the checkpoints that process
 * stores with the rows (a stopped runner's status reads them too), and a rebuild is refused:
 * swapping the tables under the projections running there, which go on from where they were,
 * would skip or repeat events.
 */
export class ProjectionRunners {
  private readonly runners = new Map<string, SubscriptionRunner>();
  private readonly gates = new Map<string, Gate>();
  private pass?: CatchUpPass;
  private rebuildPass?: CatchUpPass;
  /** Shutting down: a rebuild swapping in leaves its runners stopped. */
  private closing = false;
  private startUp?: 'pending' | 'begun';
  /** Rebuilds (and the start-up pass) run one at a time: two overlapping resets of one projection would race its runner. */
  private rebuilding: Promise<unknown> = Promise.resolve();
  /** Without runners here: the read-model file's WAL, watched while reads wait for stored checkpoints. */
  private readonly readModelWatch: WalWatch | undefined;
  private readonly storedCheckpointWaiters = new ChangeWaiters();

  constructor(
    readonly engine: ProjectionEngine,
    register: (consumer: CheckpointedConsumer) => SubscriptionRunner,
    private readonly store: EventStore,
    private readonly logger: Logger = silentLogger,
    private readonly runsHere = true,
  ) {
    for (const projection of engine.projections) {
      this.runners.set(projection.name, register(new ProjectionConsumer(engine, projection.name, (name) => this.ready(name))));
    }
    this.readModelWatch = runsHere || engine.db.memory ? undefined : new WalWatch(engine.db.name, () => this.storedCheckpointWaiters.wakeAll());
    // Scratch files left by a crash (only here: an HTTP-only instance's neighbour may be building in them).
    if (runsHere && !engine.db.memory) for (const purpose of REBUILD_PURPOSES) removeRebuildDatabase(rebuildDatabasePath(engine.db, purpose));
  }

  names(): string[] {
    return [...this.runners.keys()];
  }

  runner(name: string): SubscriptionRunner {
    const runner = this.runners.get(name);
    if (!runner) throw notFound('PROJECTION_NOT_FOUND', `no projection ${name}`, { projection: name, known: this.names() });
    return runner;
  }

  async status(name: string, options: StatusOptions = {}): Promise<ProjectionStatus> {
    const projection = this.engine.projection(name)!;
    const { name: consumer, ...status } = await this.runner(name).status();
    const gated = this.gates.has(name);
    // A runner may wait at its gate for the pass after this one (tables never filled, built beside after those caught up in place).
    const pass = gated ? (this.pass?.names.includes(name) ? this.pass : undefined) : this.rebuildPass?.names.includes(name) ? this.rebuildPass : undefined;
    // What reads see: a runner waiting at its gate has served what the stored checkpoint says.
    const position = gated ? this.checkpoint(name) : BigInt(status.position);
    // A pass building beside the served rows is ahead of them until it is swapped in.
    const passPosition = pass ? this.checkpoint(name, pass.engine) : undefined;
    const lagEvents = gated ? await this.store.countEventsAfter(position, LAG_EVENTS_COUNTED_MAX) : status.lagEvents;
    // A pass writing in place stands where the served rows do: its lag is the one just counted.
    const passStatus =
      passPosition === undefined
        ? undefined
        : {
            position: passPosition.toString(),
            lagEvents: passPosition === position ? lagEvents : await this.store.countEventsAfter(passPosition, LAG_EVENTS_COUNTED_MAX),
          };
    return {
      name,
      consumer,
      version: projection.version,
      description: projection.description,
      ...status,
      position: position.toString(),
      lagEvents,
      catchingUp: gated || pass !== undefined,
      ...(passStatus ? { pass: passStatus } : {}),
      ...(options.rows === false ? {} : { tables: this.engine.rowCounts(name) }),
    };
  }

  async statuses(options: StatusOptions = {}): Promise<ProjectionStatus[]> {
    return Promise.all(this.names().map((name) => this.status(name, options)));
  }

  /** Resolves true once every named projection has handled `position`; false after the bounded wait. */
  async waitForPosition(names: readonly string[], position: bigint, waitMs: number): Promise<boolean> {
    const boundedMs = Math.min(Math.max(waitMs, 0), WAIT_FOR_POSITION_MS_MAX);
    if (!this.runsHere) return this.storedCheckpointsReach(names, position, boundedMs);
    const startedMs = performance.now();
    const gates = names.flatMap((name) => this.gates.get(name)?.opened ?? []);
    if (gates.length > 0 && !(await settlesWithin(Promise.all(gates), boundedMs))) {
      return names.every((name) => this.checkpoint(name) >= position);
    }
    const remainingMs = Math.max(0, boundedMs - (performance.now() - startedMs));
    const results = await Promise.all(names.map((name) => this.runner(name).waitForPosition(position, remainingMs)));
    return results.every(Boolean);
  }

  /** Looks at the stored checkpoints (written by the process that runs the projections) at each change of the file, until they reach `position`, for at most `waitMs`. */
  private async storedCheckpointsReach(names: readonly string[], position: bigint, waitMs: number): Promise<boolean> {
    const deadlineMs = performance.now() + waitMs;
    for (let check = 0; check < STORED_CHECKPOINT_CHECKS_MAX; check += 1) {
      if (names.every((name) => this.checkpoint(name) >= position)) return true;
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) break;
      await this.storedCheckpointChange(Math.min(STORED_CHECKPOINT_POLL_MS, leftMs));
    }
    return names.every((name) => this.checkpoint(name) >= position);
  }

  /** Resolves when the read-model file's WAL changes, or after `waitMs`. */
  private storedCheckpointChange(waitMs: number): Promise<void> {
    this.readModelWatch?.start();
    return this.storedCheckpointWaiters.wait(waitMs);
  }

  /** The event store's head position, as the named projections' runners see it. */
  async headPosition(names: readonly string[]): Promise<bigint> {
    return BigInt((await this.runner(names[0]!).status()).headPosition);
  }

  /** The lowest position the named projections have all reached (-1 when none). */
  async position(names: readonly string[]): Promise<bigint> {
    const positions = await Promise.all(
      names.map(async (name) => (this.gates.has(name) || !this.runsHere ? this.checkpoint(name) : BigInt((await this.runner(name).status()).position))),
    );
    return positions.reduce((lowest, position) => (position < lowest ? position : lowest), BigInt(Number.MAX_SAFE_INTEGER));
  }

  rebuild(names: readonly string[]): Promise<ProjectionStatus[]> {
    for (const name of names) this.runner(name);
    if (!this.runsHere) {
      return Promise.reject(
        conflict(
          'CONSUMER_NOT_RUNNING',
          'this instance runs no subscriptions (RUN_SUBSCRIPTIONS=false): send the rebuild to the instance that runs the projections',
          { projections: [...names] },
        ),
      );
    }
    const run = this.rebuilding.then(() => this.rebuildNow(names));
    this.rebuilding = run.catch(() => undefined);
    return run;
  }

  /** Resolves once no rebuild is building: the last one asked for was swapped in (or dropped). */
  async whenRebuilt(): Promise<void> {
    await this.rebuilding;
    for (let rebuild = this.rebuildPass; rebuild !== undefined; rebuild = this.rebuildPass) await rebuild.done;
  }

  /** Stops watching the read-model file (an instance without runners), before the database closes. */
  close(): void {
    this.readModelWatch?.stop();
  }

  /**
   * Shutdown: ends a running catch-up pass at its next page (its runners go on from the stored
   * checkpoints at the next start) and drops a rebuild still building (the served tables stay).
   */
  async stopCatchUp(): Promise<void> {
    this.closing = true;
    await this.dropRebuild();
    const pass = this.pass;
    if (!pass) return;
    pass.stopping = true;
    await pass.done;
  }

  /** Ends a rebuild at its next page, without swapping it in (a swap already begun completes). */
  private async dropRebuild(): Promise<void> {
    const rebuild = this.rebuildPass;
    if (!rebuild) return;
    rebuild.stopping = true;
    rebuild.drop?.();
    await rebuild.done;
  }

  /**
   * The gate of a projection's runner. The first runner to start schedules the start-up pass for
   * every runner started in the same turn (the registry starts them all at once).
   */
  private ready(name: string): Promise<void> {
    if (this.startUp === undefined) {
      this.startUp = 'pending';
      this.rebuilding = this.rebuilding.then(nextTurn).then(() => {
        this.startUp = 'begun';
        this.beginCatchUp([...this.gates.keys()]);
      });
    }
    if (this.startUp === 'pending' && !this.gates.has(name)) this.gates.set(name, closedGate());
    return this.gates.get(name)?.opened ?? Promise.resolve();
  }

  /**
   * Tables never filled (a new read-model file, a new version of a projection) are built in a
   * scratch file and swapped in whole, which costs less than filling the WAL-mode file page by
   * page, and queries never see them partly filled; tables already filled, or partly (a crash
   * during a pass), are caught up in place. When a start-up has both, those in place go first,
   * then the new ones are built beside (their runners wait at their gates until the swap).
   */
  private beginCatchUp(names: readonly string[]): void {
    if (names.length === 0) return;
    for (const name of names) if (!this.gates.has(name)) this.gates.set(name, closedGate());
    const never = this.engine.db.memory ? [] : names.filter((name) => this.engine.loadCheckpoint(name) === 'start');
    if (never.length > 0 && never.length < names.length) {
      this.beginCatchUp(names.filter((name) => !never.includes(name)));
      const inPlace = this.pass!;
      inPlace.done = inPlace.done.then(() => {
        // A shutdown during the first pass: the new tables' runners go on (and stop) as after any stopped pass.
        if (this.closing) return this.openGates(never);
        this.beginCatchUp(never);
        return this.pass?.done;
      });
      return;
    }
    const fresh = never.length === names.length;
    let engine = this.engine;
    if (fresh) {
      try {
        engine = this.openBeside(names, 'catch-up');
      } catch (error) {
        this.logger.warn(`catch-up of ${names.join(', ')} in place: no scratch file (${errorMessage(error)})`);
      }
    }
    const pass: CatchUpPass = { names, engine, stopping: false, done: Promise.resolve() };
    const startedMs = performance.now();
    const caughtUp =
      engine === this.engine
        ? this.engine.catchUp(this.store, names, { stopped: () => pass.stopping, yieldBetweenPages: true }).catch((error: unknown) => {
            this.logger.warn(`catch-up of ${names.join(', ')} stopped at the last committed page (${errorMessage(error)}); the runners go on from there`);
            return undefined;
          })
        : this.buildAndSwap(pass, 'catch-up');
    pass.done = caughtUp
      .then((events) => {
        if (events !== undefined) this.logger.log(`catch-up of ${names.join(', ')}: ${events} events in ${Math.round(performance.now() - startedMs)} ms`);
      })
      .catch((error: unknown) => this.logger.error(`catch-up of ${names.join(', ')} failed: ${errorMessage(error)}`))
      .finally(() => {
        if (this.pass === pass) this.pass = undefined;
        this.openGates(names);
      });
    this.pass = pass;
  }

  private openGates(names: readonly string[]): void {
    for (const name of names) {
      this.gates.get(name)?.open();
      this.gates.delete(name);
    }
  }

  private async rebuildNow(names: readonly string[]): Promise<ProjectionStatus[]> {
    // A rebuild still building is dropped; its projections join this one.
    const carried = this.rebuildPass?.names ?? [];
    await this.dropRebuild();
    const rebuilt = [...new Set([...names, ...carried])];
    let engine: ProjectionEngine;
    try {
      engine = this.openBeside(rebuilt, 'rebuild');
    } catch (error) {
      throw new DomainError('unavailable', 'REBUILD_FAILED', `the rebuild could not start, nothing changed: ${errorMessage(error)}`);
    }
    const rebuild: CatchUpPass = { names: rebuilt, engine, stopping: false, done: Promise.resolve() };
    const dropped = new Promise<void>((resolve) => (rebuild.drop = resolve));
    // After a start-up pass still running (it writes these tables), unless dropped first.
    rebuild.done = Promise.race([this.pass?.done ?? Promise.resolve(), dropped])
      .then(() => this.buildAndSwap(rebuild, 'rebuild'))
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error(`rebuild of ${rebuilt.join(', ')} failed: ${errorMessage(error)}`));
    this.rebuildPass = rebuild;
    return Promise.all(names.map((name) => this.status(name)));
  }

  /** A new scratch file holding the named projections' tables, for a pass that builds beside the served rows. */
  private openBeside(names: readonly string[], purpose: RebuildPurpose): ProjectionEngine {
    const path = rebuildDatabasePath(this.engine.db, purpose);
    const db = openRebuildDatabase(path);
    try {
      // Nothing reads the scratch file before the swap: its rows are written when many are held, not at every page.
      return new ProjectionEngine(
        db,
        names.map((name) => this.engine.projection(name)!),
        { holdRowsAcrossPages: true },
      );
    } catch (error) {
      db.close();
      removeRebuildDatabase(path);
      throw error;
    }
  }

  /**
   * Builds a pass's tables in its scratch file to the head of $all, page by page (the event loop
   * turns between pages), then swaps them in: the runners writing the file stop (those of the
   * pass, when it is a start-up pass, wait at their gates), the pass takes the events appended
   * since its last page, one transaction replaces the served tables, the runners go on. Dropped
   * before the swap (a newer rebuild, a shutdown), it changes nothing served. Its file is deleted
   * either way. Resolves with the events built (undefined when dropped).
   */
  private async buildAndSwap(pass: CatchUpPass, purpose: RebuildPurpose): Promise<number | undefined> {
    const startedMs = performance.now();
    const names = pass.names;
    const label = `${purpose} of ${names.join(', ')}`;
    let failure: unknown;
    let events = 0;
    try {
      try {
        events = await pass.engine.catchUp(this.store, names, { stopped: () => pass.stopping, yieldBetweenPages: true });
      } catch (error) {
        failure = error;
      }
      if (pass.stopping) {
        this.logger.log(`${label} dropped before it was swapped in; the served tables are unchanged`);
        return undefined;
      }
      // A start-up pass over an empty store: the new tables are as empty as the served ones.
      if (purpose === 'catch-up' && events === 0 && failure === undefined) return events;
      // Every runner not at a gate stops: nothing else may write the file while the swap holds it.
      const paused = this.names().filter((name) => !this.gates.has(name));
      const wasRunning = paused.map((name) => this.runner(name).started);
      await Promise.all(paused.map((name) => this.runner(name).stop()));
      try {
        // The events appended since its last page, now that nothing else writes these projections' rows.
        if (failure === undefined) events += await pass.engine.catchUp(this.store, names).catch((error: unknown) => ((failure = error), 0));
        const swapStartedMs = performance.now();
        // An in-memory read model (tests) has no file another connection could open.
        if (this.engine.db.memory) this.engine.replaceWith(pass.engine, names);
        else await swapInWorker(this.engine, pass.engine, names);
        this.logger.log(`${label}: built in ${Math.round(swapStartedMs - startedMs)} ms, swapped in in ${Math.round(performance.now() - swapStartedMs)} ms`);
        if (failure !== undefined) {
          this.logger.warn(
            `${label} stopped at an event it could not apply (${errorMessage(failure)}): swapped in up to its last commit; the runners go on from there`,
          );
        }
      } catch (error) {
        this.logger.error(`${label} not swapped in, the served tables are unchanged: ${errorMessage(error)}`);
      } finally {
        if (!this.closing) paused.forEach((name, index) => wasRunning[index] && this.runner(name).start());
      }
      return events;
    } finally {
      if (this.rebuildPass === pass) this.rebuildPass = undefined;
      pass.engine.db.close();
      removeRebuildDatabase(pass.engine.db.name);
    }
  }

  private checkpoint(name: string, engine: ProjectionEngine = this.engine): bigint {
    const checkpoint = engine.loadCheckpoint(name);
    return checkpoint === 'start' ? -1n : checkpoint;
  }
}
