import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '../../auth/roles.decorator.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import { notFound } from '../../kernel/errors.js';
import { listPage, type Page } from '../keyset-query.js';
import {
  CARD_HOLD_LIST,
  CARD_LIST,
  JOURNAL_BALANCE_LIST,
  JOURNAL_ENTRY_LIST,
  JOURNAL_LINE_LIST,
  ORDER_LINE_LIST,
  ORDER_LIST,
  ORDER_TIMELINE_LIST,
} from '../queries/ledger.queries.js';
import { ensureFresh, listReply } from './read-model-reply.js';
import { ReadModelQueryService } from '../read-model-query.service.js';
import { trialBalance, type TrialBalance } from '../queries/trial-balance.js';
import { TRIAL_BALANCE_SCHEMA } from './trial-balance.schema.js';
import {
  CardHoldListQueryDto,
  CardListQueryDto,
  JournalBalanceQueryDto,
  JournalEntryQueryDto,
  JournalLineQueryDto,
  OrderListQueryDto,
  TimelineQueryDto,
} from './ledger-query.dto.js';
import { FreshnessDto } from './read-model-query.dto.js';
import { ApiPageResponse, ApiProblems, ApiReadModelResponse, arrayOf, listItemSchema } from '../../http/openapi/api-responses.js';

const sortsOf = (spec: { sorts: Record<string, string> }): string => `sort: ${Object.keys(spec.sorts).join(', ')} (prefix - for descending)`;
/** An order has at most ORDER_LINES_MAX (50) lines: one page holds them all. */
const ORDER_LINES_PAGE = 50;

/** One order's row of the orders list, with its lines as the lines list gives them. */
const ORDER_ROW_SCHEMA = listItemSchema(ORDER_LIST);
const ORDER_WITH_LINES_SCHEMA = {
  ...ORDER_ROW_SCHEMA,
  required: [...(ORDER_ROW_SCHEMA.required ?? []), 'lines'],
  properties: { ...ORDER_ROW_SCHEMA.properties, lines: arrayOf(listItemSchema(ORDER_LINE_LIST)) },
};

@ApiTags('read models (admin)')
@Roles('admin', 'auditor')
@Controller('admin')
export class LedgerController {
  constructor(private readonly queries: ReadModelQueryService) {}

  @Get('orders')
  @ApiOperation({ summary: 'Orders with state, amounts and step times', description: sortsOf(ORDER_LIST) })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('orders', { spec: ORDER_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  orders(@Query() query: OrderListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { status, opdCode, kabupatenKotaCode, vendorId, cardId, category, placedFrom, placedTo, minTotalRupiah, maxTotalRupiah } = query;
    return listReply(
      this.queries,
      ORDER_LIST,
      ['orders'],
      query,
      { status, opdCode, kabupatenKotaCode, vendorId, cardId, category, placedFrom, placedTo, minTotalRupiah, maxTotalRupiah },
      request,
      reply,
    );
  }

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'One order with its lines' })
  @ApiReadModelResponse('the order summary and its lines', ORDER_WITH_LINES_SCHEMA)
  @ApiProblems('ORDER_NOT_FOUND')
  async order(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Query() query: FreshnessDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    await ensureFresh(this.queries, ['orders'], query, reply);
    const page = listPage(this.queries.db, ORDER_LIST, { filters: { orderId }, limit: 1 });
    if (page.items.length === 0) throw notFound('ORDER_NOT_FOUND', `no order ${orderId} in the read model`, { orderId });
    const lines = listPage(this.queries.db, ORDER_LINE_LIST, { filters: { orderId }, limit: ORDER_LINES_PAGE });
    return { ...page.items[0], lines: lines.items };
  }

  @Get('orders/:orderId/timeline')
  @ApiOperation({ summary: "An order's timeline: its events and its card hold's events, in $all order", description: sortsOf(ORDER_TIMELINE_LIST) })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('timeline entries', { spec: ORDER_TIMELINE_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  timeline(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Query() query: TimelineQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page | string> {
    return listReply(this.queries, ORDER_TIMELINE_LIST, ['orders'], query, { orderId, type: query.type }, request, reply);
  }

  @Get('cards')
  @ApiOperation({
    summary: 'KKP cards: limit, held, captured-unsettled, available (cardholder names: admins and auditors only)',
    description: sortsOf(CARD_LIST),
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('cards', { spec: CARD_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  cards(@Query() query: CardListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { opdCode, status, minAvailableRupiah, maxAvailableRupiah } = query;
    return listReply(this.queries, CARD_LIST, ['cards'], query, { opdCode, status, minAvailableRupiah, maxAvailableRupiah }, request, reply);
  }

  @Get('card-holds')
  @ApiOperation({ summary: 'Authorisations (holds) and their outcome: held, captured, voided, expired, declined', description: sortsOf(CARD_HOLD_LIST) })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('card holds', { spec: CARD_HOLD_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  holds(@Query() query: CardHoldListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { cardId, orderId, status, payeeVendorId, authorisedFrom, authorisedTo } = query;
    return listReply(this.queries, CARD_HOLD_LIST, ['cards'], query, { cardId, orderId, status, payeeVendorId, authorisedFrom, authorisedTo }, request, reply);
  }

  @Get('journal/entries')
  @ApiOperation({
    summary: 'Journal entries: one per card movement (hold, capture, void, expiry, settlement, limit)',
    description: sortsOf(JOURNAL_ENTRY_LIST),
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('journal entries', { spec: JOURNAL_ENTRY_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  entries(@Query() query: JournalEntryQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { cardId, kind, orderId, from, to } = query;
    return listReply(this.queries, JOURNAL_ENTRY_LIST, ['journal'], query, { cardId, kind, orderId, from, to }, request, reply);
  }

  @Get('journal/lines')
  @ApiOperation({ summary: 'Journal lines (postings): one debit or credit to one account of one card', description: sortsOf(JOURNAL_LINE_LIST) })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('journal lines', { spec: JOURNAL_LINE_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  lines(@Query() query: JournalLineQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { cardId, account, position, from, to } = query;
    return listReply(this.queries, JOURNAL_LINE_LIST, ['journal'], query, { cardId, account, position, from, to }, request, reply);
  }

  @Get('journal/balances')
  @ApiOperation({ summary: 'Balance (debits - credits) per card and account', description: sortsOf(JOURNAL_BALANCE_LIST) })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('balances', { spec: JOURNAL_BALANCE_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  balances(@Query() query: JournalBalanceQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    return listReply(this.queries, JOURNAL_BALANCE_LIST, ['journal'], query, { cardId: query.cardId, account: query.account }, request, reply);
  }

  @Get('journal/trial-balance')
  @ApiOperation({
    summary: 'Trial balance: debits, credits and balance per account over all cards; the net is always zero',
    description: 'unbalancedEntries counts entries whose debits differ from their credits: always 0.',
  })
  @ApiReadModelResponse('{ accounts: [...], totalDebitRupiah, totalCreditRupiah, netRupiah, unbalancedEntries, balanced }', TRIAL_BALANCE_SCHEMA)
  async trialBalance(@Query() query: FreshnessDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<TrialBalance> {
    await ensureFresh(this.queries, ['journal'], query, reply);
    return trialBalance(this.queries.db);
  }
}
