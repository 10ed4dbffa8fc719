import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { DeadLetterStore } from '../event-store/dead-letter-store.js';
import { EVENT_STORE_ADAPTER } from '../event-store/event-store.module.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { DEAD_LETTERS, EVENT_STORE } from '../event-store/event-store.tokens.js';
import type { EventStoreAdapter } from '../event-store/open-event-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { ConsumerStatus } from '../event-store/subscription-runner.js';
import { KAFKA_RELAY_CONSUMER } from '../kafka/kafka-relay.js';
import { KafkaRelayMetrics } from '../kafka/kafka-relay-metrics.js';

/**
 * A consumer further behind than this makes the instance not ready: its reads would be minutes
 * stale. Under a write burst the projections trail by hundreds of events, far below it.
 */
export const READINESS_LAG_EVENTS_MAX = 5_000;
/** The store must answer a head-position read within this, or the instance is not ready. */
export const EVENT_STORE_CHECK_TIMEOUT_MS = 2_000;

/** One reading of everything health reports on, taken once per request. */
export interface HealthReading {
  readonly headPosition?: bigint;
  readonly storeError?: string;
  readonly subscriptions: readonly ConsumerStatus[];
  readonly openDeadLetters: ReadonlyMap<string, number>;
}

/**
 * The indicators of /health/ready (terminus): the event store answers (else down), the
 * subscriptions are running and within READINESS_LAG_EVENTS_MAX (else down; a consumer backing
 * off is degraded), open dead letters (degraded: work left undone until an admin acts), and the
 * Kafka relay when it runs (degraded while it fails or trails: events wait safely in the store).
 */
@Injectable()
export class HealthIndicators {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_ADAPTER) readonly adapter: EventStoreAdapter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscriptions: SubscriptionRegistry,
    @Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterStore,
    private readonly indicators: HealthIndicatorService,
    /** Present only when the Kafka relay runs (KAFKA_BROKERS set). */
    @Optional() private readonly kafkaRelay?: KafkaRelayMetrics,
  ) {}

  async read(): Promise<HealthReading> {
    const openDeadLetters = this.deadLetters.openCounts();
    try {
      const headPosition = await withTimeout(this.store.headPosition(), EVENT_STORE_CHECK_TIMEOUT_MS);
      return { headPosition, subscriptions: await this.subscriptions.statuses(), openDeadLetters };
    } catch (error) {
      return { storeError: error instanceof Error ? error.message : String(error), subscriptions: [], openDeadLetters };
    }
  }

  /** The terminus indicators over one reading. */
  checks(reading: HealthReading): (() => HealthIndicatorResult)[] {
    return [
      () => this.eventStore(reading),
      () => this.subscriptionLag(reading),
      () => this.openDeadLetters(reading),
      ...(this.kafkaRelay ? [() => this.relay(reading)] : []),
    ];
  }

  private eventStore(reading: HealthReading): HealthIndicatorResult {
    const check = this.indicators.check('eventStore');
    if (reading.storeError !== undefined) return check.down({ adapter: this.adapter, error: reading.storeError });
    return check.up({ adapter: this.adapter, headPosition: reading.headPosition!.toString() });
  }

  private subscriptionLag(reading: HealthReading): HealthIndicatorResult {
    const check = this.indicators.check('subscriptions');
    // An instance that serves only commands (RUN_SUBSCRIPTIONS=false) leaves its consumers to another.
    if (!this.config.runSubscriptions) return check.up({ runHere: false });
    const behind = reading.subscriptions.filter((status) => status.lagEvents > READINESS_LAG_EVENTS_MAX).map((status) => status.name);
    const failing = reading.subscriptions.filter((status) => status.state === 'failing').map((status) => status.name);
    const maxLagEvents = Math.max(0, ...reading.subscriptions.map((status) => status.lagEvents));
    const details = { maxLagEvents, lagEventsMax: READINESS_LAG_EVENTS_MAX, behind, failing };
    if (reading.storeError !== undefined || behind.length > 0) return check.down(details);
    return failing.length > 0 ? check.degraded(details) : check.up(details);
  }

  private openDeadLetters(reading: HealthReading): HealthIndicatorResult {
    const check = this.indicators.check('deadLetters');
    const openByConsumer = Object.fromEntries(reading.openDeadLetters);
    const open = openTotal(reading);
    return open > 0 ? check.degraded({ open, openByConsumer }) : check.up({ open, openByConsumer });
  }

  private relay(reading: HealthReading): HealthIndicatorResult {
    const check = this.indicators.check('kafkaRelay');
    const status = reading.subscriptions.find((candidate) => candidate.name === KAFKA_RELAY_CONSUMER);
    const { lastAckUnixMs, sendFailuresTotal } = this.kafkaRelay!.snapshot();
    const details = {
      state: status?.state ?? 'stopped',
      lagEvents: status?.lagEvents ?? 0,
      lastAckAt: lastAckUnixMs > 0 ? new Date(lastAckUnixMs).toISOString() : null,
      sendFailuresTotal,
    };
    const trailing = status !== undefined && (status.state === 'failing' || status.lagEvents > READINESS_LAG_EVENTS_MAX);
    return trailing ? check.degraded(details) : check.up(details);
  }
}

export function openTotal(reading: HealthReading): number {
  return [...reading.openDeadLetters.values()].reduce((sum, count) => sum + count, 0);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
