import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '../../auth/roles.decorator.js';
import { UuidParamPipe } from '../../http/uuid-param.pipe.js';
import type { Page } from '../keyset-query.js';
import { LISTING_LIST, PRICE_HISTORY_LIST, VENDOR_LIST } from '../queries/directory.queries.js';
import { listReply } from './read-model-reply.js';
import { ReadModelQueryService } from '../read-model-query.service.js';
import { ListingListQueryDto, PriceHistoryQueryDto, VendorListQueryDto } from './directory-query.dto.js';
import { ApiPageResponse, ApiProblems } from '../../http/openapi/api-responses.js';

@ApiTags('read models (admin)')
@Roles('admin', 'auditor')
@Controller('admin')
export class DirectoryController {
  constructor(private readonly queries: ReadModelQueryService) {}

  @Get('vendors')
  @ApiOperation({ summary: 'Vendor directory (full NPWP: admins and auditors only)', description: `sort: ${Object.keys(VENDOR_LIST.sorts).join(', ')}` })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('vendors', { spec: VENDOR_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  vendors(@Query() query: VendorListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { status, scale, legalForm, kabupatenKotaCode, isLocal, name, nib, registeredFrom, registeredTo } = query;
    return listReply(
      this.queries,
      VENDOR_LIST,
      ['vendors'],
      query,
      { status, scale, legalForm, kabupatenKotaCode, isLocal, name, nib, registeredFrom, registeredTo },
      request,
      reply,
    );
  }

  @Get('listings')
  @ApiOperation({ summary: 'Catalog: listings with current price and status', description: `sort: ${Object.keys(LISTING_LIST.sorts).join(', ')}` })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('listings', { spec: LISTING_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  listings(@Query() query: ListingListQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Page | string> {
    const { vendorId, category, status, vendorStatus, isDomesticProduct, minPriceRupiah, maxPriceRupiah, title } = query;
    return listReply(
      this.queries,
      LISTING_LIST,
      ['catalog'],
      query,
      { vendorId, category, status, vendorStatus, isDomesticProduct, minPriceRupiah, maxPriceRupiah, title },
      request,
      reply,
    );
  }

  @Get('listings/:listingId/prices')
  @ApiOperation({ summary: 'The price history of one listing, one row per price', description: `sort: ${Object.keys(PRICE_HISTORY_LIST.sorts).join(', ')}` })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse('price changes', { spec: PRICE_HISTORY_LIST })
  @ApiProblems('INVALID_CURSOR', 'INVALID_LIMIT', 'INVALID_SORT')
  prices(
    @Param('listingId', new UuidParamPipe('listingId')) listingId: string,
    @Query() query: PriceHistoryQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page | string> {
    return listReply(this.queries, PRICE_HISTORY_LIST, ['catalog'], query, { listingId, from: query.from, to: query.to }, request, reply);
  }
}
