import type { MetricFamily } from '../http/metric-family.js';
import type { PublicWithheldReason } from './public-contract.js';

/**
 * Counters of the relay since the process started, for /metrics. Throughput is the rate of
 * `bela_kafka_relay_events_total`; lag is `bela_subscription_lag_events{consumer="kafka.relay"}`.
 * The key spaces are bounded: topics are fixed at startup, reasons are a closed union.
 */
export class KafkaRelayMetrics {
  private eventsTotal = 0;
  private batchesTotal = 0;
  private sendFailuresTotal = 0;
  private unroutedEventsTotal = 0;
  private lastPosition = -1n;
  private lastAckUnixMs = 0;
  private readonly messagesByTopic = new Map<string, number>();
  private readonly publicWithheld = new Map<PublicWithheldReason, number>();

  /** A batch the broker acknowledged (every message of it) and the checkpoint it stored. */
  recordAcknowledged(batch: { events: number; unrouted: number; messagesByTopic: ReadonlyMap<string, number>; withheld: ReadonlyMap<PublicWithheldReason, number>; checkpoint: bigint; atUnixMs: number }): void {
    this.batchesTotal += 1;
    this.eventsTotal += batch.events;
    this.unroutedEventsTotal += batch.unrouted;
    for (const [topic, count] of batch.messagesByTopic) this.messagesByTopic.set(topic, (this.messagesByTopic.get(topic) ?? 0) + count);
    for (const [reason, count] of batch.withheld) this.publicWithheld.set(reason, (this.publicWithheld.get(reason) ?? 0) + count);
    this.lastPosition = batch.checkpoint;
    this.lastAckUnixMs = batch.atUnixMs;
  }

  recordSendFailure(): void {
    this.sendFailuresTotal += 1;
  }

  families(): MetricFamily[] {
    return [
      { name: 'bela_kafka_relay_events_total', help: 'events relayed and acknowledged by the broker since start', type: 'counter', samples: [[{}, this.eventsTotal]] },
      {
        name: 'bela_kafka_relay_messages_total',
        help: 'messages acknowledged by the broker, by topic',
        type: 'counter',
        samples: [...this.messagesByTopic].map(([topic, count]) => [{ topic }, count] as const),
      },
      { name: 'bela_kafka_relay_batches_total', help: 'batches acknowledged by the broker', type: 'counter', samples: [[{}, this.batchesTotal]] },
      { name: 'bela_kafka_relay_send_failures_total', help: 'batches the broker did not acknowledge (the relay recreated its producer and resumed from its checkpoint)', type: 'counter', samples: [[{}, this.sendFailuresTotal]] },
      {
        name: 'bela_kafka_relay_public_withheld_total',
        help: 'events relayed only to their internal topic, by reason',
        type: 'counter',
        samples: [...this.publicWithheld].map(([reason, count]) => [{ reason }, count] as const),
      },
      { name: 'bela_kafka_relay_unrouted_events_total', help: 'events of stream categories without a topic (not relayed)', type: 'counter', samples: [[{}, this.unroutedEventsTotal]] },
      { name: 'bela_kafka_relay_last_position', help: '$all position of the last event acknowledged by the broker and checkpointed, -1 when none', type: 'gauge', samples: [[{}, Number(this.lastPosition)]] },
      { name: 'bela_kafka_relay_last_ack_timestamp_seconds', help: 'when the broker last acknowledged a batch (unix seconds), 0 when never', type: 'gauge', samples: [[{}, this.lastAckUnixMs / 1_000]] },
    ];
  }
}
