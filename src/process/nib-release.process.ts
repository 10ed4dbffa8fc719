import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandPipeline } from '../event-store/command-pipeline.js';
import { CONSUMER_CHECKPOINTS } from '../event-store/event-store.module.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { PoisonEventError } from '../event-store/poison.js';
import type { Clock } from '../kernel/clock.js';
import type { DomainError } from '../kernel/errors.js';
import { ReleaseNibCommand } from '../vendors/application/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../vendors/domain/vendor.decider.js';
import type { VendorEvent } from '../vendors/domain/vendor.events.js';
import { CheckpointedProcess } from './checkpointed-process.js';
import { processContext } from './process-context.js';
import { ProcessRefusalMetrics } from './process-refusal-metrics.js';

export const NIB_RELEASE_PROCESS = 'nib-release';

type VendorRejected = Extract<VendorEvent, { type: 'VendorRejected' }>;

/**
 * VendorRejected -> NibReleased, so the rightful business can register the NIB again. A
 * checkpointed subscription to $all: the release carries an idempotency key derived from the
 * rejection's event id (its event id is deterministic, so handling the rejection again writes
 * nothing), and the checkpoint is stored only after the release succeeded. A crash before the
 * release leaves the checkpoint before the rejection, so it is handled again on restart; a crash
 * after it finds the release already written. Either way the NIB is released exactly once.
 * A refused release, or a rejection of a vendor that has no registration, concerns the NIB
 * registry rather than an order: the rejection is parked as a dead letter of this process at once,
 * for an admin to look at, retry or dismiss (docs/operations.md).
 */
@Injectable()
export class NibReleaseProcess extends CheckpointedProcess {
  readonly name = `process.${NIB_RELEASE_PROCESS}`;
  readonly filter = { eventTypes: ['VendorRejected'] };
  protected readonly process = NIB_RELEASE_PROCESS;

  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    subscriptions: SubscriptionRegistry,
    @Inject(CONSUMER_CHECKPOINTS) checkpoints: SqliteCheckpointStore,
    @Inject(CLOCK) private readonly clock: Clock,
    refusals: ProcessRefusalMetrics,
  ) {
    super(subscriptions, checkpoints, refusals);
  }

  protected async react(trigger: RecordedEvent): Promise<void> {
    const rejection = trigger as RecordedEvent & VendorRejected;
    const { vendorId, reason } = rejection.data;
    // The rejection names the vendor; its NIB is in the registration.
    const { state } = await this.pipeline.load(vendorDecider, vendorStreamId(vendorId));
    if (state.status === 'absent') throw new PoisonEventError(`vendor ${vendorId} has no registration; no NIB to release`);
    await this.commands.execute(new ReleaseNibCommand(state.nib, vendorId, reason, processContext(NIB_RELEASE_PROCESS, rejection, this.clock.now())));
  }

  protected async recordRefusal(_trigger: RecordedEvent, refusal: DomainError): Promise<void> {
    throw new PoisonEventError(`the NIB release was refused (${refusal.code}): ${refusal.message}`, { cause: refusal });
  }
}
