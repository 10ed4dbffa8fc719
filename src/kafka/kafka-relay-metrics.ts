import type { PublicWithheldReason } from './public-contract.js';

/** What the relay has done since the process started (read at once by one snapshot). */
export interface KafkaRelaySnapshot {
  readonly eventsTotal: number;
  readonly batchesTotal: number;
  readonly sendFailuresTotal: number;
  readonly unroutedEventsTotal: number;
  /** -1 when no batch was acknowledged yet. */
  readonly lastPosition: bigint;
  /** 0 when never. */
  readonly lastAckUnixMs: number;
  readonly messagesByTopic: ReadonlyMap<string, number>;
  readonly publicWithheld: ReadonlyMap<PublicWithheldReason, number>;
}

/**
 * Counters of the relay since the process started; src/ops/ops-metrics.ts exposes them at
 * /metrics. The key spaces are bounded: topics are fixed at startup, reasons are a closed union.
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
  recordAcknowledged(batch: {
    events: number;
    unrouted: number;
    messagesByTopic: ReadonlyMap<string, number>;
    withheld: ReadonlyMap<PublicWithheldReason, number>;
    checkpoint: bigint;
    atUnixMs: number;
  }): void {
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

  snapshot(): KafkaRelaySnapshot {
    return {
      eventsTotal: this.eventsTotal,
      batchesTotal: this.batchesTotal,
      sendFailuresTotal: this.sendFailuresTotal,
      unroutedEventsTotal: this.unroutedEventsTotal,
      lastPosition: this.lastPosition,
      lastAckUnixMs: this.lastAckUnixMs,
      messagesByTopic: new Map(this.messagesByTopic),
      publicWithheld: new Map(this.publicWithheld),
    };
  }
}
