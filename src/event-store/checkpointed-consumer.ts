import type { EventStore, RecordedEvent, SubscriptionFilter } from './event-store.port.js';

/**
 * A consumer of $all that remembers how far it got. Projections write their rows and the
 * checkpoint in one database transaction; consumers with external effects (Kafka, commands)
 * store the checkpoint only after the effect is acknowledged, and make the effect idempotent.
 */
export interface CheckpointedConsumer {
  readonly name: string;
  /** Applied in-process; the checkpoint still advances over events that do not match. */
  readonly filter?: SubscriptionFilter;
  /**
   * False for a consumer that must never skip an event (the transparency log: a gap would make
   * its tree disagree with the store). Its failures are retried with backoff and never parked.
   */
  readonly parksPoisonEvents?: boolean;
  /**
   * Optional, run by the runner at every (re)start before anything else, and before a dead-letter
   * retry: the Kafka relay makes sure its topics exist (a broker that lost them gets them back); a
   * projection waits while a catch-up pass writes its rows.
   */
  prepare?(): Promise<void>;
  /**
   * The last position already handled (exclusive resume point), or 'start'. Only reads: the
   * status of a runner that is not running (an instance with RUN_SUBSCRIPTIONS=false) is read
   * from it.
   */
  loadCheckpoint(): Promise<bigint | 'start'>;
  /** Handle the matching events of a batch, then store `checkpoint` (the batch's last position). */
  handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void>;
  /**
   * Optional sliding window (the process managers): resolves once the batch is admitted, while it
   * and earlier batches may still be in flight, so the next batch is not held up by the slowest
   * reaction of this one. The consumer stores its checkpoint as the handled prefix grows (never
   * past an unfinished event) and reports each step through `progress.handled`. A failure is
   * reported through `progress.failed` at once; the next admitBatch then waits for what is in
   * flight, keeps the checkpoint before the failed event and rejects.
   */
  admitBatch?(events: readonly RecordedEvent[], checkpoint: bigint, progress: WindowProgress): Promise<void>;
  /** Resolves once nothing admitted through admitBatch is in flight (before handleBatch, a retry or a stop). */
  idle?(): Promise<void>;
  /**
   * Optional bulk catch-up, run by the runner before each subscription: handles the events after
   * the stored checkpoint up to the head in pages larger than a live batch (one transaction each),
   * reports each committed page, and returns when it reached the head or `progress.stopped()`.
   * A failure is the runner's like any batch's: it backs off and resumes from the stored checkpoint.
   */
  catchUp?(store: EventStore, progress: CatchUpProgress): Promise<void>;
}

/** How a consumer's bulk catch-up tells its runner how far it got. */
export interface CatchUpProgress {
  /** A page was committed: the checkpoint is `position`, `events` more events handled. */
  handled(position: bigint, events: number): void;
  /** True once the runner is stopping: end after the page in hand. */
  stopped(): boolean;
}

/** How a consumer with a sliding window tells its runner what happened after admitBatch returned. */
export interface WindowProgress {
  /** The checkpoint was stored at `position`, `events` more events handled. */
  handled(position: bigint, events: number): void;
  /** A reaction failed: the runner should stop admitting and resume from the checkpoint. */
  failed(): void;
}
