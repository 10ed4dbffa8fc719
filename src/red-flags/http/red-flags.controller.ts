import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, Roles } from '../../auth/roles.decorator.js';
import { CommandPipeline } from '../../event-store/command-pipeline.js';
import { CLOCK } from '../../event-store/event-store.tokens.js';
import { ifMatchHeader } from '../../http/api-headers.js';
import { CommandEndpoint } from '../../http/command-endpoint.decorator.js';
import { CommandResponseDto, executeCommand } from '../../http/command-response.js';
import { commandContext, etag } from '../../http/request-context.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import type { Clock } from '../../kernel/clock.js';
import { invalid, notFound } from '../../kernel/errors.js';
import { refuseParameters } from '../../public-api/public-query.dto.js';
import type { SqlValue } from '../../../projections/projection.js';
import { redFlagsProjection } from '../../../projections/red-flags/red-flags.projection.js';
import { ListSpec, Page, listPage } from '../../read-models/keyset-query.js';
import { FreshnessDto } from '../../read-models/http/read-model-query.dto.js';
import { ensureFresh, pageReply, pageSizeMax, wantsCsv } from '../../read-models/http/read-model-reply.js';
import { ReadModelQueryService } from '../../read-models/read-model-query.service.js';
import { ReviewRedFlagCommand } from '../application/review-red-flag.handler.js';
import { redFlagStreamId } from '../domain/red-flag-rules.js';
import { redFlagDecider } from '../domain/red-flag.decider.js';
import { PUBLIC_RED_FLAG_LIST, RED_FLAG_JSON_FIELDS, RED_FLAG_LIST } from '../red-flag.queries.js';
import { PublicRedFlagListQueryDto, RedFlagListQueryDto, ReviewRedFlagDto } from './red-flag.dto.js';
import { ApiPageResponse, ApiProblems, ApiReadModelResponse } from '../../http/openapi/api-responses.js';
import { PUBLIC_RED_FLAG_SCHEMA, RED_FLAG_SCHEMA } from './red-flag.schemas.js';

const PROJECTIONS = [redFlagsProjection.name];
const SORTS = `sort: ${Object.keys(RED_FLAG_LIST.sorts).join(', ')} (prefix - for descending); filters: ${Object.keys(RED_FLAG_LIST.filters).join(', ')}`;

/** Red flags: the findings of the red-flags read model (docs/red-flags.md), their review by admins and auditors, and their public view. */
@Controller()
export class RedFlagsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: ReadModelQueryService,
    private readonly pipeline: CommandPipeline,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('admin/red-flags')
  @ApiTags('red flags')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Red flags with their review (reason and reviewer): admins and auditors', description: SORTS })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('red flags', { spec: RED_FLAG_LIST, item: RED_FLAG_SCHEMA })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  list(@Query() query: RedFlagListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    return this.page(RED_FLAG_LIST, query, request, reply);
  }

  @Get('admin/red-flags/:flagId')
  @ApiTags('red flags')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'One red flag with its review; its ETag is the revision of its redflag-<flagId> stream (for If-Match on a review)' })
  @ApiReadModelResponse('the red flag; ETag is its stream revision', RED_FLAG_SCHEMA, { etag: true })
  @ApiProblems('RED_FLAG_NOT_FOUND', 'VALIDATION_FAILED')
  async one(
    @Param('flagId', new UuidParamPipe('flagId')) flagId: string,
    @Query() query: FreshnessDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    await ensureFresh(this.queries, PROJECTIONS, query, reply);
    const flag = this.find(RED_FLAG_LIST, flagId);
    // The ETag is the flag's stream revision (-1 before any review), read from the stream: the read model may lag it.
    void reply.header('ETag', etag((await this.pipeline.load(redFlagDecider, redFlagStreamId(flagId))).revision));
    return flag;
  }

  @Post('admin/red-flags/:flagId/review')
  @CommandEndpoint({ roles: ['admin', 'auditor'], status: 201, ifMatch: ifMatchHeader('red flag') })
  @ApiTags('red flags')
  @ApiOperation({
    summary: 'Review a red flag: dismissed or confirmed, with a reason (an event on redflag-<flagId>; a later review replaces the status)',
    description: '404 RED_FLAG_NOT_FOUND for a flag the read model does not hold; 400 without a reason; 412 REVISION_MISMATCH when If-Match is stale.',
  })
  @ApiProblems('RED_FLAG_NOT_FOUND', 'INVALID_REVIEW', 'ROLE_NOT_ALLOWED')
  async review(
    @Param('flagId', new UuidParamPipe('flagId')) flagId: string,
    @Body() body: ReviewRedFlagDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return executeCommand(this.commands, new ReviewRedFlagCommand(flagId, body.status, body.reason, commandContext(request, this.clock)), reply);
  }

  @Get('public/red-flags')
  @Public()
  @ApiTags('public red flags')
  @ApiOperation({ summary: 'Red flags, public: the finding, its rule, parameters and orders, and its status (no reviewer, no reason)', description: SORTS })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('red flags, public view', { spec: PUBLIC_RED_FLAG_LIST, item: PUBLIC_RED_FLAG_SCHEMA })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT', 'VALIDATION_FAILED')
  publicList(
    @Query() query: PublicRedFlagListQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page | string> {
    return this.page(PUBLIC_RED_FLAG_LIST, query, request, reply);
  }

  @Get('public/red-flags/:flagId')
  @Public()
  @ApiTags('public red flags')
  @ApiOperation({ summary: 'One red flag, public view' })
  @ApiReadModelResponse('the red flag, public view', PUBLIC_RED_FLAG_SCHEMA)
  @ApiProblems('RED_FLAG_NOT_FOUND', 'VALIDATION_FAILED')
  async publicOne(
    @Param('flagId', new UuidParamPipe('flagId')) flagId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    // Public reads never wait for a position: no parameter at all, the answer says how far the read model is.
    refuseParameters(query);
    await ensureFresh(this.queries, PROJECTIONS, {}, reply);
    return this.find(PUBLIC_RED_FLAG_LIST, flagId);
  }

  private async page(spec: ListSpec, query: PublicRedFlagListQueryDto & FreshnessDto, request: FastifyRequest, reply: FastifyReply): Promise<Page | string> {
    await ensureFresh(this.queries, PROJECTIONS, query, reply);
    const csv = wantsCsv(query, request);
    const { rule, status, outcome, opdCode, vendorId } = query;
    const page = listPage(this.queries.db, spec, {
      filters: { rule, status, outcome, opdCode, vendorId, from: utc(query.from, 'from'), to: utc(query.to, 'to') },
      ...(query.sort !== undefined ? { sort: query.sort } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      pageSizeMax: pageSizeMax(csv),
    });
    return pageReply(spec.name, Object.keys(spec.fields), csv ? page : { ...page, items: page.items.map(withJson) }, csv, reply);
  }

  private find(spec: ListSpec, flagId: string): Record<string, unknown> {
    const { items } = listPage(
      this.queries.db,
      { ...spec, filters: { ...spec.filters, flagId: { column: 'flag_id', op: '=' } } },
      { filters: { flagId }, limit: 1 },
    );
    if (items.length === 0) throw notFound('RED_FLAG_NOT_FOUND', `no red flag ${flagId}`, { flagId });
    return withJson(items[0]!);
  }
}

/** Times compare as UTC text in the read model: an offset given in the query is normalised first. */
function utc(time: string | undefined, field: string): string | undefined {
  if (time === undefined) return undefined;
  const parsed = new Date(time);
  // ISO 8601 forms Date cannot read (week dates, ordinal dates) pass the format check.
  if (Number.isNaN(parsed.getTime()))
    throw invalid('VALIDATION_FAILED', `${field} must be a date and time`, [
      { field, messages: ['an ISO 8601 date and time, e.g. 2025-03-01T00:00:00+07:00'] },
    ]);
  return parsed.toISOString();
}

function withJson(item: Record<string, SqlValue | boolean>): Record<string, SqlValue | boolean> {
  const parsed: Record<string, unknown> = { ...item };
  for (const field of RED_FLAG_JSON_FIELDS) if (typeof item[field] === 'string') parsed[field] = JSON.parse(item[field]);
  return parsed as Record<string, SqlValue | boolean>;
}
