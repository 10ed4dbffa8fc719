import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator.js';
import { LAG_EVENTS_COUNTED_MAX } from '../../event-store/subscription-runner.js';
import type { ProjectionStatus } from '../projection-runners.js';
import { ProjectionRunners } from '../projection-runners.js';
import { ApiJsonResponse, ApiProblems, arrayOf, objectSchema } from '../../http/openapi/api-responses.js';
import { CONSUMER_STATUS_PROPERTIES } from '../../http/consumer-status.schema.js';

const PROJECTION_STATUS_SCHEMA = objectSchema<ProjectionStatus>(
  {
    ...CONSUMER_STATUS_PROPERTIES,
    consumer: { type: 'string', description: 'its subscription' },
    version: { type: 'integer', minimum: 1, description: 'a new version rebuilds it from the start' },
    description: { type: 'string' },
    catchingUp: {
      type: 'boolean',
      description:
        'true while a catch-up pass (all projections in one pass over $all) runs for it: at start-up, or a rebuild, built beside the served rows until it replaces them',
    },
    pass: objectSchema<NonNullable<ProjectionStatus['pass']>>(
      {
        position: { ...CONSUMER_STATUS_PROPERTIES.position, description: 'how far the pass has got (position and lagEvents above: the rows served meanwhile)' },
        lagEvents: CONSUMER_STATUS_PROPERTIES.lagEvents,
      },
      { description: 'while a catch-up pass runs for it' },
    ),
    tables: { type: 'object', description: 'rows per table (left out with rows=false)', additionalProperties: { type: 'integer', minimum: 0 } },
  },
  { optional: ['lastError', 'tables', 'pass'] },
);
const PROJECTIONS = objectSchema<{ projections: ProjectionStatus[] }>({ projections: arrayOf(PROJECTION_STATUS_SCHEMA) });
import { ProjectionsStatusQueryDto } from './projections-query.dto.js';

@ApiTags('read models (admin)')
@Controller('admin/projections')
export class ProjectionsController {
  constructor(private readonly runners: ProjectionRunners) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Every projection: state, position in $all, head, lag in events, rows per table',
    description: `lagEvents = events in $all after the projection position (counted up to ${LAG_EVENTS_COUNTED_MAX.toLocaleString('en-US')}). rows=false leaves out the row counts.`,
  })
  @ApiJsonResponse('{ projections: [...] }', { schema: PROJECTIONS })
  async list(@Query() query: ProjectionsStatusQueryDto): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.runners.statuses({ rows: query.rows !== 'false' }) };
  }

  @Post('rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Rebuild every projection: replay $all into new tables beside the served ones, then swap them in (one transaction)',
    description:
      'Answers once the rebuild has started. The served tables stay complete and current until the rebuilt ones replace them; watch catchingUp (false once swapped in). A rebuild asked while one builds replaces it and takes over its projections.',
  })
  @ApiJsonResponse('the statuses of the rebuild started', { status: 202, schema: PROJECTIONS })
  @ApiProblems('CONSUMER_NOT_RUNNING', 'REBUILD_FAILED')
  async rebuildAll(): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.runners.rebuild(this.runners.names()) };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild one projection (replayed beside the served rows, then swapped in)' })
  @ApiJsonResponse('the status of the rebuild started', { status: 202, schema: PROJECTIONS })
  @ApiProblems('PROJECTION_NOT_FOUND', 'CONSUMER_NOT_RUNNING', 'REBUILD_FAILED')
  async rebuildOne(@Param('name') name: string): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.runners.rebuild([name]) };
  }
}
