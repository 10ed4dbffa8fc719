import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { Roles } from '../../auth/roles.decorator.js';
import { requireActor } from '../../auth/scope.js';
import { CommandPipeline } from '../../event-store/command-pipeline.js';
import { CLOCK } from '../../event-store/event-store.tokens.js';
import { CommandEndpoint } from '../../http/command-endpoint.decorator.js';
import { CommandResponseDto, executeCommand } from '../../http/command-response.js';
import { commandContext, createdId, etag } from '../../http/request-context.js';
import { NoBodyPipe } from '../../http/no-body.pipe.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import type { Clock } from '../../kernel/clock.js';
import { forbidden, invalid } from '../../kernel/errors.js';
import { ChangeOrderCommand, PlaceOrderCommand } from '../application/order.commands.js';
import { orderDecider, orderStreamId } from '../domain/order.decider.js';
import { OrderReasonDto, PlaceOrderDto, ReceiveOrderDto, ShipOrderDto } from './order.dto.js';
import { ORDER_VIEW_SCHEMA, assertMayReadOrder, orderNotFound, orderView } from './order.view.js';
import { ifMatchHeader } from '../../http/api-headers.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';

const IF_MATCH_HEADER = ifMatchHeader('order');

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @CommandEndpoint({ roles: ['buyer', 'admin'], status: 201, idempotency: 'required', response: { createdId: 'orderId' } })
  @ApiOperation({
    summary: "Place an order with one verified vendor, paid by the buyer OPD's KKP card",
    description:
      "Unit prices are the listings' current prices, recorded with their revisions. A total above the policy's maxOrderTotalRupiah " +
      "is 422 ORDER_TOTAL_OVER_MAX (with the rule and policy revision); another OPD's card is 404 CARD_NOT_FOUND to a buyer (as a missing card), 422 CARD_OF_ANOTHER_OPD to an admin. " +
      "The order is credited to the buying OPD's registered kabupaten/kota (an unregistered OPD is 422 OPD_NOT_REGISTERED). " +
      'The card authorisation follows asynchronously (process manager): poll GET /orders/{orderId} for authorised or declined.',
  })
  @ApiProblems(
    'INVALID_ORDER',
    'OUT_OF_SCOPE',
    'VENDOR_NOT_FOUND',
    'LISTING_NOT_FOUND',
    'CARD_NOT_FOUND',
    'ORDER_EXISTS',
    'VENDOR_NOT_SELLING',
    'LISTING_DELISTED',
    'ORDER_MIXES_VENDORS',
    'ORDER_TOTAL_OVER_MAX',
    'CARD_OF_ANOTHER_OPD',
    'OPD_NOT_REGISTERED',
    'SPLIT_PURCHASE',
    'SPLIT_CHECK_UNAVAILABLE',
  )
  async place(
    @Body() body: PlaceOrderDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto & { orderId: string }> {
    const context = commandContext(request, this.clock);
    const opdCode = buyingOpd(context.actor, body.opdCode);
    const orderId = createdId('order', context);
    const { opdCode: _given, ...rest } = body;
    return { orderId, ...(await executeCommand(this.commands, new PlaceOrderCommand({ ...rest, orderId, opdCode }, context), reply, `/orders/${orderId}`)) };
  }

  @Get(':orderId')
  @Roles('admin', 'auditor', 'buyer', 'vendor')
  @ApiOperation({ summary: "One order folded from its stream (admins, auditors, the buying OPD, the order's vendor; to anyone else 404 as if missing)" })
  @ApiJsonResponse('the order; ETag is its stream revision', { etag: true, schema: ORDER_VIEW_SCHEMA })
  @ApiProblems('ORDER_NOT_FOUND')
  async get(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, revision } = await this.pipeline.load(orderDecider, orderStreamId(orderId));
    if (state.status === 'absent') throw orderNotFound(orderId);
    assertMayReadOrder(requireActor(request.actor), state);
    void reply.header('ETag', etag(revision));
    return orderView(state, revision);
  }

  @Post(':orderId/accept')
  @CommandEndpoint({ roles: ['vendor'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Accept an authorised order (its vendor)' })
  @ApiProblems(
    'ORDER_NOT_FOUND',
    'NOT_ORDER_VENDOR',
    'OUT_OF_SCOPE',
    'ORDER_INVALID_TRANSITION',
    'VENDOR_NOT_SELLING',
    'HOLD_NOT_YET_EXPIRED',
    'VALIDATION_FAILED',
  )
  accept(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Body(NoBodyPipe) _body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(orderId, (by) => ({ type: 'AcceptOrder', by }), request, reply);
  }

  @Post(':orderId/reject')
  @CommandEndpoint({ roles: ['vendor'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Reject an order (its vendor): the order closes and the card hold is released' })
  @ApiProblems('ORDER_NOT_FOUND', 'NOT_ORDER_VENDOR', 'OUT_OF_SCOPE', 'ORDER_INVALID_TRANSITION', 'VENDOR_NOT_SELLING', 'HOLD_NOT_YET_EXPIRED')
  reject(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Body() body: OrderReasonDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(orderId, (by) => ({ type: 'RejectOrder', by, reason: body.reason }), request, reply);
  }

  @Post(':orderId/ship')
  @CommandEndpoint({ roles: ['vendor'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Mark an accepted order shipped (its vendor)' })
  @ApiProblems('ORDER_NOT_FOUND', 'NOT_ORDER_VENDOR', 'OUT_OF_SCOPE', 'ORDER_INVALID_TRANSITION', 'VENDOR_NOT_SELLING', 'HOLD_NOT_YET_EXPIRED')
  ship(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Body() body: ShipOrderDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(orderId, (by) => ({ type: 'ShipOrder', by, ...(body.note !== undefined ? { note: body.note } : {}) }), request, reply);
  }

  @Post(':orderId/receive')
  @CommandEndpoint({ roles: ['buyer', 'admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Confirm receipt with the BAST (the buying OPD): the card hold is then captured for the order total' })
  @ApiProblems(
    'ORDER_NOT_FOUND',
    'NOT_ORDER_VENDOR',
    'OUT_OF_SCOPE',
    'ORDER_INVALID_TRANSITION',
    'VENDOR_NOT_SELLING',
    'HOLD_NOT_YET_EXPIRED',
    'INVALID_BAST',
    'BAST_BEFORE_ORDER',
    'BAST_DATE_IN_FUTURE',
  )
  receive(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Body() body: ReceiveOrderDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(orderId, (by, at) => ({ type: 'ReceiveOrder', by, at, bastNumber: body.bastNumber, bastDate: body.bastDate }), request, reply);
  }

  @Post(':orderId/cancel')
  @CommandEndpoint({ roles: ['buyer', 'admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Cancel an order until it is shipped (the buying OPD): the card hold is released' })
  @ApiProblems('ORDER_NOT_FOUND', 'NOT_ORDER_VENDOR', 'OUT_OF_SCOPE', 'ORDER_INVALID_TRANSITION', 'VENDOR_NOT_SELLING', 'HOLD_NOT_YET_EXPIRED')
  cancel(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Body() body: OrderReasonDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(orderId, (by) => ({ type: 'CancelOrder', by, reason: body.reason }), request, reply);
  }

  private async change(
    orderId: string,
    build: (by: ChangeOrderCommand['context']['actor'], at: Date) => ChangeOrderCommand['command'],
    request: AuthenticatedRequest,
    reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const context = commandContext(request, this.clock);
    // The decider checks that the actor is the order's vendor or buying OPD.
    return executeCommand(this.commands, new ChangeOrderCommand(orderId, build(context.actor, context.occurredAt), context), reply);
  }
}

function buyingOpd(actor: ChangeOrderCommand['context']['actor'], requested: string | undefined): string {
  if (actor.role === 'buyer') {
    if (requested !== undefined && requested !== actor.opdCode)
      throw forbidden('OUT_OF_SCOPE', `this key may not act for OPD ${requested}`, { opdCode: requested });
    return actor.opdCode!;
  }
  if (requested === undefined)
    throw invalid('VALIDATION_FAILED', 'an admin placing an order names the buying OPD', [{ field: 'opdCode', messages: ['required for an admin'] }]);
  return requested;
}
