import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { EVENT_STORE } from '../event-store/event-store.tokens.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { HttpMetrics } from './http-metrics.js';

/** Prometheus text exposition (version 0.0.4): no personal data, only counts and positions. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly http: HttpMetrics,
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
    return `${lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
