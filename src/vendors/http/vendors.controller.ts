import { Body, Controller, Get, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { Public } from '../../auth/roles.decorator.js';
import { assertVendorScope, requireActor } from '../../auth/scope.js';
import { CommandPipeline } from '../../event-store/command-pipeline.js';
import { CLOCK } from '../../event-store/event-store.tokens.js';
import { CommandEndpoint } from '../../http/command-endpoint.decorator.js';
import { CommandResponseDto, executeCommand } from '../../http/command-response.js';
import { commandContext, createdId, etag } from '../../http/request-context.js';
import { NoBodyPipe } from '../../http/no-body.pipe.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import type { Clock } from '../../kernel/clock.js';
import { notFound } from '../../kernel/errors.js';
import { ChangeVendorCommand, RegisterVendorCommand } from '../application/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../domain/vendor.decider.js';
import { ReasonDto, RegisterVendorDto, UpdateVendorProfileDto } from './vendor.dto.js';
import { VENDOR_VIEW_SCHEMA, vendorView } from './vendor.view.js';
import { ifMatchHeader } from '../../http/api-headers.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';

const IF_MATCH_HEADER = ifMatchHeader('vendor');

@ApiTags('vendors')
@Controller('vendors')
export class VendorsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @CommandEndpoint({ roles: ['vendor', 'admin'], status: 201, idempotency: 'required', response: { createdId: 'vendorId' } })
  @ApiOperation({
    summary: 'Register a vendor (UMK or koperasi)',
    description:
      "A vendor key registers the vendor id it was issued for; an admin registers on a business's behalf. " +
      'Menengah and large businesses are refused with 422 VENDOR_SCALE_INELIGIBLE naming the rule and figures; ' +
      'a NIB already registered is 409 NIB_ALREADY_REGISTERED.',
  })
  @ApiProblems('INVALID_VENDOR', 'UNKNOWN_KABUPATEN_KOTA', 'VENDOR_EXISTS', 'NIB_ALREADY_REGISTERED', 'VENDOR_SCALE_INELIGIBLE')
  async register(
    @Body() body: RegisterVendorDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto & { vendorId: string }> {
    const context = commandContext(request, this.clock);
    const vendorId = context.actor.role === 'vendor' ? context.actor.vendorId! : createdId('vendor', context);
    return { vendorId, ...(await executeCommand(this.commands, new RegisterVendorCommand({ ...body, vendorId }, context), reply, `/vendors/${vendorId}`)) };
  }

  @Get(':vendorId')
  @Public()
  @ApiOperation({ summary: 'One vendor, folded from its stream; the full NPWP only for admins, auditors and the vendor itself' })
  @ApiJsonResponse('the vendor; ETag is its stream revision', { etag: true, schema: VENDOR_VIEW_SCHEMA })
  @ApiProblems('VENDOR_NOT_FOUND')
  async get(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, revision } = await this.pipeline.load(vendorDecider, vendorStreamId(vendorId));
    if (state.status === 'absent') throw notFound('VENDOR_NOT_FOUND', `no vendor ${vendorId}`);
    void reply.header('ETag', etag(revision));
    return vendorView(state, revision, request.actor);
  }

  @Post(':vendorId/verify')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Verify a pending vendor (admin)' })
  @ApiProblems('VENDOR_NOT_FOUND', 'VENDOR_INVALID_TRANSITION', 'VALIDATION_FAILED')
  verify(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Body(NoBodyPipe) _body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(vendorId, { type: 'VerifyVendor' }, request, reply);
  }

  @Post(':vendorId/reject')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Reject a pending vendor with a reason (admin); its NIB is freed to register again' })
  @ApiProblems('VENDOR_NOT_FOUND', 'VENDOR_INVALID_TRANSITION')
  reject(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Body() body: ReasonDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(vendorId, { type: 'RejectVendor', reason: body.reason }, request, reply);
  }

  @Post(':vendorId/suspend')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Suspend a verified vendor with a reason (admin): it stops listing and receiving orders' })
  @ApiProblems('VENDOR_NOT_FOUND', 'VENDOR_INVALID_TRANSITION')
  suspend(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Body() body: ReasonDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(vendorId, { type: 'SuspendVendor', reason: body.reason }, request, reply);
  }

  @Post(':vendorId/reinstate')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Reinstate a suspended vendor (admin)' })
  @ApiProblems('VENDOR_NOT_FOUND', 'VENDOR_INVALID_TRANSITION', 'VALIDATION_FAILED')
  reinstate(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Body(NoBodyPipe) _body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(vendorId, { type: 'ReinstateVendor' }, request, reply);
  }

  @Patch(':vendorId')
  @CommandEndpoint({ roles: ['vendor', 'admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Update the profile: name, contact, kabupaten/kota (the vendor itself or an admin)' })
  @ApiProblems('VENDOR_NOT_FOUND', 'VENDOR_INVALID_TRANSITION', 'OUT_OF_SCOPE', 'INVALID_VENDOR', 'UNKNOWN_KABUPATEN_KOTA')
  update(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Body() body: UpdateVendorProfileDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    assertVendorScope(requireActor(request.actor), vendorId);
    return this.change(vendorId, { type: 'UpdateVendorProfile', ...body }, request, reply);
  }

  private async change(vendorId: string, command: ChangeVendorCommand['command'], request: FastifyRequest, reply: FastifyReply): Promise<CommandResponseDto> {
    return executeCommand(this.commands, new ChangeVendorCommand(vendorId, command, commandContext(request, this.clock)), reply);
  }
}
