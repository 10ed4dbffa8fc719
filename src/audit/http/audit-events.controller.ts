import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, Roles } from '../../auth/roles.decorator.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { EVENT_STORE } from '../../event-store/event-store.tokens.js';
import { parseExportRange } from '../export/export-range.js';
import { AUDIT_EXPORT_LINES_DEFAULT, AuditExportQueryDto, PUBLIC_EXPORT_LINES_DEFAULT, PublicExportQueryDto } from './audit-query.dto.js';
import { HEAD_POSITION_HEADER, NDJSON_CONTENT_TYPE, sendNdjson } from './ndjson-reply.js';
import { ApiMediaResponse, ApiProblems } from '../../http/openapi/api-responses.js';

const RESUME = `To go on, ask again with fromPosition = the last line's position + 1; ${HEAD_POSITION_HEADER} is the head when the answer started.`;

@ApiTags('audit')
@Controller()
export class AuditEventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('audit/events')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Export the events as NDJSON, whole (auditors, admins)',
    description: `One event per line: position, streamId, revision, id, type, data, metadata, recordedAt, and commitment when the store keeps one. ${RESUME}`,
  })
  @ApiProduces(NDJSON_CONTENT_TYPE)
  @ApiMediaResponse(NDJSON_CONTENT_TYPE, 'NDJSON, streamed: one event per line')
  @ApiProblems('INVALID_EXPORT_RANGE')
  events(@Query() query: AuditExportQueryDto, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendNdjson(reply, this.store, parseExportRange(query), 'full', query.limit ?? AUDIT_EXPORT_LINES_DEFAULT);
  }

  @Get('public/events')
  @Public()
  @ApiOperation({
    summary: 'Export the events as NDJSON, public view only (anyone)',
    description: `One event per line: position, id, type, recordedAt and publicView, the same redaction as the public Kafka topics; null for an internal-only event. ${RESUME}`,
  })
  @ApiProduces(NDJSON_CONTENT_TYPE)
  @ApiMediaResponse(NDJSON_CONTENT_TYPE, 'NDJSON, streamed: one public event per line')
  @ApiProblems('INVALID_EXPORT_RANGE')
  publicEvents(@Query() query: PublicExportQueryDto, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendNdjson(reply, this.store, parseExportRange(query), 'public', query.limit ?? PUBLIC_EXPORT_LINES_DEFAULT);
  }
}
