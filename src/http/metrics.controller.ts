import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import type { DeadLetterStore } from '../event-store/dead-letter-store.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { DEAD_LETTERS, EVENT_STORE } from '../event-store/event-store.tokens.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { KafkaRelayMetrics } from '../kafka/kafka-relay-metrics.js';
import { ProcessRefusalMetrics } from '../process/process-refusal-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { formatLabels, renderMetricFamily } from './metric-family.js';
import { ApiMediaResponse } from './openapi/api-responses.js';

/** Prometheus text exposition (version 0.0.4): no personal data, only counts and positions. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly http: HttpMetrics,
    @Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterStore,
    private readonly processRefusals: ProcessRefusalMetrics,
    /** Present only when the Kafka relay runs (KAFKA_BROKERS set). */
    @Optional() private readonly kafkaRelay?: KafkaRelayMetrics,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: event store head, subscription positions and lag, HTTP responses' })
  @ApiMediaResponse('text/plain', 'the Prometheus text exposition format 0.0.4')
  async metrics(): Promise<string> {
    const lines: string[] = [];
    const gauge = (name: string, help: string, samples: [Record<string, string>, number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of samples) lines.push(`${name}${formatLabels(labels)} ${value}`);
    };
    gauge('bela_event_store_head_position', 'position of the last event in $all', [[{}, Number(await this.store.headPosition())]]);
    const statuses = await this.subscriptions.statuses();
    gauge('bela_subscription_position', 'last $all position handled by each consumer', statuses.map((s) => [{ consumer: s.name }, Number(s.position)]));
    gauge('bela_subscription_lag_events', 'events in $all not yet handled by each consumer', statuses.map((s) => [{ consumer: s.name }, s.lagEvents]));
    gauge('bela_subscription_events_handled', 'events handled by each consumer since start', statuses.map((s) => [{ consumer: s.name }, s.eventsHandled]));
    gauge('bela_subscription_failing', '1 when a consumer is backing off after a failure', statuses.map((s) => [{ consumer: s.name }, s.state === 'failing' ? 1 : 0]));
    const openDeadLetters = this.deadLetters.openCounts();
    const consumers = [...new Set([...statuses.map((s) => s.name), ...openDeadLetters.keys()])];
    gauge('bela_consumer_dead_letters_open', 'events a consumer parked that are neither retried nor dismissed', consumers.map((consumer) => [{ consumer }, openDeadLetters.get(consumer) ?? 0]));
    const parked = this.subscriptions.eventsParked();
    lines.push(
      ...renderMetricFamily({
        name: 'bela_consumer_events_parked_total',
        help: 'events parked as dead letters by each consumer since start',
        type: 'counter',
        samples: [...parked].map(([consumer, count]) => [{ consumer }, count] as const),
      }),
    );
    lines.push('# HELP bela_http_responses_total HTTP responses by method and status', '# TYPE bela_http_responses_total counter');
    for (const [key, count] of this.http.counts()) {
      const [method, status] = key.split(' ');
      lines.push(`bela_http_responses_total${formatLabels({ method: method!, status: status! })} ${count}`);
    }
    for (const family of [...this.processRefusals.families(), ...(this.kafkaRelay?.families() ?? [])]) lines.push(...renderMetricFamily(family));
    return `${lines.join('\n')}\n`;
  }
}

