import { Logger, OnModuleInit } from '@nestjs/common';
import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
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

/**
 * The skeleton every process manager shares: a checkpointed subscription to $all that reacts to
 * each trigger with commands (carrying an idempotency key derived from the trigger, see
 * process-context.ts) and stores its checkpoint only after the reaction succeeded. A crash before
 * the checkpoint replays the trigger, and the replay writes nothing new. A follow-up command the
 * domain refuses is never only logged: the process records it where it belongs (recordRefusal)
 * and counts it in bela_process_refusals_total.
 */
export abstract class CheckpointedProcess implements CheckpointedConsumer, OnModuleInit {
  abstract readonly name: string;
  abstract readonly filter: SubscriptionFilter;
  /** The process's short name in its idempotency keys and in the refusal metric. */
  protected abstract readonly process: string;
  private log?: Logger;

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

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    for (const event of events) {
      await this.reactOrSkip(event);
      this.checkpoints.save(this.name, event.position);
    }
    this.checkpoints.save(this.name, checkpoint);
  }

  /** Issue the commands `trigger` calls for. Throwing a transient error retries from the checkpoint. */
  protected abstract react(trigger: RecordedEvent): Promise<void>;

  /**
   * Leave a durable trace of a refused follow-up command (an event on the affected aggregate).
   * Throwing instead makes the runner retry the trigger and then park it as a dead letter, which
   * is the trace for refusals that have no aggregate of their own to be recorded on.
   */
  protected abstract recordRefusal(trigger: RecordedEvent, refusal: DomainError): Promise<void>;

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
