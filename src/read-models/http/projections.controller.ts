import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator.js';
import type { ProjectionStatus } from '../projection-runners.js';
import { ProjectionRunners } from '../projection-runners.js';
import { ProjectionsStatusQueryDto } from './projections-query.dto.js';

@ApiTags('read models (admin)')
@ApiBearerAuth()
@Controller('admin/projections')
export class ProjectionsController {
  constructor(private readonly runners: ProjectionRunners) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Every projection: state, position in $all, head, lag in events, rows per table',
    description: 'lagEvents = events in $all after the projection position (counted up to 10,000). rows=false leaves out the row counts.',
  })
  @ApiOkResponse({ description: '{ projections: [...] }' })
  async list(@Query() query: ProjectionsStatusQueryDto): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.runners.statuses({ rows: query.rows !== 'false' }) };
  }

  @Post('rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Rebuild every projection: drop its tables and checkpoint (one transaction each), then replay $all',
    description: 'Answers once the reset is committed; the runners then catch up (watch lagEvents, or query with waitForPosition).',
  })
  @ApiAcceptedResponse({ description: 'the reset statuses' })
  async rebuildAll(): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.runners.rebuild(this.runners.names()) };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild one projection (drop and replay)' })
  @ApiAcceptedResponse({ description: 'the reset status' })
  @ApiNotFoundResponse({ description: 'PROJECTION_NOT_FOUND' })
  async rebuildOne(@Param('name') name: string): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.runners.rebuild([name]) };
  }
}
