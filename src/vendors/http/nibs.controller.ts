import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '../../auth/roles.decorator.js';
import { CommandPipeline } from '../../event-store/command-pipeline.js';
import { CLOCK } from '../../event-store/event-store.tokens.js';
import { ifMatchHeader } from '../../http/api-headers.js';
import { CommandEndpoint } from '../../http/command-endpoint.decorator.js';
import { CommandResponseDto, executeCommand } from '../../http/command-response.js';
import { commandContext, etag } from '../../http/request-context.js';
import type { Clock } from '../../kernel/clock.js';
import { readNibHolding } from '../application/nib-holder.js';
import { ReleaseUnregisteredNibCommand } from '../application/vendor.commands.js';
import { ReasonDto } from './vendor.dto.js';
import { NibParamPipe } from './nib-param.pipe.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';
import { NIB_CLAIM_VIEW_SCHEMA, nibClaimView, type NibClaimView } from './nib-claim.view.js';

/**
 * Admins' view of NIB claims. A registration claims its NIB and then registers the vendor: a
 * crash between the two leaves a claim by a vendor id that never registered (`orphaned`), which
 * the admin sees here and releases.
 */
@ApiTags('vendors')
@Controller('nibs')
export class NibsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':nib')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: "Who holds a NIB (admins, auditors): the holder's status, and whether the claim is orphaned (its vendor never registered)" })
  @ApiJsonResponse('the claim; ETag is the NIB stream revision', { etag: true, schema: NIB_CLAIM_VIEW_SCHEMA })
  @ApiProblems('NIB_NOT_FOUND')
  async get(@Param('nib', NibParamPipe) nib: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<NibClaimView> {
    const holding = await readNibHolding(this.pipeline, nib);
    void reply.header('ETag', etag(holding.revision));
    return nibClaimView(holding);
  }

  @Post(':nib/release')
  @CommandEndpoint({ roles: ['admin'], ifMatch: { ...ifMatchHeader('NIB claim'), description: 'the ETag of GET /nibs/{nib}; 412 if the claim changed since' } })
  @ApiOperation({ summary: 'Release a NIB whose holder never registered or was rejected (admin); 422 NIB_HELD_BY_VENDOR for a registered vendor' })
  @ApiProblems('NIB_NOT_FOUND', 'NIB_HELD_BY_VENDOR')
  async release(
    @Param('nib', NibParamPipe) nib: string,
    @Body() body: ReasonDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return executeCommand(this.commands, new ReleaseUnregisteredNibCommand(nib, body.reason, commandContext(request, this.clock)), reply);
  }
}
