import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { Roles } from '../../auth/roles.decorator.js';
import { requireActor } from '../../auth/scope.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { EVENT_STORE } from '../../event-store/event-store.tokens.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import { DomainError } from '../../kernel/errors.js';
import { AggregateAsOf, aggregateAsOf } from '../as-of/aggregate-as-of.js';
import type { AsOfKind } from '../as-of/as-of-aggregates.js';
import { describePoint, parseAsOfPoint } from '../as-of/as-of-point.js';
import { BalancesAsOf, balancesAsOf } from '../as-of/balances-as-of.js';
import { AsOfQueryDto, BalancesAsOfQueryDto } from './audit-query.dto.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';
import { BALANCES_AS_OF_SCHEMA, aggregateAsOfSchema } from './as-of.schemas.js';

/** Each as-of balances answer replays the log into memory: at most this many at once. */
export const AS_OF_BALANCE_REPLAYS_MAX = 2;

const POINT = 'at (an instant with its zone) or position, exactly one; 400 INVALID_AS_OF otherwise';

@ApiTags('audit')
@Roles('admin', 'auditor')
@Controller('audit/as-of')
export class AsOfController {
  private balanceReplays = 0;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('cards/:cardId')
  @ApiOperation({ summary: 'A card as it was at a past time or position: limit, held, captured-unsettled, available, holds', description: POINT })
  @ApiJsonResponse('{ kind, id, asOf, lastEvent, state }', { schema: aggregateAsOfSchema('card') })
  @ApiProblems('INVALID_AS_OF', 'NOT_YET_CREATED', 'CARD_NOT_FOUND')
  card(@Param('cardId', new UuidParamPipe('cardId')) id: string, @Query() query: AsOfQueryDto, @Req() request: AuthenticatedRequest): Promise<AggregateAsOf> {
    return this.aggregate('card', id, query, request);
  }

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'An order as it was at a past time or position', description: POINT })
  @ApiJsonResponse('{ kind, id, asOf, lastEvent, state }', { schema: aggregateAsOfSchema('order') })
  @ApiProblems('INVALID_AS_OF', 'NOT_YET_CREATED', 'ORDER_NOT_FOUND')
  order(
    @Param('orderId', new UuidParamPipe('orderId')) id: string,
    @Query() query: AsOfQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<AggregateAsOf> {
    return this.aggregate('order', id, query, request);
  }

  @Get('vendors/:vendorId')
  @ApiOperation({ summary: 'A vendor as it was at a past time or position', description: POINT })
  @ApiJsonResponse('{ kind, id, asOf, lastEvent, state }', { schema: aggregateAsOfSchema('vendor') })
  @ApiProblems('INVALID_AS_OF', 'NOT_YET_CREATED', 'VENDOR_NOT_FOUND')
  vendor(
    @Param('vendorId', new UuidParamPipe('vendorId')) id: string,
    @Query() query: AsOfQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<AggregateAsOf> {
    return this.aggregate('vendor', id, query, request);
  }

  @Get('listings/:listingId')
  @ApiOperation({ summary: 'A listing as it was at a past time or position (its price then, and its price history up to then)', description: POINT })
  @ApiJsonResponse('{ kind, id, asOf, lastEvent, state }', { schema: aggregateAsOfSchema('listing') })
  @ApiProblems('INVALID_AS_OF', 'NOT_YET_CREATED', 'LISTING_NOT_FOUND')
  listing(
    @Param('listingId', new UuidParamPipe('listingId')) id: string,
    @Query() query: AsOfQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<AggregateAsOf> {
    return this.aggregate('listing', id, query, request);
  }

  @Get('balances')
  @ApiOperation({
    summary: "The balances at a past time or position: per card (limit, held, captured-unsettled, available) and the journal's trial balance",
    description: `${POINT}. Replays the cards and journal read models into memory up to the point, so it takes as long as a scan of the log up to there; 429 AS_OF_BUSY when ${AS_OF_BALANCE_REPLAYS_MAX} are running.`,
  })
  @ApiJsonResponse('{ asOf, lastEvent, eventsReplayed, trialBalance, cards, nextAfterCardId }', { schema: BALANCES_AS_OF_SCHEMA })
  @ApiProblems('INVALID_AS_OF', 'AS_OF_BUSY')
  async balances(@Query() query: BalancesAsOfQueryDto): Promise<BalancesAsOf & { asOf: Record<string, string> }> {
    const point = parseAsOfPoint(query);
    if (this.balanceReplays >= AS_OF_BALANCE_REPLAYS_MAX) {
      throw new DomainError('rate_limited', 'AS_OF_BUSY', `${AS_OF_BALANCE_REPLAYS_MAX} as-of balance replays are running; retry when one has finished`);
    }
    this.balanceReplays += 1;
    try {
      const result = await balancesAsOf(this.store, point, { cardId: query.cardId, afterCardId: query.afterCardId, limit: query.limit });
      return { asOf: describePoint(point), ...result };
    } finally {
      this.balanceReplays -= 1;
    }
  }

  private aggregate(kind: AsOfKind, id: string, query: AsOfQueryDto, request: AuthenticatedRequest): Promise<AggregateAsOf> {
    return aggregateAsOf(this.store, kind, id, parseAsOfPoint(query), requireActor(request.actor));
  }
}
