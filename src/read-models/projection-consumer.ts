import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent, SubscriptionFilter } from '../event-store/event-store.port.js';
import type { ProjectionEngine } from './projection-engine.js';

export const PROJECTION_CONSUMER_PREFIX = 'projection:';

/**
 * One projection as a checkpointed consumer of $all: rows and checkpoint in one transaction.
 * Its runner's start (and a dead-letter retry) first waits for `ready` (prepare): while a
 * catch-up pass brings the projection to the head of $all, nothing else may write its rows.
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

  async prepare(): Promise<void> {
    await this.ready(this.projectionName);
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.engine.loadCheckpoint(this.projectionName);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.engine.applyBatch(this.projectionName, events, checkpoint);
  }
}
