import { Logger } from '../kernel/logger.js';
import type { CatchUpProgress, CheckpointedConsumer, WindowProgress } from './checkpointed-consumer.js';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store.js';
import { EventStore, RecordedEvent, matchesFilter } from './event-store.port.js';
import { POISON_ATTEMPTS_MAX, POISON_RETRY_DELAY_MS_MAX, POISON_RETRY_DELAY_MS_MIN, PoisonEventError, errorMessage, isTransientFailure } from './poison.js';
import { nextTurn } from '../kernel/next-turn.js';

export const BATCH_EVENTS_MAX = 500;
export const RESTART_BACKOFF_MS_MIN = 100;
export const RESTART_BACKOFF_MS_MAX = 30_000;
export const WAIT_FOR_POSITION_MS_MAX = 30_000;
/** A consumer's lag is counted up to this many events (beyond it, "at least this many"). */
export const LAG_EVENTS_COUNTED_MAX = 10_000;

export interface ConsumerStatus {
  readonly name: string;
  readonly state: 'stopped' | 'running' | 'failing';
  /** Last position handled, -1 when none. */
  readonly position: string;
  readonly headPosition: string;
  /** Events in $all not yet handled, counted up to LAG_EVENTS_COUNTED_MAX. */
  readonly lagEvents: number;
  readonly eventsHandled: number;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
  /** Events this consumer parked that nobody has retried or dismissed yet. */
  readonly deadLettersOpen: number;
}

/** What re-running a dead letter through the consumer gave. */
export type RetryOutcome = { readonly handled: true } | { readonly handled: false; readonly error: string };

const IDLE = Symbol('idle');
const REACTION_FAILED = Symbol('reaction failed');

/**
 * Runs one checkpointed consumer: subscribe to $all from its checkpoint (catch-up, then live),
 * hand it batches, and on failure back off (bounded) and resume from the stored checkpoint.
 *
 * A transient failure (poison.ts) is retried that way for as long as it lasts. Any other failure
 * of a batch narrows it: the events are handled one by one, so the good ones are applied; the
 * event that keeps failing is tried POISON_ATTEMPTS_MAX times, then parked in the dead-letter
 * store, the checkpoint moves past it (an empty handleBatch) and the consumer goes on.
 *
 * A consumer with a sliding window (admitBatch: the process managers) is handed the next batch
 * as soon as it admitted the previous one, and reports its checkpoint as it moves. When one of
 * its reactions fails, the runner resumes from the stored checkpoint (before the failure) and
 * hands over batches whole, as above, until it is past the batches admitted before the failure.
 */
export class SubscriptionRunner {
  private running = false;
  private loop?: Promise<void>;
  private stopCurrent?: () => Promise<void>;
  private wakeBackoff?: () => void;
  private position = -1n;
  private eventsHandled = 0;
  private lastError?: string;
  private consecutiveFailures = 0;
  private parkedTotal = 0;
  /** Batches and dead-letter retries run one at a time, so a retry never stores a checkpoint behind the runner's. */
  private exclusive: Promise<unknown> = Promise.resolve();
  /** After a failure in a consumer's sliding window: batches up to here are handled whole, so the failure is narrowed as always. */
  private windowResumesAfter = -1n;
  /** The last checkpoint passed to the consumer's admitBatch in the current subscription. */
  private admittedUpTo?: bigint;
  private reactionFailed: Promise<typeof REACTION_FAILED> = new Promise(() => undefined);
  private readonly progress: WindowProgress = {
    handled: (position, events) => this.advance(position, events),
    failed: () => this.onReactionFailed?.(),
  };
  private readonly catchUpProgress: CatchUpProgress = {
    handled: (position, events) => this.advance(position, events),
    stopped: () => !this.running,
  };
  private onReactionFailed?: () => void;
  private readonly positionWaiters = new Set<{ target: bigint; resolve: () => void }>();

  constructor(
    private readonly store: EventStore,
    readonly consumer: CheckpointedConsumer,
    private readonly logger: Logger,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  /** Events parked since this process started (the metric's counter). */
  get eventsParked(): number {
    return this.parkedTotal;
  }

  /** Started and not stopped since (its state may still be failing). */
  get started(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeBackoff?.();
    await this.stopCurrent?.();
    await this.loop;
  }

  /**
   * A running consumer's position is the one it reached; a stopped one's is its stored checkpoint
   * (where it would resume, and in an instance with RUN_SUBSCRIPTIONS=false where the instance
   * that runs it got to).
   */
  async status(): Promise<ConsumerStatus> {
    const head = await this.store.headPosition();
    const stored = this.running ? undefined : await this.consumer.loadCheckpoint();
    const position = stored === undefined ? this.position : stored === 'start' ? -1n : stored;
    // Counted by the store: EventStoreDB's positions are byte offsets, not event numbers.
    const lag = head > position ? await this.store.countEventsAfter(position, LAG_EVENTS_COUNTED_MAX) : 0;
    return {
      name: this.consumer.name,
      state: !this.running ? 'stopped' : this.consecutiveFailures > 0 ? 'failing' : 'running',
      position: position.toString(),
      headPosition: head.toString(),
      lagEvents: lag,
      eventsHandled: this.eventsHandled,
      consecutiveFailures: this.consecutiveFailures,
      deadLettersOpen: this.deadLetters.openCounts().get(this.consumer.name) ?? 0,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Resolves true once the consumer has handled `target`, false after the bounded wait. */
  waitForPosition(target: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position >= target) return Promise.resolve(true);
    const boundedMs = Math.min(Math.max(timeoutMs, 0), WAIT_FOR_POSITION_MS_MAX);
    return new Promise((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          this.positionWaiters.delete(waiter);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.positionWaiters.delete(waiter);
        resolve(false);
      }, boundedMs);
      this.positionWaiters.add(waiter);
    });
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.consumeFromCheckpoint();
        this.consecutiveFailures = 0;
      } catch (error) {
        this.consecutiveFailures += 1;
        this.lastError = errorMessage(error);
        const delayMs = Math.min(RESTART_BACKOFF_MS_MIN * 2 ** (this.consecutiveFailures - 1), RESTART_BACKOFF_MS_MAX);
        this.logger.error(`${this.consumer.name} failed (${this.consecutiveFailures}x), resuming in ${delayMs} ms: ${this.lastError}`);
        await this.backoff(delayMs);
      }
    }
  }

  private async consumeFromCheckpoint(): Promise<void> {
    await this.consumer.prepare?.();
    if (this.consumer.catchUp) await this.runExclusive(() => this.consumer.catchUp!(this.store, this.catchUpProgress));
    const checkpoint = await this.consumer.loadCheckpoint();
    this.position = checkpoint === 'start' ? -1n : checkpoint;
    // The stored checkpoint may be past what this runner handled (a rebuild swapped in).
    this.resolveWaiters();
    const subscription = this.store.subscribeToAll({ fromPosition: checkpoint });
    this.stopCurrent = () => subscription.unsubscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<RecordedEvent>> | undefined;
    this.admittedUpTo = undefined;
    this.armReactionFailed();
    try {
      while (this.running) {
        pending ??= iterator.next();
        // A failure in the consumer's window is taken up at once, not only when the next event comes.
        const first = await Promise.race([pending, this.reactionFailed]);
        if (first === REACTION_FAILED) {
          if (this.admittedUpTo === undefined || !(await this.runExclusive(() => this.admit([], this.admittedUpTo!)))) return;
          this.armReactionFailed();
          continue;
        }
        pending = undefined;
        if (first.done) return;
        const batch: RecordedEvent[] = [first.value];
        let done = false;
        // Take what is already available (what the iterator hands out within this turn of the
        // event loop), without waiting for more: one turn marker for the whole batch.
        const turnEnded = new Promise<typeof IDLE>((resolve) => setImmediate(resolve, IDLE));
        while (batch.length < BATCH_EVENTS_MAX) {
          pending = iterator.next();
          const next = await Promise.race([pending, turnEnded]);
          if (next === IDLE) break;
          pending = undefined;
          if (next.done) {
            done = true;
            break;
          }
          batch.push(next.value);
        }
        if (!(await this.handle(batch))) return;
        if (done) return;
        // A catch-up is a chain of already-resolved promises: without a turn of the event loop
        // between batches it would starve HTTP (even app.listen) until the whole backlog is handled.
        await nextTurn();
      }
    } finally {
      this.stopCurrent = undefined;
      await this.consumer.idle?.();
      await subscription.unsubscribe();
    }
  }

  /**
   * Re-runs a parked event through the consumer's handler, between two of the runner's batches.
   * The consumer's stored checkpoint is passed unchanged: the retry applies the event's effect and
   * never moves the checkpoint back.
   */
  retry(event: RecordedEvent): Promise<RetryOutcome> {
    return this.runExclusive(async () => {
      await this.consumer.prepare?.();
      await this.consumer.idle?.();
      const stored = await this.consumer.loadCheckpoint();
      try {
        await this.consumer.handleBatch([event], stored === 'start' ? event.position : stored);
        return { handled: true };
      } catch (error) {
        return { handled: false, error: errorMessage(error) };
      }
    });
  }

  /**
   * False when the runner must resume from the stored checkpoint: it was stopped before the batch
   * was done, or a reaction in the consumer's window failed.
   */
  private handle(batch: readonly RecordedEvent[]): Promise<boolean> {
    return this.runExclusive(async () => {
      const checkpoint = batch[batch.length - 1]!.position;
      const matching = this.consumer.filter ? batch.filter((event) => matchesFilter(event, this.consumer.filter)) : batch;
      if (this.consumer.admitBatch && batch[0]!.position > this.windowResumesAfter) return this.admit(matching, checkpoint);
      try {
        await this.consumer.handleBatch(matching, checkpoint);
      } catch (error) {
        if (isTransientFailure(error) || matching.length === 0 || this.consumer.parksPoisonEvents === false) throw error;
        this.logger.warn(`${this.consumer.name}: a batch of ${matching.length} failed (${errorMessage(error)}); handling it event by event`);
        // A consumer that checkpoints per event (a process manager) has already handled the events before the failure.
        const stored = await this.consumer.loadCheckpoint();
        for (const event of matching) {
          if (stored !== 'start' && event.position <= stored) continue;
          if (!(await this.handleAlone(event))) return false;
        }
        await this.consumer.handleBatch([], checkpoint);
      }
      this.advance(checkpoint, matching.length);
      return true;
    });
  }

  /** Into the consumer's window; false when a reaction failed (the checkpoint stands before it). */
  private async admit(matching: readonly RecordedEvent[], checkpoint: bigint): Promise<boolean> {
    try {
      await this.consumer.admitBatch!(matching, checkpoint, this.progress);
      this.admittedUpTo = checkpoint;
      return true;
    } catch (error) {
      if (isTransientFailure(error) || this.consumer.parksPoisonEvents === false) throw error;
      this.logger.warn(`${this.consumer.name}: a reaction failed (${errorMessage(error)}); resuming from the checkpoint before it, a batch at a time`);
      this.windowResumesAfter = this.admittedUpTo !== undefined && this.admittedUpTo > checkpoint ? this.admittedUpTo : checkpoint;
      return false;
    }
  }

  private armReactionFailed(): void {
    this.reactionFailed = new Promise((resolve) => (this.onReactionFailed = () => resolve(REACTION_FAILED)));
  }

  /** One event, up to POISON_ATTEMPTS_MAX times, then parked. False when stopped meanwhile. */
  private async handleAlone(event: RecordedEvent): Promise<boolean> {
    const failedAt: Date[] = [];
    let lastError = '';
    for (let attempt = 1; attempt <= POISON_ATTEMPTS_MAX; attempt += 1) {
      try {
        await this.consumer.handleBatch([event], event.position);
        this.advance(event.position, 0);
        return true;
      } catch (error) {
        if (isTransientFailure(error)) throw error;
        failedAt.push(new Date());
        lastError = errorMessage(error);
        this.consecutiveFailures += 1;
        this.lastError = lastError;
        if (error instanceof PoisonEventError) break;
      }
      if (attempt < POISON_ATTEMPTS_MAX) await this.backoff(Math.min(POISON_RETRY_DELAY_MS_MIN * 2 ** (attempt - 1), POISON_RETRY_DELAY_MS_MAX));
      if (!this.running) return false;
    }
    const parked = this.deadLetters.park({
      consumer: this.consumer.name,
      event,
      error: lastError,
      attempts: failedAt.length,
      firstFailedAt: failedAt[0]!,
      lastFailedAt: failedAt[failedAt.length - 1]!,
    });
    await this.consumer.handleBatch([], event.position);
    this.parkedTotal += 1;
    this.advance(event.position, 0);
    this.logParked(parked);
    return true;
  }

  private logParked(parked: DeadLetter): void {
    this.logger.error(
      `${this.consumer.name}: parked ${parked.eventType} ${parked.eventId} at position ${parked.position} as dead letter ${parked.id} after ${parked.attempts} attempts: ${parked.error}`,
    );
  }

  private advance(checkpoint: bigint, handled: number): void {
    this.position = checkpoint;
    this.eventsHandled += handled;
    this.consecutiveFailures = 0;
    this.resolveWaiters();
  }

  private resolveWaiters(): void {
    for (const waiter of this.positionWaiters) if (waiter.target <= this.position) waiter.resolve();
  }

  private runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private backoff(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.wakeBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
