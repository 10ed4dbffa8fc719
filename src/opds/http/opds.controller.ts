import { Body, Controller, Get, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
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
import type { Clock } from '../../kernel/clock.js';
import { notFound } from '../../kernel/errors.js';
import type { Page } from '../../read-models/keyset-query.js';
import { OPD_LIST } from '../../read-models/queries/directory.queries.js';
import { listReply } from '../../read-models/http/read-model-reply.js';
import { ReadModelQueryService } from '../../read-models/read-model-query.service.js';
import { OpdCommandRequest } from '../application/opd.commands.js';
import { opdDecider, opdStreamId } from '../domain/opd.decider.js';
import { OpdCodeParamPipe } from './opd-code-param.pipe.js';
import { OpdListQueryDto, RegisterOpdDto, RenameOpdDto } from './opd.dto.js';
import { OPD_VIEW_SCHEMA, opdView } from './opd.view.js';
import { ApiJsonResponse, ApiPageResponse, ApiProblems } from '../../http/openapi/api-responses.js';
import { OPD_CODE_LENGTH_MAX, OPD_CODE_PATTERN } from '../domain/opd-code.js';

@ApiTags('opds')
@Controller('opds')
export class OpdsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    private readonly queries: ReadModelQueryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @CommandEndpoint({
    roles: ['admin'],
    status: 201,
    idempotency: 'required',
    response: { createdId: 'opdCode', createdIdSchema: { type: 'string', pattern: OPD_CODE_PATTERN.source, maxLength: OPD_CODE_LENGTH_MAX } },
  })
  @ApiOperation({
    summary: 'Register an OPD/satker (admin)',
    description:
      "Cards, buyer keys and orders name only registered OPDs; an order is credited to its OPD's kabupaten/kota. " +
      "A code registered already is 409 OPD_EXISTS; a code whose pemda prefix is not the region's (or its province) is 422 OPD_OUTSIDE_ITS_PEMDA.",
  })
  @ApiProblems('INVALID_OPD_CODE', 'UNKNOWN_PEMDA', 'UNKNOWN_KABUPATEN_KOTA', 'OPD_OUTSIDE_ITS_PEMDA', 'OPD_EXISTS')
  async register(
    @Body() body: RegisterOpdDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto & { opdCode: string }> {
    return {
      opdCode: body.opdCode,
      ...(await executeCommand(
        this.commands,
        new OpdCommandRequest(body.opdCode, { type: 'RegisterOpd', ...body }, commandContext(request, this.clock)),
        reply,
        `/opds/${body.opdCode}`,
      )),
    };
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'The OPD registry (read model)', description: `sort: ${Object.keys(OPD_LIST.sorts).join(', ')}` })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('registered OPDs', { spec: OPD_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  list(@Query() query: OpdListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { kabupatenKotaCode, pemdaCode, name } = query;
    return listReply(this.queries, OPD_LIST, ['opds'], query, { kabupatenKotaCode, pemdaCode, name }, request, reply);
  }

  @Get(':opdCode')
  @Public()
  @ApiOperation({ summary: 'One OPD, folded from its stream (public: an OPD holds no personal data)' })
  @ApiJsonResponse('the OPD; ETag is its stream revision', { etag: true, schema: OPD_VIEW_SCHEMA })
  @ApiProblems('OPD_NOT_FOUND')
  async get(@Param('opdCode', OpdCodeParamPipe) opdCode: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const { state, revision } = await this.pipeline.load(opdDecider, opdStreamId(opdCode));
    if (state.status === 'absent') throw notFound('OPD_NOT_FOUND', `no OPD ${opdCode}`, { opdCode });
    void reply.header('ETag', etag(revision));
    return opdView(state, revision);
  }

  @Patch(':opdCode')
  @CommandEndpoint({ roles: ['admin'], ifMatch: ifMatchHeader('OPD') })
  @ApiOperation({ summary: 'Rename an OPD (admin); its code and region never change. Cards and orders keep the name they recorded' })
  @ApiProblems('OPD_NOT_FOUND', 'INVALID_OPD_CODE', 'UNKNOWN_KABUPATEN_KOTA', 'OPD_OUTSIDE_ITS_PEMDA')
  async rename(
    @Param('opdCode', OpdCodeParamPipe) opdCode: string,
    @Body() body: RenameOpdDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return executeCommand(this.commands, new OpdCommandRequest(opdCode, { type: 'RenameOpd', name: body.name }, commandContext(request, this.clock)), reply);
  }
}
