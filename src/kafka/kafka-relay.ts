import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { TransientConsumerError, errorMessage } from '../event-store/poison.js';
import { toKafkaMessages } from './kafka-contract.js';
import type { OutboundMessage } from './kafka-contract.js';
import type { KafkaRelayMetrics } from './kafka-relay-metrics.js';
import type { RelayTransport } from './kafka-transport.js';
import type { PublicWithheldReason } from './public-contract.js';

export const KAFKA_RELAY_CONSUMER = 'kafka.relay';

/** The slice of a checkpoint store the relay uses (SqliteCheckpointStore in the app). */
export interface RelayCheckpoints {
  load(consumer: string): bigint | 'start';
  save(consumer: string, position: bigint): void;
}

/**
 * $all -> Kafka (docs/kafka.md). The checkpoint is stored only after the broker has
 * acknowledged every message of the batch, so a crash or an outage means messages sent again
 * (at-least-once; consumers deduplicate on ce_id), never an event skipped. A failed send
 * throws a TransientConsumerError: the broker is down, not the event wrong, so the subscription
 * runner backs off and resumes from the checkpoint however long it takes. An event that cannot be
 * mapped to a message throws anything else, and is parked as a dead letter after its attempts.
 */
export class KafkaRelay implements CheckpointedConsumer {
  readonly name = KAFKA_RELAY_CONSUMER;

  constructor(
    private readonly transport: RelayTransport,
    private readonly checkpoints: RelayCheckpoints,
    private readonly metrics: KafkaRelayMetrics,
    private readonly topicPrefix = '',
  ) {}

  /** Every (re)start makes sure the topics exist first: a broker that lost them gets them back. */
  async prepare(): Promise<void> {
    await this.transport.prepare();
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.checkpoints.load(this.name);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    const messages: OutboundMessage[] = [];
    const withheld = new Map<PublicWithheldReason, number>();
    let unrouted = 0;
    for (const event of events) {
      const mapping = toKafkaMessages(event, this.topicPrefix);
      if (!mapping.routed) {
        unrouted += 1;
        continue;
      }
      messages.push(...mapping.messages);
      if (mapping.publicWithheld) withheld.set(mapping.publicWithheld, (withheld.get(mapping.publicWithheld) ?? 0) + 1);
    }
    if (messages.length > 0) {
      try {
        await this.transport.send(messages);
      } catch (error) {
        this.metrics.recordSendFailure();
        throw new TransientConsumerError(`the broker did not acknowledge ${messages.length} messages: ${errorMessage(error)}`, { cause: error });
      }
    }
    this.checkpoints.save(this.name, checkpoint);
    const messagesByTopic = new Map<string, number>();
    for (const message of messages) messagesByTopic.set(message.topic, (messagesByTopic.get(message.topic) ?? 0) + 1);
    this.metrics.recordAcknowledged({ events: events.length - unrouted, unrouted, messagesByTopic, withheld, checkpoint, atUnixMs: Date.now() });
  }
}
