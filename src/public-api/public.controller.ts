import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { publicViewOf } from '../audit/event-commitment.js';
import { Public } from '../auth/roles.decorator.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { EVENT_STORE } from '../event-store/event-store.tokens.js';
import { readWholeStream } from '../event-store/read-whole-stream.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { notFound } from '../kernel/errors.js';
import { orderStreamId } from '../orders/domain/order.decider.js';
import { listPage, type ListSpec, type Page } from '../read-models/keyset-query.js';
import { POSITION_HEADER } from '../read-models/http/read-model-reply.js';
import { ReadModelQueryService } from '../read-models/read-model-query.service.js';
import {
  SpendingDimension,
  UMK_KOPERASI_TARGET_PERCENT,
  UMK_KOPERASI_TARGET_RULE,
  spendingListSpec,
  spendingTotals,
  withShares,
} from '../read-models/queries/spending.queries.js';
import {
  CATALOG_LIST,
  PRICE_HISTORY_LIST,
  TRANSACTION_LIST,
  VENDOR_BREAKDOWN_ROWS_MAX,
  VENDOR_LIST,
  categoryName,
  listingRow,
  publicCounts,
  regionName,
  vendorListings,
  vendorProfileRow,
} from './public.queries.js';
import {
  PublicCatalogQueryDto,
  PublicListQueryDto,
  PublicPriceHistoryQueryDto,
  PublicTransactionQueryDto,
  PublicVendorQueryDto,
  refuseParameters,
} from './public-query.dto.js';
import { ApiJsonResponse, ApiPageResponse, ApiProblems } from '../http/openapi/api-responses.js';
import {
  PUBLIC_LISTING_SCHEMA,
  PUBLIC_SUMMARY_SCHEMA,
  PUBLIC_TRANSACTION_ROW_SCHEMA,
  PUBLIC_TRANSACTION_SCHEMA,
  PUBLIC_VENDOR_SCHEMA,
} from './public.schemas.js';

const SUMMARY_PROJECTIONS = ['spending', 'orders', 'vendors', 'catalog'];

type Filters = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The public transparency API: anyone, no key. Answers come from the read models as they are
 * (never waiting for a position), carry ETag and Cache-Control, and are rate limited per
 * address (src/public-api/public-http.ts).
 */
@ApiTags('public')
@Public()
@Controller('public')
export class PublicController {
  constructor(
    private readonly queries: ReadModelQueryService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('summary')
  @ApiOperation({ summary: 'Headline figures: paid spending, the UMK/koperasi and Banten shares against the 40% target, counts' })
  @ApiJsonResponse('{ spending, counts, targetPercent, targetRule }', { schema: PUBLIC_SUMMARY_SCHEMA })
  @ApiProblems('VALIDATION_FAILED')
  async summary(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    refuseParameters(query);
    await this.position(SUMMARY_PROJECTIONS, reply);
    return {
      spending: withShares(spendingTotals(this.queries.db, {})),
      counts: publicCounts(this.queries.db),
      targetPercent: UMK_KOPERASI_TARGET_PERCENT,
      targetRule: UMK_KOPERASI_TARGET_RULE,
    };
  }

  @Get('transactions')
  @ApiOperation({
    summary: 'Recent transactions, public facts only: order, date, OPD, region, vendor, categories, total, status',
    description: `filters: status, opdCode, kabupatenKotaCode, vendorId, category, placedFrom, placedTo, min/maxTotalRupiah; sort: ${Object.keys(TRANSACTION_LIST.sorts).join(', ')}`,
  })
  @ApiPageResponse('transactions', { csv: false, spec: TRANSACTION_LIST, item: PUBLIC_TRANSACTION_ROW_SCHEMA })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  async transactions(@Query() query: PublicTransactionQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const { status, opdCode, kabupatenKotaCode, vendorId, category, placedFrom, placedTo, minTotalRupiah, maxTotalRupiah } = query;
    const page = await this.page(
      TRANSACTION_LIST,
      ['orders', 'spending'],
      query,
      {
        status,
        opdCode,
        kabupatenKotaCode,
        vendorId,
        category: category === undefined ? undefined : `,${category},`,
        placedFrom,
        placedTo,
        minTotalRupiah,
        maxTotalRupiah,
      },
      reply,
    );
    return {
      ...page,
      items: page.items.map((item) => ({
        ...item,
        kabupatenKotaName: regionName(item.kabupatenKotaCode as string),
        categories: String(item.categories).split(',').filter(Boolean),
      })),
    };
  }

  @Get('transactions/:orderId')
  @ApiOperation({ summary: "One transaction's public facts and its events in the log (id, position, type, public view), for verification" })
  @ApiJsonResponse('{ transaction, lines, events }', { schema: PUBLIC_TRANSACTION_SCHEMA })
  @ApiProblems('TRANSACTION_NOT_FOUND')
  async transaction(
    @Param('orderId', new UuidParamPipe('orderId')) orderId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    await this.position(['orders', 'spending'], reply);
    const row = this.queries.db.prepare(`SELECT * FROM ${TRANSACTION_LIST.source} WHERE order_id = ?`).get(orderId) as
      Record<string, string | number | null> | undefined;
    const events = await readWholeStream(this.store, orderStreamId(orderId));
    if (!row && events.length === 0) throw notFound('TRANSACTION_NOT_FOUND', `no transaction ${orderId}`);
    const lines = this.queries.db
      .prepare(`SELECT line_no, title, category, unit, quantity, unit_price_rupiah, line_total_rupiah FROM order_lines WHERE order_id = ? ORDER BY line_no`)
      .all(orderId) as Record<string, string | number>[];
    return {
      transaction: row
        ? {
            orderId: row.order_id,
            placedAt: row.placed_at,
            paidAt: row.paid_at,
            status: row.status,
            opdCode: row.opd_code,
            opdName: row.opd_name,
            kabupatenKotaCode: row.buyer_kabupaten_kota_code,
            kabupatenKotaName: regionName(row.buyer_kabupaten_kota_code as string),
            vendorId: row.vendor_id,
            vendorName: row.vendor_name,
            vendorScale: row.vendor_scale,
            totalRupiah: row.total_rupiah,
            paidRupiah: row.paid_rupiah,
          }
        : null,
      lines: lines.map((line) => ({
        lineNo: line.line_no,
        title: line.title,
        category: line.category,
        categoryName: categoryName(String(line.category)),
        unit: line.unit,
        quantity: line.quantity,
        unitPriceRupiah: line.unit_price_rupiah,
        lineTotalRupiah: line.line_total_rupiah,
      })),
      events: events.map((event) => ({
        eventId: event.id,
        position: event.position.toString(),
        streamId: event.streamId,
        revision: event.revision.toString(),
        type: event.type,
        recordedAt: event.created.toISOString(),
        publicView: publicViewOf(event),
      })),
    };
  }

  @Get('vendors')
  @ApiOperation({
    summary: 'Vendors with what was paid to them',
    description: `filters: q, scale, status, kabupatenKotaCode, isLocal; sort: ${Object.keys(VENDOR_LIST.sorts).join(', ')}`,
  })
  @ApiPageResponse('vendors', { csv: false, spec: VENDOR_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  async vendors(@Query() query: PublicVendorQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page> {
    const { q, scale, status, kabupatenKotaCode, isLocal } = query;
    const page = await this.page(VENDOR_LIST, ['vendors', 'spending'], query, { q, scale, status, kabupatenKotaCode, isLocal }, reply);
    return { ...page, items: page.items.map((item) => ({ ...item, kabupatenKotaName: regionName(item.kabupatenKotaCode as string) })) };
  }

  @Get('vendors/:vendorId')
  @ApiOperation({
    summary: "A vendor's public profile: name, scale, region, status, sales by month, category and OPD, and its listings with their price histories",
  })
  @ApiJsonResponse('{ vendor, sales, listings }', { schema: PUBLIC_VENDOR_SCHEMA })
  @ApiProblems('VENDOR_NOT_FOUND')
  async vendor(
    @Param('vendorId', new UuidParamPipe('vendorId')) vendorId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    await this.position(['vendors', 'spending', 'catalog'], reply);
    const vendor = vendorProfileRow(this.queries.db, vendorId);
    if (!vendor) throw notFound('VENDOR_NOT_FOUND', `no vendor ${vendorId}`);
    const breakdown = (by: SpendingDimension, sort: string) =>
      listPage(this.queries.db, spendingListSpec(by, { vendorId }), {
        filters: {},
        sort,
        limit: VENDOR_BREAKDOWN_ROWS_MAX,
        pageSizeMax: VENDOR_BREAKDOWN_ROWS_MAX,
      }).items.map((item) => withShares(item as { key: string; label: string; amountRupiah: number; umkKoperasiRupiah: number; localRupiah: number }, by));
    return {
      vendor,
      sales: {
        totals: withShares(spendingTotals(this.queries.db, { vendorId })),
        byMonth: breakdown('month', 'key'),
        byCategory: breakdown('category', '-amountRupiah'),
        byOpd: breakdown('opd', '-amountRupiah'),
      },
      listings: vendorListings(this.queries.db, vendorId),
    };
  }

  @Get('catalog')
  @ApiOperation({
    summary: 'Search the active catalog',
    description: `q searches title and vendor name; filters: category, kabupatenKotaCode (the vendor's), vendorId, minPriceRupiah, maxPriceRupiah; sort: ${Object.keys(CATALOG_LIST.sorts).join(', ')}`,
  })
  @ApiPageResponse('listings', { csv: false, spec: CATALOG_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  async catalog(@Query() query: PublicCatalogQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page> {
    const { q, category, kabupatenKotaCode, vendorId, minPriceRupiah, maxPriceRupiah } = query;
    const page = await this.page(
      CATALOG_LIST,
      ['catalog', 'vendors'],
      query,
      { q, category, kabupatenKotaCode, vendorId, minPriceRupiah, maxPriceRupiah },
      reply,
    );
    return {
      ...page,
      items: page.items.map((item) => ({
        ...item,
        categoryName: categoryName(String(item.category)),
        kabupatenKotaName: regionName(item.kabupatenKotaCode as string),
      })),
    };
  }

  @Get('catalog/:listingId')
  @ApiOperation({ summary: "One listing's public facts and its price history, oldest first (paged)" })
  @ApiJsonResponse('{ listing, prices: { items, nextCursor } }', { schema: PUBLIC_LISTING_SCHEMA })
  @ApiProblems('LISTING_NOT_FOUND', 'INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  async listing(
    @Param('listingId', new UuidParamPipe('listingId')) listingId: string,
    @Query() query: PublicPriceHistoryQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const listing = listingRow(this.queries.db, listingId);
    if (!listing) throw notFound('LISTING_NOT_FOUND', `no listing ${listingId}`);
    return { listing, prices: await this.page(PRICE_HISTORY_LIST, ['catalog'], query, { listingId }, reply) };
  }

  private async page(spec: ListSpec, projections: readonly string[], query: PublicListQueryDto, filters: Filters, reply: FastifyReply): Promise<Page> {
    await this.position(projections, reply);
    return listPage(this.queries.db, spec, {
      filters,
      ...(query.sort !== undefined ? { sort: query.sort } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
  }

  private async position(projections: readonly string[], reply: FastifyReply): Promise<void> {
    void reply.header(POSITION_HEADER, (await this.queries.runners.position(projections)).toString());
  }
}
