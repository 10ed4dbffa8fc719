import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { ApiJsonResponse } from '../http/openapi/api-responses.js';
import { HealthIndicators, openTotal } from './health-indicators.js';
import { HEALTH_OVERVIEW_SCHEMA, HEALTH_PROBE_SCHEMA } from './health.schemas.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly indicators: HealthIndicators,
    private readonly health: HealthCheckService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Overview: the event store is reachable; each subscription with its lag; open dead letters per consumer',
    description:
      'status is degraded (still 200) while a consumer is backing off after a failure or any dead letter is open; down (503) when the event store does not answer.',
  })
  @ApiJsonResponse('the event store answers (status ok or degraded)', { schema: HEALTH_OVERVIEW_SCHEMA })
  @ApiJsonResponse('the event store does not answer (status down): the same report, not a problem', { status: 503, schema: HEALTH_OVERVIEW_SCHEMA })
  async overview(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const reading = await this.indicators.read();
    const { storeError, subscriptions } = reading;
    const failing = subscriptions.some((status) => status.state === 'failing');
    // A parked event is work left undone (an order unpaid, a row missing) until an admin retries or dismisses it.
    const open = openTotal(reading);
    const status = storeError ? 'down' : failing || open > 0 ? 'degraded' : 'ok';
    if (storeError) void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status,
      eventStore: {
        adapter: this.indicators.adapter,
        reachable: !storeError,
        headPosition: reading.headPosition?.toString(),
        ...(storeError ? { error: storeError } : {}),
      },
      subscriptions,
      deadLetters: { open, openByConsumer: Object.fromEntries(reading.openDeadLetters) },
    };
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers HTTP (restart it when this fails); checks nothing else' })
  @ApiJsonResponse('{"status":"ok"}', { schema: HEALTH_PROBE_SCHEMA })
  async live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness (terminus): event store, subscription lag, dead letters, Kafka relay when it runs',
    description:
      'status ok or degraded (200: still serving; degraded while a consumer backs off, a dead letter is open or the Kafka relay trails); error (503) when the event store does not answer or a subscription is too far behind to serve fresh reads.',
  })
  @ApiJsonResponse('ready: status ok or degraded, with each indicator in details', { schema: HEALTH_PROBE_SCHEMA })
  @ApiJsonResponse('not ready: status error, the failing indicators in error (the same report, not a problem)', { status: 503, schema: HEALTH_PROBE_SCHEMA })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const reading = await this.indicators.read();
    try {
      return await this.health.check(this.indicators.checks(reading));
    } catch (error) {
      // Terminus reports "not ready" as a 503 exception carrying the same report: answer it as is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
