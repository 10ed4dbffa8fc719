import type { SchemaObject } from '@nestjs/swagger';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { OCDS_PATHS, OcdsExporter, PeriodPage } from './ocds-exporter.js';
import {
  PERIOD_PAGE_RECORDS_DEFAULT,
  PERIOD_PAGE_RECORDS_MAX,
  PERIOD_PAGE_RELEASES_DEFAULT,
  PERIOD_PAGE_RELEASES_MAX,
  PeriodPageRequest,
  parsePeriodQuery,
  periodQueryString,
} from './ocds-period.js';
import { OcdsPeriodQueryDto } from './ocds-query.dto.js';
import type { OcdsRecordPackage, OcdsReleasePackage } from './ocds-release.types.js';
import { publicationPolicyText } from './publication-policy.js';
import { ApiJsonResponse, ApiMediaResponse, ApiProblems } from '../http/openapi/api-responses.js';

const PACKAGE: SchemaObject = {
  type: 'object',
  required: ['uri', 'publishedDate', 'publisher', 'version'],
  properties: { version: { type: 'string', enum: ['1.1'] } },
};

const PERIOD =
  'Releases by their recorded time, bounds inclusive; paged: the next page is in the Link header (rel="next"). 404 NO_RELEASES_IN_PERIOD when nothing changed.';

/** OCDS 1.1 open data (docs/ocds.md): public, no key, no personal data. */
@ApiTags('public OCDS')
@Public()
@Controller('public/ocds')
export class OcdsController {
  constructor(@Inject(OcdsExporter) private readonly exporter: OcdsExporter) {}

  @Get('releases/:ocid')
  @ApiOperation({ summary: 'The release package of one contracting process (one order): every release, oldest first' })
  @ApiJsonResponse('an OCDS 1.1 release package', { schema: PACKAGE })
  @ApiProblems('OCID_NOT_FOUND')
  release(@Param('ocid') ocid: string): Promise<OcdsReleasePackage> {
    return this.exporter.releasePackageOfOrder(ocid);
  }

  @Get('records/:ocid')
  @ApiOperation({ summary: 'The record package of one contracting process: its releases and the compiled release' })
  @ApiJsonResponse('an OCDS 1.1 record package', { schema: PACKAGE })
  @ApiProblems('OCID_NOT_FOUND')
  record(@Param('ocid') ocid: string): Promise<OcdsRecordPackage> {
    return this.exporter.recordPackageOfOrder(ocid);
  }

  @Get('release-packages')
  @ApiOperation({
    summary: `The releases of a period, ${PERIOD_PAGE_RELEASES_DEFAULT} per page by default (max ${PERIOD_PAGE_RELEASES_MAX})`,
    description: PERIOD,
  })
  @ApiJsonResponse('an OCDS 1.1 release package', { schema: PACKAGE })
  @ApiProblems('INVALID_OCDS_PERIOD', 'NO_RELEASES_IN_PERIOD')
  async releasePackages(@Query() query: OcdsPeriodQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<OcdsReleasePackage> {
    const request = parsePeriodQuery(query, { max: PERIOD_PAGE_RELEASES_MAX, fallback: PERIOD_PAGE_RELEASES_DEFAULT });
    return this.paged(OCDS_PATHS.releasePackages, request, await this.exporter.releasePackageOfPeriod(request), reply);
  }

  @Get('record-packages')
  @ApiOperation({
    summary: `The records of the processes that changed in a period, ${PERIOD_PAGE_RECORDS_DEFAULT} per page by default (max ${PERIOD_PAGE_RECORDS_MAX})`,
    description: PERIOD,
  })
  @ApiJsonResponse('an OCDS 1.1 record package', { schema: PACKAGE })
  @ApiProblems('INVALID_OCDS_PERIOD', 'NO_RELEASES_IN_PERIOD', 'OCID_NOT_FOUND')
  async recordPackages(@Query() query: OcdsPeriodQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<OcdsRecordPackage> {
    const request = parsePeriodQuery(query, { max: PERIOD_PAGE_RECORDS_MAX, fallback: PERIOD_PAGE_RECORDS_DEFAULT });
    return this.paged(OCDS_PATHS.recordPackages, request, await this.exporter.recordPackageOfPeriod(request), reply);
  }

  @Get('publication-policy')
  @ApiOperation({ summary: 'The publication policy every package links to (plain text, Bahasa Indonesia and English)' })
  @ApiMediaResponse('text/plain', 'the publication policy, as text')
  publicationPolicy(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.header('Content-Type', 'text/plain; charset=utf-8');
    return publicationPolicyText(this.exporter.publication);
  }

  private paged<Package>(path: string, request: PeriodPageRequest, page: PeriodPage<Package>, reply: FastifyReply): Package {
    if (page.nextCursor !== undefined) {
      void reply.header('Link', `<${this.exporter.publication.baseUrl}${path}?${periodQueryString(request, page.nextCursor)}>; rel="next"`);
    }
    return page.package;
  }
}
