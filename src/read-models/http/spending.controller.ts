import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/roles.decorator.js';
import { listPage, toCsv } from '../keyset-query.js';
import {
  SpendingFilters,
  TARGET_GROUPS_MAX,
  UMK_KOPERASI_TARGET_PERCENT,
  UMK_KOPERASI_TARGET_RULE,
  spendingListSpec,
  spendingTotals,
  withShares,
} from '../queries/spending.queries.js';
import { ReadModelQueryService } from '../read-model-query.service.js';
import { ensureFresh, pageSizeMax, wantsCsv } from './read-model-reply.js';
import { SpendingFilterDto, SpendingQueryDto } from './ledger-query.dto.js';
import { ApiJsonResponse, ApiProblems } from '../../http/openapi/api-responses.js';
import { SPENDING_PAGE_SCHEMA, SPENDING_TARGETS_SCHEMA } from './spending.schemas.js';

const FIELDS = [
  'key',
  'label',
  'amountRupiah',
  'orderCount',
  'umkKoperasiRupiah',
  'umkKoperasiSharePercent',
  'localRupiah',
  'localSharePercent',
  'meetsUmkKoperasiTarget',
];

/** Public aggregates for the transparency dashboard: amounts by group, no personal data. */
@ApiTags('public spending')
@Controller('public/spending')
export class SpendingController {
  constructor(private readonly queries: ReadModelQueryService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Spending paid through Bela Pengadaan, grouped by opd, kabupaten-kota, vendor, category, month, scale or locality',
    description:
      `Amounts are what was captured on the KKP (month of payment). Each group shows the share to micro/small enterprises and koperasi ` +
      `against the ${UMK_KOPERASI_TARGET_PERCENT}% target of ${UMK_KOPERASI_TARGET_RULE}, and the share to vendors domiciled in Banten. ` +
      'Sort: amountRupiah, orderCount, key (prefix - for descending).',
  })
  @ApiProduces('application/json', 'text/csv')
  // One 200 with both media types: two decorators for one status keep only the last one's content.
  @ApiResponse({
    status: 200,
    description: '{ by, items, nextCursor, totals, targetPercent }, or the items as text/csv (format=csv or Accept: text/csv)',
    content: {
      'application/json': {
        schema: SPENDING_PAGE_SCHEMA,
      },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  async spending(
    @Query() query: SpendingQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown> | string> {
    await ensureFresh(this.queries, ['spending'], {}, reply);
    const by = query.by ?? 'kabupaten-kota';
    const filters = filtersOf(query);
    const csv = wantsCsv(query, request);
    const page = listPage(this.queries.db, spendingListSpec(by, filters), {
      filters: {},
      ...(query.sort !== undefined ? { sort: query.sort } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      pageSizeMax: pageSizeMax(csv),
    });
    const items = page.items.map((item) =>
      withShares(item as { key: string; label: string; amountRupiah: number; umkKoperasiRupiah: number; localRupiah: number }, by),
    );
    if (csv) {
      if (page.nextCursor) void reply.header('X-Next-Cursor', page.nextCursor);
      void reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="spending-by-${by}.csv"`);
      return toCsv(FIELDS, items);
    }
    return {
      by,
      items,
      nextCursor: page.nextCursor,
      limit: page.limit,
      sort: page.sort,
      totals: withShares(spendingTotals(this.queries.db, filters)),
      targetPercent: UMK_KOPERASI_TARGET_PERCENT,
      targetRule: UMK_KOPERASI_TARGET_RULE,
    };
  }

  @Get('targets')
  @Public()
  @ApiOperation({
    summary: `The ${UMK_KOPERASI_TARGET_PERCENT}% UMK/koperasi target (${UMK_KOPERASI_TARGET_RULE}) and the Banten share, overall, per kabupaten/kota and per OPD`,
  })
  @ApiJsonResponse('{ overall, byKabupatenKota, byOpd, targetPercent }', { schema: SPENDING_TARGETS_SCHEMA })
  async targets(@Query() query: SpendingFilterDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    await ensureFresh(this.queries, ['spending'], {}, reply);
    const filters = filtersOf(query);
    const groups = (by: 'kabupaten-kota' | 'opd') => {
      const page = listPage(this.queries.db, spendingListSpec(by, filters), {
        filters: {},
        sort: 'key',
        limit: TARGET_GROUPS_MAX,
        pageSizeMax: TARGET_GROUPS_MAX,
      });
      return {
        items: page.items.map((item) =>
          withShares(item as { key: string; label: string; amountRupiah: number; umkKoperasiRupiah: number; localRupiah: number }, by),
        ),
        truncated: page.nextCursor !== null,
      };
    };
    return {
      targetPercent: UMK_KOPERASI_TARGET_PERCENT,
      targetRule: UMK_KOPERASI_TARGET_RULE,
      overall: withShares(spendingTotals(this.queries.db, filters)),
      byKabupatenKota: groups('kabupaten-kota'),
      byOpd: groups('opd'),
    };
  }
}

function filtersOf(query: SpendingFilterDto): SpendingFilters {
  const { monthFrom, monthTo, opdCode, kabupatenKotaCode, vendorId, category, scale, isLocal } = query;
  return Object.fromEntries(
    Object.entries({ monthFrom, monthTo, opdCode, kabupatenKotaCode, vendorId, category, scale, isLocal }).filter(([, value]) => value !== undefined),
  ) as SpendingFilters;
}
