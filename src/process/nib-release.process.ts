import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import { CommandPipeline } from '../event-store/command-pipeline.js';
import { CONSUMER_CHECKPOINTS } from '../event-store/event-store.module.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { Clock } from '../kernel/clock.js';
import { DomainError } from '../kernel/errors.js';
import { ReleaseNibCommand } from '../vendors/application/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../vendors/domain/vendor.decider.js';
import type { VendorEvent } from '../vendors/domain/vendor.events.js';
import { processContext } from './process-context.js';

export const NIB_RELEASE_PROCESS = 'nib-release';

type VendorRejected = Extract<VendorEvent, { type: 'VendorRejected' }>;

/** Refusals no retry can change: logged and skipped rather than blocking every later rejection. */
const DETERMINISTIC_REFUSALS: ReadonlySet<DomainError['kind']> = new Set(['business_rule', 'not_found', 'validation', 'forbidden']);

/**
 * VendorRejected -> NibReleased, so the rightful business can register the NIB again. A
 * checkpointed subscription to $all: the release carries an idempotency key derived from the
 * rejection's event id (its event id is deterministic, so handling the rejection again writes
 * nothing), and the checkpoint is stored only after the release succeeded. A crash before the
 * release leaves the checkpoint before the rejection, so it is handled again on restart; a crash
 * after it finds the release already written. Either way the NIB is released exactly once.
 */
@Injectable()
export class NibReleaseProcess implements CheckpointedConsumer, OnModuleInit {
  readonly name = `process.${NIB_RELEASE_PROCESS}`;
  readonly filter = { eventTypes: ['VendorRejected'] };
  private readonly logger = new Logger(this.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    private readonly subscriptions: SubscriptionRegistry,
    @Inject(CONSUMER_CHECKPOINTS) private readonly checkpoints: SqliteCheckpointStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.subscriptions.register(this);
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.checkpoints.load(this.name);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    for (const event of events) {
      await this.release(event as RecordedEvent & VendorRejected);
      this.checkpoints.save(this.name, event.position);
    }
    this.checkpoints.save(this.name, checkpoint);
  }

  private async release(rejection: RecordedEvent & VendorRejected): Promise<void> {
    const { vendorId, reason } = rejection.data;
    // The rejection names the vendor; its NIB is in the registration.
    const { state } = await this.pipeline.load(vendorDecider, vendorStreamId(vendorId));
    if (state.status === 'absent') {
      this.logger.error(`VendorRejected ${rejection.id}: vendor ${vendorId} has no registration; no NIB to release`);
      return;
    }
    try {
      await this.commands.execute(new ReleaseNibCommand(state.nib, vendorId, reason, processContext(NIB_RELEASE_PROCESS, rejection, this.clock.now())));
    } catch (error) {
      if (!(error instanceof DomainError) || !DETERMINISTIC_REFUSALS.has(error.kind)) throw error;
      this.logger.error(`VendorRejected ${rejection.id}: releasing NIB ${state.nib} was refused (${error.code}: ${error.message}); not retried`);
    }
  }
}
