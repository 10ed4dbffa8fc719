import { Logger, OnModuleInit } from '@nestjs/common';
import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent, SubscriptionFilter } from '../event-store/event-store.port.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import type { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { DomainError } from '../kernel/errors.js';

/** Refusals no retry can change: logged and skipped rather than blocking every later trigger. */
const DETERMINISTIC_REFUSALS: ReadonlySet<DomainError['kind']> = new Set(['business_rule', 'not_found', 'validation', 'forbidden']);

/**
 * The skeleton every process manager shares: a checkpointed subscription to $all that reacts to
 * each trigger with commands (carrying an idempotency key derived from the trigger, see
 * process-context.ts) and stores its checkpoint only after the reaction succeeded. A crash before
 * the checkpoint replays the trigger, and the replay writes nothing new.
 */
export abstract class CheckpointedProcess implements CheckpointedConsumer, OnModuleInit {
  abstract readonly name: string;
  abstract readonly filter: SubscriptionFilter;
  private log?: Logger;

  protected constructor(
    private readonly subscriptions: SubscriptionRegistry,
    private readonly checkpoints: SqliteCheckpointStore,
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

  private async reactOrSkip(trigger: RecordedEvent): Promise<void> {
    try {
      await this.react(trigger);
    } catch (error) {
      if (!(error instanceof DomainError) || !DETERMINISTIC_REFUSALS.has(error.kind)) throw error;
      this.logger.error(`${trigger.type} ${trigger.id}: the follow-up command was refused (${error.code}: ${error.message}); not retried`);
    }
  }
}
