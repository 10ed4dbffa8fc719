import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../../auth/auth.guard.js';
import { Roles } from '../../auth/roles.decorator.js';
import { requireActor } from '../../auth/scope.js';
import type { Actor } from '../../kernel/actor.js';
import { forbidden } from '../../kernel/errors.js';
import type { Page } from '../keyset-query.js';
import { ORDER_LIST } from '../queries/ledger.queries.js';
import { listReply } from './read-model-reply.js';
import { ReadModelQueryService } from '../read-model-query.service.js';
import { OrderListQueryDto } from './ledger-query.dto.js';
import { ApiPageResponse, ApiProblems } from '../../http/openapi/api-responses.js';

/**
 * The orders a key may see, as one list with /admin/orders' filters, sorts and pages: a vendor's
 * own, a buyer's OPD's, every order for admins and auditors.
 */
@ApiTags('orders')
@Controller('orders')
export class OwnOrdersController {
  constructor(private readonly queries: ReadModelQueryService) {}

  @Get()
  @Roles('admin', 'auditor', 'buyer', 'vendor')
  @ApiOperation({
    summary: "The orders this key may see (a vendor its own, a buyer its OPD's, admins and auditors all), with the filters, sorts and pages of /admin/orders",
    description: `sort: ${Object.keys(ORDER_LIST.sorts).join(', ')} (prefix - for descending). A vendor filtering on another vendorId, or a buyer on another opdCode, is 403 OUT_OF_SCOPE.`,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('orders', { spec: ORDER_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT', 'OUT_OF_SCOPE')
  list(@Query() query: OrderListQueryDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { status, opdCode, kabupatenKotaCode, vendorId, cardId, category, placedFrom, placedTo, minTotalRupiah, maxTotalRupiah } = query;
    const scope = ownOrdersScope(requireActor(request.actor), { opdCode, vendorId });
    return listReply(
      this.queries,
      ORDER_LIST,
      ['orders'],
      query,
      { status, kabupatenKotaCode, cardId, category, placedFrom, placedTo, minTotalRupiah, maxTotalRupiah, ...scope },
      request,
      reply,
    );
  }
}

/** The vendor and OPD filters a key's list is held to: its own, whatever else it asked for. */
export function ownOrdersScope(
  actor: Actor,
  asked: { opdCode?: string | undefined; vendorId?: string | undefined },
): { opdCode?: string | undefined; vendorId?: string | undefined } {
  // A vendor or buyer key always carries its vendor or OPD; without one it would list everything.
  if (actor.role === 'vendor') {
    if (actor.vendorId === undefined || (asked.vendorId !== undefined && asked.vendorId !== actor.vendorId))
      throw forbidden('OUT_OF_SCOPE', "a vendor key lists only its own vendor's orders", { vendorId: asked.vendorId });
    return { opdCode: asked.opdCode, vendorId: actor.vendorId };
  }
  if (actor.role === 'buyer') {
    if (actor.opdCode === undefined || (asked.opdCode !== undefined && asked.opdCode !== actor.opdCode))
      throw forbidden('OUT_OF_SCOPE', "a buyer key lists only its own OPD's orders", { opdCode: asked.opdCode });
    return { opdCode: actor.opdCode, vendorId: asked.vendorId };
  }
  return asked;
}
