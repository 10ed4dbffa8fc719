import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { Public } from '../../auth/roles.decorator.js';
import { assertVendorScope, requireActor } from '../../auth/scope.js';
import { CommandPipeline } from '../../event-store/command-pipeline.js';
import { CLOCK } from '../../event-store/event-store.tokens.js';
import { CommandEndpoint } from '../../http/command-endpoint.decorator.js';
import { CommandResponseDto, executeCommand } from '../../http/command-response.js';
import { commandContext, createdId, etag } from '../../http/request-context.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import type { Clock } from '../../kernel/clock.js';
import { notFound } from '../../kernel/errors.js';
import { ListingCommandRequest } from '../application/listing.commands.js';
import { listingDecider, listingStreamId } from '../domain/listing.decider.js';
import { ReasonDto } from '../../vendors/http/vendor.dto.js';
import { ChangePriceDto, CreateListingDto } from './listing.dto.js';
import { LISTING_VIEW_SCHEMA, listingView } from './listing.view.js';
import { ifMatchHeader } from '../../http/api-headers.js';
import { vendorDecider, vendorStreamId } from '../../vendors/domain/vendor.decider.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';

const IF_MATCH_HEADER = ifMatchHeader('listing');

@ApiTags('catalog')
@Controller()
export class ListingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('vendors/:vendorId/listings')
  @CommandEndpoint({ roles: ['vendor'], status: 201, idempotency: 'required', response: { createdId: 'listingId' } })
  @ApiOperation({ summary: 'List a product or service (the verified vendor itself)' })
  @ApiProblems('OUT_OF_SCOPE', 'UNKNOWN_CATEGORY', 'INVALID_PRICE', 'LISTING_EXISTS', 'VENDOR_NOT_FOUND', 'VENDOR_NOT_SELLING')
  async create(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Body() body: CreateListingDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto & { listingId: string }> {
    assertVendorScope(requireActor(request.actor), vendorId);
    const context = commandContext(request, this.clock);
    const listingId = createdId('listing', context);
    return {
      listingId,
      ...(await executeCommand(
        this.commands,
        new ListingCommandRequest(listingId, vendorId, { type: 'CreateListing', listingId, ...body }, context),
        reply,
        `/listings/${listingId}`,
      )),
    };
  }

  @Get('listings/:listingId')
  @Public()
  @ApiOperation({
    summary: 'One listing with its full public price history (time and actor of every price)',
    description:
      "vendorStatus is the vendor's status now; available is false unless the listing is active and its vendor verified (a suspended vendor is not selling).",
  })
  @ApiJsonResponse('the listing; ETag is its stream revision', { etag: true, schema: LISTING_VIEW_SCHEMA })
  @ApiProblems('LISTING_NOT_FOUND')
  async get(
    @Param('listingId', new UuidParamPipe('listingId')) listingId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, revision, events } = await this.pipeline.load(listingDecider, listingStreamId(listingId));
    if (state.status === 'absent') throw notFound('LISTING_NOT_FOUND', `no listing ${listingId}`);
    const vendor = await this.pipeline.load(vendorDecider, vendorStreamId(state.vendorId));
    void reply.header('ETag', etag(revision));
    return listingView(state, events, vendor.state.status);
  }

  @Post('listings/:listingId/price')
  @CommandEndpoint({ roles: ['vendor'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Reprice a listing (its vendor); the old price stays in the public history' })
  @ApiProblems('LISTING_NOT_FOUND', 'NOT_LISTING_OWNER', 'LISTING_DELISTED', 'VENDOR_NOT_SELLING', 'INVALID_PRICE')
  reprice(
    @Param('listingId', new UuidParamPipe('listingId')) listingId: string,
    @Body() body: ChangePriceDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(listingId, { type: 'ChangeListingPrice', priceRupiah: body.priceRupiah }, request, reply);
  }

  @Post('listings/:listingId/delist')
  @CommandEndpoint({ roles: ['vendor'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Delist (its vendor): the listing stops selling' })
  @ApiProblems('LISTING_NOT_FOUND', 'NOT_LISTING_OWNER', 'LISTING_DELISTED', 'VENDOR_NOT_SELLING')
  delist(
    @Param('listingId', new UuidParamPipe('listingId')) listingId: string,
    @Body() body: ReasonDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(listingId, { type: 'DelistListing', reason: body.reason }, request, reply);
  }

  private async change(
    listingId: string,
    command: ListingCommandRequest['command'],
    request: AuthenticatedRequest,
    reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const context = commandContext(request, this.clock);
    // The decider refuses a vendor that does not own the listing.
    return executeCommand(this.commands, new ListingCommandRequest(listingId, context.actor.vendorId!, command, context), reply);
  }
}
