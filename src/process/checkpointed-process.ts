import { Logger, OnModuleInit } from '@nestjs/common';
import type { CheckpointedConsumer, WindowProgress } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent, SubscriptionFilter } from '../event-store/event-store.port.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import type { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { DomainError } from '../kernel/errors.js';
import type { ProcessRefusalMetrics } from './process-refusal-metrics.js';

/**
 * Refusals no retry can change: recorded (recordRefusal) and counted, rather than blocking every
 * later trigger. Other errors (conflict, unavailable, a busy store) are transient and retried by
 * the subscription runner; anything else parks the trigger as a dead letter after its attempts.
 */
const DETERMINISTIC_REFUSALS: ReadonlySet<DomainError['kind']> = new Set(['business_rule', 'not_found', 'validation', 'forbidden']);

export function isDeterministicRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && DETERMINISTIC_REFUSALS.has(error.kind);
}

/** Reactions running at the same time, over every admitted batch. */
export const REACTIONS_IN_FLIGHT_MAX = 128;
/**
 * Triggers (and batch ends) admitted and not yet under the stored checkpoint: the sliding window.
 * The next batch waits for room, so a slow chain at the window's start holds up admission only
 * once this many later triggers wait behind it; it also bounds what a crash replays.
 */
export const WINDOW_ENTRIES_MAX = 2_000;
/**
 * Finished triggers whose checkpoint may wait for the next turn of the event loop: the checkpoint
 * is stored at most once a turn (a catch-up settles whole batches in one turn), and at once when
 * this many finished triggers wait, when the window is idle and when the runner stops. A crash
 * replays at most this many finished triggers more than the window's (WINDOW_ENTRIES_MAX).
 */
export const CHECKPOINT_UNSAVED_TRIGGERS_MAX = 256;
/** The ordering key of a process whose reactions all wait for each other, in $all order. */
export const ONE_AT_A_TIME = '$all';

/**
 * The skeleton every process manager shares: a checkpointed subscription to $all that reacts to
 * each trigger with commands (carrying an idempotency key derived from the trigger, see
 * process-context.ts) and stores its checkpoint only after the reactions succeeded. A crash before
 * the checkpoint replays the triggers, and the replay writes nothing new. A follow-up command the
 * domain refuses is never only logged: the process records it where it belongs (recordRefusal)
 * and counts it in bela_process_refusals_total.
 *
 * Triggers are handled at the store's rate: reactions whose ordering keys differ run at the same
 * time (their appends then share the store's group commits), and a reaction starts only after
 * every earlier reaction that shares one of its keys has finished, so the commands sent to any one
 * stream keep the order of their triggers in $all. The runner admits batch after batch into a
 * sliding window (admitBatch) without waiting for the slowest chain of the previous one; the
 * checkpoint follows the window's start: the last position before the lowest unfinished trigger.
 * When a reaction fails, the later reactions on its keys are skipped, admission stops, what is in
 * flight finishes, and the checkpoint stays before the failed trigger; the runner resumes from it
 * (the later reactions that succeeded run again, as no-ops). handleBatch handles one batch whole,
 * for the runner's event-by-event narrowing of a failure and for dead-letter retries.
 */
export abstract class CheckpointedProcess implements CheckpointedConsumer, OnModuleInit {
  abstract readonly name: string;
  abstract readonly filter: SubscriptionFilter;
  /** The process's short name in its idempotency keys and in the refusal metric. */
  protected abstract readonly process: string;
  private log?: Logger;
  /** The sliding window, in $all order: admitted triggers and batch ends, up to the first unfinished one. */
  private window: WindowEntry[] = [];
  private readonly slots = new Slots(REACTIONS_IN_FLIGHT_MAX);
  /** Each key's latest admitted reaction, dropped once it settles. */
  private readonly latestByKey = new Map<string, Promise<void>>();
  private reactionsInFlight = 0;
  /** The lowest failed trigger since the window was last reset. */
  private failure?: { readonly position: bigint; readonly error: unknown };
  private readonly waiters = new Set<{ readonly ready: () => boolean; readonly resolve: () => void }>();
  private progress?: WindowProgress;
  /** The window's handled prefix not yet stored: its last position and the triggers in it. */
  private unsaved?: { position: bigint; triggers: number };
  /** A checkpoint was stored in this turn of the event loop: later ones wait for the next turn. */
  private savedThisTurn = false;

  protected constructor(
    private readonly subscriptions: SubscriptionRegistry,
    private readonly checkpoints: SqliteCheckpointStore,
    private readonly refusals: ProcessRefusalMetrics,
  ) {}

  protected get logger(): Logger {
    this.log ??= new Logger(this.name);
    return this.log;
  }

  onModuleInit(): void {
    this.subscriptions.register(this);
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.checkpoints.load(this.name);
  }

  async admitBatch(events: readonly RecordedEvent[], checkpoint: bigint, progress: WindowProgress): Promise<void> {
    this.progress = progress;
    const keysOf = this.failure ? [] : await Promise.all(events.map((event) => this.orderingKeys(event)));
    await this.until(() => this.failure !== undefined || this.window.length === 0 || this.window.length + events.length < WINDOW_ENTRIES_MAX);
    if (this.failure) {
      await this.idle();
      const { error } = this.failure;
      // The checkpoint already stands before the failed trigger; the runner resumes from it.
      this.window = [];
      this.failure = undefined;
      throw error;
    }
    events.forEach((event, index) => this.admit(event, keysOf[index]!));
    const last = this.window[this.window.length - 1];
    if (!last || last.position < checkpoint) this.window.push({ position: checkpoint, trigger: false, done: true });
    this.slideWindow();
  }

  /** Resolves once nothing is in flight, with the checkpoint stored up to what was handled. */
  async idle(): Promise<void> {
    await this.until(() => this.reactionsInFlight === 0);
    this.saveUnsaved();
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.saveUnsaved();
    const outcomes = await this.reactInOrder(events);
    const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    if (failed < 0) {
      this.storeCheckpoint(checkpoint);
      return;
    }
    const handledUpTo = failed > 0 ? events[failed - 1]!.position : undefined;
    // A dead letter's retry passes the stored checkpoint, which must never move back.
    if (handledUpTo !== undefined && handledUpTo <= checkpoint) this.storeCheckpoint(handledUpTo);
    throw (outcomes[failed] as PromiseRejectedResult).reason;
  }

  /**
   * The keys a reaction to `trigger` must keep its place under: the streams its commands write to
   * and the aggregate it concerns. By default one key for all, so every reaction waits for the
   * previous one (for processes whose own index must be read at the trigger).
   */
  protected orderingKeys(_trigger: RecordedEvent): readonly string[] | Promise<readonly string[]> {
    return [ONE_AT_A_TIME];
  }

  /** Issue the commands `trigger` calls for. Throwing a transient error retries from the checkpoint. */
  protected abstract react(trigger: RecordedEvent): Promise<void>;

  /**
   * Leave a durable trace of a refused follow-up command (an event on the affected aggregate).
   * Throwing instead makes the runner retry the trigger and then park it as a dead letter, which
   * is the trace for refusals that have no aggregate of their own to be recorded on.
   */
  protected abstract recordRefusal(trigger: RecordedEvent, refusal: DomainError): Promise<void>;

  /** Starts `trigger`'s reaction once the earlier admitted reactions on its keys have finished. */
  private admit(trigger: RecordedEvent, keys: readonly string[]): void {
    const entry: WindowEntry = { position: trigger.position, trigger: true, done: false };
    this.window.push(entry);
    this.reactionsInFlight += 1;
    const before = keys.flatMap((key) => this.latestByKey.get(key) ?? []);
    // A failed earlier reaction fails the later ones on its keys without running them.
    const reaction = Promise.all(before).then(() => this.slots.run(() => this.reactOrSkip(trigger)));
    for (const key of keys) this.latestByKey.set(key, reaction);
    void reaction
      .then(
        () => {
          entry.done = true;
        },
        (error: unknown) => {
          if (!this.failure || trigger.position < this.failure.position) this.failure = { position: trigger.position, error };
          this.progress?.failed();
        },
      )
      .finally(() => {
        for (const key of keys) if (this.latestByKey.get(key) === reaction) this.latestByKey.delete(key);
        this.reactionsInFlight -= 1;
        this.slideWindow();
      });
  }

  /** Drops the finished start of the window and stores the checkpoint at its last position (at most once a turn, see CHECKPOINT_UNSAVED_TRIGGERS_MAX). */
  private slideWindow(): void {
    let handledCount = 0;
    let handledUpTo: bigint | undefined;
    while (this.window.length > 0 && this.window[0]!.done) {
      const entry = this.window.shift()!;
      handledUpTo = entry.position;
      if (entry.trigger) handledCount += 1;
    }
    if (handledUpTo !== undefined) {
      this.unsaved = { position: handledUpTo, triggers: (this.unsaved?.triggers ?? 0) + handledCount };
      if (!this.savedThisTurn || this.unsaved.triggers >= CHECKPOINT_UNSAVED_TRIGGERS_MAX) this.saveUnsaved();
    }
    for (const waiter of this.waiters) {
      if (!waiter.ready()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /**
   * Stores the handled prefix of the window and reports it to the runner; the next turn may store
   * again. A reaction that reads state of its process's own may call it first: with one reaction
   * at a time, the prefix is every trigger before its own.
   */
  protected saveUnsaved(): void {
    const unsaved = this.unsaved;
    if (unsaved === undefined) return;
    this.unsaved = undefined;
    this.storeCheckpoint(unsaved.position);
    this.progress?.handled(unsaved.position, unsaved.triggers);
    if (this.savedThisTurn) return;
    this.savedThisTurn = true;
    setImmediate(() => {
      this.savedThisTurn = false;
      this.saveUnsaved();
    });
  }

  /** Stores the checkpoint; a process keeping state of its own writes it in the same transaction. */
  protected storeCheckpoint(position: bigint): void {
    this.checkpoints.save(this.name, position);
  }

  private until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ ready, resolve }));
  }

  /** Every trigger's reaction, each started after the earlier ones it shares a key with; settled in $all order. */
  private async reactInOrder(events: readonly RecordedEvent[]): Promise<PromiseSettledResult<void>[]> {
    const keysOf = await Promise.all(events.map((event) => this.orderingKeys(event)));
    const slots = new Slots(REACTIONS_IN_FLIGHT_MAX);
    const latestByKey = new Map<string, Promise<void>>();
    const reactions = events.map((event, index) => {
      const keys = keysOf[index]!;
      const before = keys.flatMap((key) => latestByKey.get(key) ?? []);
      // A failed earlier reaction fails the later ones on its keys without running them.
      const reaction = Promise.all(before).then(() => slots.run(() => this.reactOrSkip(event)));
      for (const key of keys) latestByKey.set(key, reaction);
      return reaction;
    });
    return Promise.allSettled(reactions);
  }

  private async reactOrSkip(trigger: RecordedEvent): Promise<void> {
    try {
      await this.react(trigger);
    } catch (error) {
      if (!isDeterministicRefusal(error)) throw error;
      this.refusals.record(this.process, error.code);
      this.logger.warn(`${trigger.type} ${trigger.id}: the follow-up command was refused (${error.code}: ${error.message}); recording the refusal`);
      await this.recordRefusal(trigger, error);
    }
  }
}

interface WindowEntry {
  readonly position: bigint;
  /** False for a batch's end (its last position), done as soon as the triggers before it are. */
  readonly trigger: boolean;
  done: boolean;
}

/** At most `countMax` pieces of work at a time; the others wait in arrival order (at most a window of them). */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly countMax: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.countMax) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so `running` counts it throughout.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
