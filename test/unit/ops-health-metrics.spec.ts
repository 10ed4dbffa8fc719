import { HealthIndicatorService } from '@nestjs/terminus';
import type { AppConfig } from '../../src/config/app-config.js';
import type { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import type { SubscriptionRegistry } from '../../src/event-store/subscription-registry.js';
import type { ConsumerStatus } from '../../src/event-store/subscription-runner.js';
import { KafkaRelayMetrics } from '../../src/kafka/kafka-relay-metrics.js';
import { ProcessRefusalMetrics } from '../../src/process/process-refusal-metrics.js';
import { HealthIndicators, READINESS_LAG_EVENTS_MAX, type HealthReading } from '../../src/ops/health-indicators.js';
import { OpsMetrics } from '../../src/ops/ops-metrics.js';
import { loggableUrl, LOGGED_URL_LENGTH_MAX } from '../../src/http/logged-url.js';

function consumer(name: string, overrides: Partial<ConsumerStatus> = {}): ConsumerStatus {
  return {
    name,
    state: 'running',
    position: '9',
    headPosition: '9',
    lagEvents: 0,
    eventsHandled: 10,
    consecutiveFailures: 0,
    deadLettersOpen: 0,
    ...overrides,
  };
}

interface Fakes {
  readonly store: EventStore;
  readonly subscriptions: SubscriptionRegistry;
  readonly deadLetters: DeadLetterStore;
}

function fakes(statuses: ConsumerStatus[], open: Map<string, number> = new Map(), head: () => Promise<bigint> = async () => 9n): Fakes {
  return {
    store: { headPosition: head } as unknown as EventStore,
    subscriptions: { statuses: async () => statuses, eventsParked: () => new Map([['projection:orders', 2]]) } as unknown as SubscriptionRegistry,
    deadLetters: { openCounts: () => open } as unknown as DeadLetterStore,
  };
}

function indicators(given: Fakes, relay?: KafkaRelayMetrics, runSubscriptions = true): HealthIndicators {
  const config = { runSubscriptions } as AppConfig;
  return new HealthIndicators(given.store, 'sqlite', config, given.subscriptions, given.deadLetters, new HealthIndicatorService(), relay);
}

async function statusOf(health: HealthIndicators): Promise<Record<string, string>> {
  const reading: HealthReading = await health.read();
  const results = await Promise.all(health.checks(reading).map((check) => check()));
  return Object.fromEntries(results.flatMap((result) => Object.entries(result).map(([key, value]) => [key, value.status])));
}

describe('readiness indicators (terminus)', () => {
  it('all up when the store answers, the consumers are caught up and nothing is parked', async () => {
    expect(await statusOf(indicators(fakes([consumer('projection:orders')])))).toEqual({ eventStore: 'up', subscriptions: 'up', deadLetters: 'up' });
  });

  it('down when the store does not answer, or a consumer is too far behind; degraded while one backs off or a dead letter is open', async () => {
    const unreachable = fakes([], new Map(), async () => Promise.reject(new Error('disk gone')));
    expect(await statusOf(indicators(unreachable))).toEqual({ eventStore: 'down', subscriptions: 'down', deadLetters: 'up' });
    expect(await statusOf(indicators(fakes([consumer('projection:orders', { lagEvents: READINESS_LAG_EVENTS_MAX + 1 })])))).toMatchObject({
      subscriptions: 'down',
    });
    expect(await statusOf(indicators(fakes([consumer('projection:orders', { lagEvents: READINESS_LAG_EVENTS_MAX })])))).toMatchObject({ subscriptions: 'up' });
    expect(await statusOf(indicators(fakes([consumer('process.nib-release', { state: 'failing' })])))).toMatchObject({ subscriptions: 'degraded' });
    expect(await statusOf(indicators(fakes([consumer('process.nib-release')], new Map([['process.nib-release', 1]]))))).toMatchObject({
      deadLetters: 'degraded',
    });
  });

  it('an instance that runs no subscriptions is not held back by their lag', async () => {
    const behind = fakes([consumer('projection:orders', { lagEvents: READINESS_LAG_EVENTS_MAX * 2 })]);
    expect(await statusOf(indicators(behind, undefined, false))).toMatchObject({ subscriptions: 'up' });
  });

  it('reports the Kafka relay only when it runs: degraded while it fails or trails', async () => {
    const relay = new KafkaRelayMetrics();
    expect(await statusOf(indicators(fakes([consumer('kafka.relay')]), relay))).toMatchObject({ kafkaRelay: 'up' });
    expect(await statusOf(indicators(fakes([consumer('kafka.relay', { state: 'failing' })]), relay))).toMatchObject({
      kafkaRelay: 'degraded',
      subscriptions: 'degraded',
    });
  });
});

describe('metrics (prom-client)', () => {
  it("renders the ledger's families under their names, with the relay's counters only when it runs", async () => {
    const given = fakes([consumer('projection:orders', { lagEvents: 3 })], new Map([['process.nib-release', 1]]));
    const refusals = new ProcessRefusalMetrics();
    refusals.record('order-payment', 'CARD_LIMIT_EXCEEDED');
    const relay = new KafkaRelayMetrics();
    relay.recordAcknowledged({
      events: 2,
      unrouted: 1,
      messagesByTopic: new Map([['bela.card.v1', 2]]),
      withheld: new Map([['internal_only', 1]]),
      checkpoint: 9n,
      atUnixMs: 1_500,
    });
    relay.recordSendFailure();
    const metrics = new OpsMetrics(given.store, given.subscriptions, given.deadLetters, refusals, relay);
    metrics.recordResponse('GET', 200, 12);
    const text = await metrics.exposition();
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'bela_event_store_head_position 9',
        'bela_subscription_lag_events{consumer="projection:orders"} 3',
        'bela_consumer_dead_letters_open{consumer="projection:orders"} 0',
        'bela_consumer_dead_letters_open{consumer="process.nib-release"} 1',
        'bela_consumer_events_parked_total{consumer="projection:orders"} 2',
        'bela_process_refusals_total{process="order-payment",code="CARD_LIMIT_EXCEEDED"} 1',
        'bela_http_responses_total{method="GET",status="200"} 1',
        'bela_kafka_relay_events_total 2',
        'bela_kafka_relay_messages_total{topic="bela.card.v1"} 2',
        'bela_kafka_relay_send_failures_total 1',
        'bela_kafka_relay_public_withheld_total{reason="internal_only"} 1',
        'bela_kafka_relay_unrouted_events_total 1',
        'bela_kafka_relay_last_position 9',
        'bela_kafka_relay_last_ack_timestamp_seconds 1.5',
        '# TYPE process_cpu_user_seconds_total counter',
      ]),
    );
    // A second scrape reads the same counts again rather than adding them up.
    expect((await metrics.exposition()).split('\n')).toContain('bela_consumer_events_parked_total{consumer="projection:orders"} 2');
    const withoutRelay = await new OpsMetrics(given.store, given.subscriptions, given.deadLetters, refusals).exposition();
    expect(withoutRelay).not.toContain('bela_kafka_relay');
  });
});

describe('logged URLs', () => {
  it('replace the values of secret-looking query parameters and stay bounded', () => {
    expect(loggableUrl('/orders?limit=5&token=abc&apiKey=x&Authorization=y&after=3')).toBe(
      '/orders?limit=5&token=[redacted]&apiKey=[redacted]&Authorization=[redacted]&after=3',
    );
    expect(loggableUrl('/public/summary')).toBe('/public/summary');
    expect(loggableUrl(`/x?q=${'a'.repeat(5_000)}`).length).toBeLessThanOrEqual(LOGGED_URL_LENGTH_MAX + 1);
  });
});
