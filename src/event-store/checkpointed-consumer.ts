import type { RecordedEvent, SubscriptionFilter } from './event-store.port.js';

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
  /** The last position already handled (exclusive resume point), or 'start'. */
  loadCheckpoint(): Promise<bigint | 'start'>;
  /** Handle the matching events of a batch, then store `checkpoint` (the batch's last position). */
  handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void>;
}
