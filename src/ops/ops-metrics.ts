import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeadLetterStore } from '../event-store/dead-letter-store.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { DEAD_LETTERS, EVENT_STORE } from '../event-store/event-store.tokens.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { KafkaRelayMetrics } from '../kafka/kafka-relay-metrics.js';
import { ProcessRefusalMetrics } from '../process/process-refusal-metrics.js';

/** Upper bounds of the request duration histogram: a cached read is ~1 ms, a slow command a second. */
const HTTP_DURATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * The service's one Prometheus registry (prom-client): the process's default metrics, HTTP
 * responses counted as they are sent, and gauges and counters read from their owners (event
 * store, subscriptions, dead letters, process managers, Kafka relay) just before each scrape.
 * No personal data, only counts and positions; every label set is bounded (consumers, methods,
 * statuses, topics and refusal codes are fixed or closed sets).
 */
@Injectable()
export class OpsMetrics {
  readonly registry = new Registry();
  private readonly httpResponses: Counter<'method' | 'status'>;
  private readonly httpDuration: Histogram<'method'>;
  private readonly refresh: (() => Promise<void> | void)[] = [];

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    subscriptions: SubscriptionRegistry,
    @Inject(DEAD_LETTERS) deadLetters: DeadLetterStore,
    processRefusals: ProcessRefusalMetrics,
    /** Present only when the Kafka relay runs (KAFKA_BROKERS set). */
    @Optional() kafkaRelay?: KafkaRelayMetrics,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpResponses = new Counter({
      name: 'bela_http_responses_total',
      help: 'HTTP responses by method and status',
      labelNames: ['method', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'bela_http_request_duration_seconds',
      help: 'time from a request arriving to its response sent, by method',
      labelNames: ['method'],
      buckets: HTTP_DURATION_BUCKETS_SECONDS,
      registers,
    });

    const head = new Gauge({ name: 'bela_event_store_head_position', help: 'position of the last event in $all', registers });
    const position = new Gauge({
      name: 'bela_subscription_position',
      help: 'last $all position handled by each consumer',
      labelNames: ['consumer'],
      registers,
    });
    const lag = new Gauge({
      name: 'bela_subscription_lag_events',
      help: 'events in $all not yet handled by each consumer',
      labelNames: ['consumer'],
      registers,
    });
    const handled = new Gauge({
      name: 'bela_subscription_events_handled',
      help: 'events handled by each consumer since start',
      labelNames: ['consumer'],
      registers,
    });
    const failing = new Gauge({
      name: 'bela_subscription_failing',
      help: '1 when a consumer is backing off after a failure',
      labelNames: ['consumer'],
      registers,
    });
    const deadLettersOpen = new Gauge({
      name: 'bela_consumer_dead_letters_open',
      help: 'events a consumer parked that are neither retried nor dismissed',
      labelNames: ['consumer'],
      registers,
    });
    const parked = new Counter({
      name: 'bela_consumer_events_parked_total',
      help: 'events parked as dead letters by each consumer since start',
      labelNames: ['consumer'],
      registers,
    });
    const refusals = new Counter({
      name: 'bela_process_refusals_total',
      help: 'follow-up commands of a process manager that the domain refused, by process and refusal code',
      labelNames: ['process', 'code'],
      registers,
    });
    this.refresh.push(async () => {
      const headPosition = await store.headPosition();
      const statuses = await subscriptions.statuses();
      resetAll(head, position, lag, handled, failing, deadLettersOpen, parked, refusals);
      head.set(Number(headPosition));
      for (const status of statuses) {
        const labels = { consumer: status.name };
        position.set(labels, Number(status.position));
        lag.set(labels, status.lagEvents);
        handled.set(labels, status.eventsHandled);
        failing.set(labels, status.state === 'failing' ? 1 : 0);
      }
      const open = deadLetters.openCounts();
      for (const consumer of new Set([...statuses.map((status) => status.name), ...open.keys()])) deadLettersOpen.set({ consumer }, open.get(consumer) ?? 0);
      for (const [consumer, count] of subscriptions.eventsParked()) parked.inc({ consumer }, count);
      for (const { process, code, count } of processRefusals.entries()) refusals.inc({ process, code }, count);
    });
    if (kafkaRelay) this.refresh.push(kafkaRelayFamilies(kafkaRelay, registers));
  }

  /** Called once per response (a Fastify onResponse hook, src/app.factory.ts). */
  recordResponse(method: string, status: number, durationMs: number): void {
    this.httpResponses.inc({ method, status: String(status) });
    this.httpDuration.observe({ method }, durationMs / 1_000);
  }

  /** Prometheus text exposition (version 0.0.4) of every metric, read now. */
  async exposition(): Promise<string> {
    for (const refresh of this.refresh) await refresh();
    return this.registry.metrics();
  }
}

function resetAll(...metrics: { reset(): void }[]): void {
  for (const metric of metrics) metric.reset();
}

/** The relay's counters since start. Throughput is the rate of `bela_kafka_relay_events_total`; lag is `bela_subscription_lag_events{consumer="kafka.relay"}`. */
function kafkaRelayFamilies(relay: KafkaRelayMetrics, registers: Registry[]): () => void {
  const events = new Counter({ name: 'bela_kafka_relay_events_total', help: 'events relayed and acknowledged by the broker since start', registers });
  const messages = new Counter({
    name: 'bela_kafka_relay_messages_total',
    help: 'messages acknowledged by the broker, by topic',
    labelNames: ['topic'],
    registers,
  });
  const batches = new Counter({ name: 'bela_kafka_relay_batches_total', help: 'batches acknowledged by the broker', registers });
  const sendFailures = new Counter({
    name: 'bela_kafka_relay_send_failures_total',
    help: 'batches the broker did not acknowledge (the relay recreated its producer and resumed from its checkpoint)',
    registers,
  });
  const withheld = new Counter({
    name: 'bela_kafka_relay_public_withheld_total',
    help: 'events relayed only to their internal topic, by reason',
    labelNames: ['reason'],
    registers,
  });
  const unrouted = new Counter({
    name: 'bela_kafka_relay_unrouted_events_total',
    help: 'events of stream categories without a topic (not relayed)',
    registers,
  });
  const lastPosition = new Gauge({
    name: 'bela_kafka_relay_last_position',
    help: '$all position of the last event acknowledged by the broker and checkpointed, -1 when none',
    registers,
  });
  const lastAck = new Gauge({
    name: 'bela_kafka_relay_last_ack_timestamp_seconds',
    help: 'when the broker last acknowledged a batch (unix seconds), 0 when never',
    registers,
  });
  return () => {
    const now = relay.snapshot();
    resetAll(events, messages, batches, sendFailures, withheld, unrouted);
    events.inc(now.eventsTotal);
    batches.inc(now.batchesTotal);
    sendFailures.inc(now.sendFailuresTotal);
    unrouted.inc(now.unroutedEventsTotal);
    for (const [topic, count] of now.messagesByTopic) messages.inc({ topic }, count);
    for (const [reason, count] of now.publicWithheld) withheld.inc({ reason }, count);
    lastPosition.set(Number(now.lastPosition));
    lastAck.set(now.lastAckUnixMs / 1_000);
  };
}
