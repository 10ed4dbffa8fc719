import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent, SubscriptionFilter } from '../event-store/event-store.port.js';
import type { ProjectionEngine } from './projection-engine.js';

export const PROJECTION_CONSUMER_PREFIX = 'projection:';

/** One projection as a checkpointed consumer of $all: rows and checkpoint in one transaction. */
export class ProjectionConsumer implements CheckpointedConsumer {
  readonly name: string;
  readonly filter: SubscriptionFilter;

  constructor(
    private readonly engine: ProjectionEngine,
    readonly projectionName: string,
  ) {
    const projection = engine.projection(projectionName);
    if (!projection) throw new Error(`unknown projection ${projectionName}`);
    this.name = `${PROJECTION_CONSUMER_PREFIX}${projectionName}`;
    this.filter = { eventTypes: projection.eventTypes };
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.engine.loadCheckpoint(this.projectionName);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.engine.applyBatch(this.projectionName, events, checkpoint);
  }
}
