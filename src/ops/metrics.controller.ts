import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import { ApiMediaResponse } from '../http/openapi/api-responses.js';
import { OpsMetrics } from './ops-metrics.js';

/** prom-client's text exposition format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Prometheus text exposition (version 0.0.4): no personal data, only counts and positions. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly ops: OpsMetrics) {}

  @Get()
  @Public()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Prometheus metrics: event store head, subscription positions and lag, dead letters, HTTP responses and durations, the Node.js process',
  })
  @ApiMediaResponse('text/plain', 'the Prometheus text exposition format 0.0.4')
  metrics(): Promise<string> {
    return this.ops.exposition();
  }
}
