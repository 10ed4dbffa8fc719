import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
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
import { notFound } from '../../kernel/errors.js';
import { CardCommandInput, CardCommandRequest } from '../application/card.commands.js';
import { cardDecider, cardStreamId } from '../domain/card.decider.js';
import { CardReasonDto, ChangeCardLimitDto, IssueCardDto, SettleStatementDto } from './card.dto.js';
import { CARD_VIEW_SCHEMA, cardView } from './card.view.js';
import { RefuseCardNumbersInterceptor } from './refuse-card-numbers.interceptor.js';
import { ifMatchHeader } from '../../http/api-headers.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';

const IF_MATCH_HEADER = ifMatchHeader('card');

@ApiTags('cards')
@Controller('cards')
@UseInterceptors(RefuseCardNumbersInterceptor)
export class CardsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly pipeline: CommandPipeline,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @CommandEndpoint({ roles: ['admin'], status: 201, idempotency: 'required', response: { createdId: 'cardId' } })
  @ApiOperation({
    summary: 'Issue a KKP card to an OPD/satker (admin)',
    description:
      'Only the last four digits of the card number are accepted: a full card number anywhere in the body is refused with 400 CARD_NUMBER_REFUSED and nothing is written. ' +
      'The OPD must be registered (POST /opds; 422 OPD_NOT_REGISTERED otherwise); the card records its registered name.',
  })
  @ApiProblems('INVALID_CARD', 'CARD_NUMBER_REFUSED', 'CARD_EXISTS', 'CARD_ALREADY_EXPIRED', 'OPD_NOT_REGISTERED')
  async issue(
    @Body() body: IssueCardDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto & { cardId: string }> {
    const context = commandContext(request, this.clock);
    const cardId = createdId('card', context);
    return {
      cardId,
      ...(await executeCommand(this.commands, new CardCommandRequest(cardId, { type: 'IssueCard', cardId, ...body }, context), reply, `/cards/${cardId}`)),
    };
  }

  @Get(':cardId')
  @Roles('admin', 'auditor', 'buyer')
  @ApiOperation({
    summary:
      'One card folded from its stream: limit, held, captured-unsettled, available and every hold (admins, auditors, its own OPD; to another OPD 404 as if missing)',
  })
  @ApiJsonResponse('the card; ETag is its stream revision', { etag: true, schema: CARD_VIEW_SCHEMA })
  @ApiProblems('CARD_NOT_FOUND')
  async get(
    @Param('cardId', new UuidParamPipe('cardId')) cardId: string,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { state, revision } = await this.pipeline.load(cardDecider, cardStreamId(cardId));
    const actor = requireActor(request.actor);
    // Another OPD's card is answered exactly as a missing one: its existence is not the caller's to learn.
    if (state.status === 'absent' || (actor.role === 'buyer' && actor.opdCode !== state.opdCode)) throw notFound('CARD_NOT_FOUND', `no card ${cardId}`);
    void reply.header('ETag', etag(revision));
    return cardView(state, revision);
  }

  @Post(':cardId/limit')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Change the credit limit (admin); 422 LIMIT_BELOW_COMMITTED below what is held and captured but unsettled' })
  @ApiProblems('CARD_NOT_FOUND', 'INVALID_CARD', 'CARD_NUMBER_REFUSED', 'CARD_INVALID_TRANSITION', 'CARD_ALREADY_EXPIRED', 'LIMIT_BELOW_COMMITTED')
  changeLimit(
    @Param('cardId', new UuidParamPipe('cardId')) cardId: string,
    @Body() body: ChangeCardLimitDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(cardId, { type: 'ChangeCardLimit', limitRupiah: body.limitRupiah }, request, reply);
  }

  @Post(':cardId/suspend')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Suspend an active card (admin): new authorisations are declined, existing holds stand' })
  @ApiProblems('CARD_NOT_FOUND', 'INVALID_CARD', 'CARD_NUMBER_REFUSED', 'CARD_INVALID_TRANSITION', 'CARD_ALREADY_EXPIRED')
  suspend(
    @Param('cardId', new UuidParamPipe('cardId')) cardId: string,
    @Body() body: CardReasonDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(cardId, { type: 'SuspendCard', reason: body.reason }, request, reply);
  }

  @Post(':cardId/reinstate')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Reinstate a suspended card (admin)' })
  @ApiProblems('CARD_NOT_FOUND', 'INVALID_CARD', 'CARD_NUMBER_REFUSED', 'CARD_INVALID_TRANSITION', 'CARD_ALREADY_EXPIRED', 'VALIDATION_FAILED')
  reinstate(
    @Param('cardId', new UuidParamPipe('cardId')) cardId: string,
    @Body(NoBodyPipe) _body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(cardId, { type: 'ReinstateCard' }, request, reply);
  }

  @Post(':cardId/close')
  @CommandEndpoint({ roles: ['admin'], ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: 'Close a card for good (admin); 422 CARD_HAS_OPEN_HOLDS while any hold is open' })
  @ApiProblems('CARD_NOT_FOUND', 'INVALID_CARD', 'CARD_NUMBER_REFUSED', 'CARD_INVALID_TRANSITION', 'CARD_ALREADY_EXPIRED', 'CARD_HAS_OPEN_HOLDS')
  close(
    @Param('cardId', new UuidParamPipe('cardId')) cardId: string,
    @Body() body: CardReasonDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(cardId, { type: 'CloseCard', reason: body.reason }, request, reply);
  }

  @Post(':cardId/statements')
  @CommandEndpoint({ roles: ['admin'], idempotency: 'required', ifMatch: IF_MATCH_HEADER })
  @ApiOperation({ summary: "Record that the OPD's treasurer paid a card statement (admin): StatementSettled restores that much of the available limit" })
  @ApiProblems(
    'CARD_NOT_FOUND',
    'INVALID_CARD',
    'CARD_NUMBER_REFUSED',
    'CARD_INVALID_TRANSITION',
    'CARD_ALREADY_EXPIRED',
    'INVALID_AMOUNT',
    'SETTLEMENT_ABOVE_UNSETTLED',
    'STATEMENT_ALREADY_SETTLED',
  )
  settle(
    @Param('cardId', new UuidParamPipe('cardId')) cardId: string,
    @Body() body: SettleStatementDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    return this.change(cardId, { type: 'SettleStatement', ...body }, request, reply);
  }

  private async change(cardId: string, command: CardCommandInput, request: AuthenticatedRequest, reply: FastifyReply): Promise<CommandResponseDto> {
    return executeCommand(this.commands, new CardCommandRequest(cardId, command, commandContext(request, this.clock)), reply);
  }
}
