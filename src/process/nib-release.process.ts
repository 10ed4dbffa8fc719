import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandPipeline } from '../event-store/command-pipeline.js';
import { CONSUMER_CHECKPOINTS } from '../event-store/event-store.module.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { Clock } from '../kernel/clock.js';
import { ReleaseNibCommand } from '../vendors/application/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../vendors/domain/vendor.decider.js';
import type { VendorEvent } from '../vendors/domain/vendor.events.js';
import { CheckpointedProcess } from './checkpointed-process.js';
import { processContext } from './process-context.js';

export const NIB_RELEASE_PROCESS = 'nib-release';

type VendorRejected = Extract<VendorEvent, { type: 'VendorRejected' }>;

/**
 * VendorRejected -> NibReleased, so the rightful business can register the NIB again. A
 * checkpointed subscription to $all: the release carries an idempotency key derived from the
 * rejection's event id (its event id is deterministic, so handling the rejection again writes
 * nothing), and the checkpoint is stored only after the release succeeded. A crash before the
 * release leaves the checkpoint before the rejection, so it is handled again on restart; a crash
 * after it finds the release already written. Either way the NIB is released exactly once.
 */
@Injectable()
export class NibReleaseProcess extends CheckpointedProcess {
  readonly name = `process.${NIB_RELEASE_PROCESS}`;
  readonly filter = { eventTypes: ['VendorRejected'] };

  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    subscriptions: SubscriptionRegistry,
    @Inject(CONSUMER_CHECKPOINTS) checkpoints: SqliteCheckpointStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(subscriptions, checkpoints);
  }

  protected async react(trigger: RecordedEvent): Promise<void> {
    const rejection = trigger as RecordedEvent & VendorRejected;
    const { vendorId, reason } = rejection.data;
    // The rejection names the vendor; its NIB is in the registration.
    const { state } = await this.pipeline.load(vendorDecider, vendorStreamId(vendorId));
    if (state.status === 'absent') {
      this.logger.error(`VendorRejected ${rejection.id}: vendor ${vendorId} has no registration; no NIB to release`);
      return;
    }
    await this.commands.execute(new ReleaseNibCommand(state.nib, vendorId, reason, processContext(NIB_RELEASE_PROCESS, rejection, this.clock.now())));
  }
}
