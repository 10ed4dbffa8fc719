import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { EVENT_STORE } from '../event-store/event-store.tokens.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { KafkaRelayMetrics } from '../kafka/kafka-relay-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { formatLabels, renderMetricFamily } from './metric-family.js';

/** Prometheus text exposition (version 0.0.4): no personal data, only counts and positions. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly http: HttpMetrics,
    /** Present only when the Kafka relay runs (KAFKA_BROKERS set). */
    @Optional() private readonly kafkaRelay?: KafkaRelayMetrics,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: event store head, subscription positions and lag, HTTP responses' })
  @ApiOkResponse({ description: 'text/plain Prometheus exposition' })
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
    lines.push('# HELP bela_http_responses_total HTTP responses by method and status', '# TYPE bela_http_responses_total counter');
    for (const [key, count] of this.http.counts()) {
      const [method, status] = key.split(' ');
      lines.push(`bela_http_responses_total${formatLabels({ method: method!, status: status! })} ${count}`);
    }
    for (const family of this.kafkaRelay?.families() ?? []) lines.push(...renderMetricFamily(family));
    return `${lines.join('\n')}\n`;
  }
}

