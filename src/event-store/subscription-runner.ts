import { Logger } from '../kernel/logger.js';
import type { CheckpointedConsumer } from './checkpointed-consumer.js';
import { EventStore, RecordedEvent, matchesFilter } from './event-store.port.js';

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
}

const IDLE = Symbol('idle');

/**
 * Runs one checkpointed consumer: subscribe to $all from its checkpoint (catch-up, then live),
 * hand it batches, and on failure back off (bounded) and resume from the stored checkpoint.
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
  private readonly positionWaiters = new Set<{ target: bigint; resolve: () => void }>();

  constructor(
    private readonly store: EventStore,
    readonly consumer: CheckpointedConsumer,
    private readonly logger: Logger,
  ) {}

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

  async status(): Promise<ConsumerStatus> {
    const head = await this.store.headPosition();
    // Counted by the store: EventStoreDB's positions are byte offsets, not event numbers.
    const lag = head > this.position ? await this.store.countEventsAfter(this.position, LAG_EVENTS_COUNTED_MAX) : 0;
    return {
      name: this.consumer.name,
      state: !this.running ? 'stopped' : this.consecutiveFailures > 0 ? 'failing' : 'running',
      position: this.position.toString(),
      headPosition: head.toString(),
      lagEvents: lag,
      eventsHandled: this.eventsHandled,
      consecutiveFailures: this.consecutiveFailures,
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
        this.lastError = error instanceof Error ? error.message : String(error);
        const delayMs = Math.min(RESTART_BACKOFF_MS_MIN * 2 ** (this.consecutiveFailures - 1), RESTART_BACKOFF_MS_MAX);
        this.logger.error(`${this.consumer.name} failed (${this.consecutiveFailures}x), resuming in ${delayMs} ms: ${this.lastError}`);
        await this.backoff(delayMs);
      }
    }
  }

  private async consumeFromCheckpoint(): Promise<void> {
    const checkpoint = await this.consumer.loadCheckpoint();
    this.position = checkpoint === 'start' ? -1n : checkpoint;
    const subscription = this.store.subscribeToAll({ fromPosition: checkpoint });
    this.stopCurrent = () => subscription.unsubscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<RecordedEvent>> | undefined;
    try {
      while (this.running) {
        const first = await (pending ?? iterator.next());
        pending = undefined;
        if (first.done) return;
        const batch: RecordedEvent[] = [first.value];
        let done = false;
        // Take what is already available, without waiting for more.
        while (batch.length < BATCH_EVENTS_MAX) {
          pending = iterator.next();
          const next = await Promise.race([pending, new Promise<typeof IDLE>((resolve) => setImmediate(resolve, IDLE))]);
          if (next === IDLE) break;
          pending = undefined;
          if (next.done) {
            done = true;
            break;
          }
          batch.push(next.value);
        }
        await this.handle(batch);
        if (done) return;
        // A catch-up is a chain of already-resolved promises: without a turn of the event loop
        // between batches it would starve HTTP (even app.listen) until the whole backlog is handled.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.stopCurrent = undefined;
      await subscription.unsubscribe();
    }
  }

  private async handle(batch: readonly RecordedEvent[]): Promise<void> {
    const checkpoint = batch[batch.length - 1]!.position;
    const matching = this.consumer.filter ? batch.filter((event) => matchesFilter(event, this.consumer.filter)) : batch;
    await this.consumer.handleBatch(matching, checkpoint);
    this.position = checkpoint;
    this.eventsHandled += matching.length;
    this.consecutiveFailures = 0;
    for (const waiter of this.positionWaiters) if (waiter.target <= checkpoint) waiter.resolve();
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
