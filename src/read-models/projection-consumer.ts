import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent, SubscriptionFilter } from '../event-store/event-store.port.js';
import type { ProjectionEngine } from './projection-engine.js';

export const PROJECTION_CONSUMER_PREFIX = 'projection:';

/**
 * One projection as a checkpointed consumer of $all: rows and checkpoint in one transaction.
 * Before it reads its checkpoint it waits for `ready`: while a catch-up pass brings the
 * projection to the head of $all, its runner must not write the same rows.
 */
export class ProjectionConsumer implements CheckpointedConsumer {
  readonly name: string;
  readonly filter: SubscriptionFilter;

  constructor(
    private readonly engine: ProjectionEngine,
    readonly projectionName: string,
    private readonly ready: (projectionName: string) => Promise<void>,
  ) {
    const projection = engine.projection(projectionName);
    if (!projection) throw new Error(`unknown projection ${projectionName}`);
    this.name = `${PROJECTION_CONSUMER_PREFIX}${projectionName}`;
    this.filter = { eventTypes: projection.eventTypes };
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    await this.ready(this.projectionName);
    return this.engine.loadCheckpoint(this.projectionName);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.engine.applyBatch(this.projectionName, events, checkpoint);
  }
}
