import type { SchemaObject } from '@nestjs/swagger';
import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, Roles } from '../../auth/roles.decorator.js';
import { notFound } from '../../kernel/errors.js';
import { AUDIT_LEAVES_PAGE_MAX, LOG_LEAVES_PAGE_MAX, LogQueries, STREAM_PROOFS_MAX } from '../log-queries.js';
import { parseTilePath } from '../tiles.js';
import { ConsistencyQueryDto, InclusionQueryDto, LeafRangeQueryDto, StreamProofQueryDto } from './log-query.dto.js';
import { ApiJsonResponse, ApiMediaResponse, ApiProblems } from '../../http/openapi/api-responses.js';
import { AUDIT_LEAF_PAGE_SCHEMA, CONSISTENCY_PROOF_SCHEMA, INCLUSION_PROOF_SCHEMA, LEAF_PAGE_SCHEMA, STREAM_PROOF_SCHEMA } from './log.schemas.js';

const TILE_PREFIX = '/log/tile/';
/** Full tiles never change; partial ones and the checkpoint do. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT_LIVED = 'public, max-age=5';

/** The transparency log (docs/audit.md): public, nothing private in any answer. */
@ApiTags('transparency log')
@Controller('log')
export class LogController {
  constructor(private readonly queries: LogQueries) {}

  @Get('checkpoint')
  @Public()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The latest signed checkpoint (C2SP tlog-checkpoint in a signed note, Ed25519)' })
  @ApiMediaResponse('text/plain', 'the checkpoint as a signed note')
  @ApiProblems('LOG_CHECKPOINT_NOT_FOUND')
  checkpoint(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.header('Content-Type', 'text/plain; charset=utf-8');
    return this.queries.latestCheckpoint().note;
  }

  @Get('key')
  @Public()
  @ApiOperation({ summary: "The log's origin and its note verifier key (`<name>+<key id>+<base64 key>`)" })
  @ApiJsonResponse('{ origin, verifierKey }', {
    schema: { type: 'object', required: ['origin', 'verifierKey'], properties: { origin: { type: 'string' }, verifierKey: { type: 'string' } } },
  })
  key(): { origin: string; verifierKey: string } {
    return this.queries.key();
  }

  @Get('proofs/inclusion')
  @Public()
  @ApiOperation({
    summary: 'Inclusion proof of one event (by position, eventId or leafIndex) in the tree of treeSize, with its public leaf record and the checkpoint',
  })
  @ApiJsonResponse('the proof, the leaf record and the checkpoint', { schema: INCLUSION_PROOF_SCHEMA })
  @ApiProblems('LOG_QUERY_INVALID', 'LOG_CHECKPOINT_NOT_FOUND', 'LOG_LEAF_NOT_FOUND', 'LOG_LEAF_NOT_IN_TREE', 'LOG_TREE_SIZE_BEYOND_HEAD')
  inclusion(@Query() query: InclusionQueryDto): Record<string, unknown> {
    return {
      ...this.queries.inclusion({
        ...(query.position !== undefined ? { position: BigInt(query.position) } : {}),
        ...(query.eventId !== undefined ? { eventId: query.eventId } : {}),
        ...(query.leafIndex !== undefined ? { leafIndex: query.leafIndex } : {}),
        ...(query.treeSize !== undefined ? { treeSize: query.treeSize } : {}),
      }),
    };
  }

  @Get('proofs/stream')
  @Public()
  @ApiOperation({
    summary: `A transaction's events (one stream: an order, a card...), at most ${STREAM_PROOFS_MAX}, each with its public leaf record and inclusion proof against one checkpoint`,
  })
  @ApiJsonResponse('the events with their proofs and the checkpoint', { schema: STREAM_PROOF_SCHEMA })
  @ApiProblems('LOG_QUERY_INVALID', 'LOG_CHECKPOINT_NOT_FOUND', 'LOG_LEAF_NOT_FOUND', 'LOG_LEAF_NOT_IN_TREE', 'LOG_TREE_SIZE_BEYOND_HEAD')
  stream(@Query() query: StreamProofQueryDto): Record<string, unknown> {
    return { ...this.queries.streamInclusion(query.streamId, query.treeSize) };
  }

  @Get('proofs/consistency')
  @Public()
  @ApiOperation({ summary: 'Consistency proof that the tree of `to` extends the tree of `from` (RFC 9162 section 2.1.4)' })
  @ApiJsonResponse('the proof and the checkpoint', { schema: CONSISTENCY_PROOF_SCHEMA })
  @ApiProblems('LOG_QUERY_INVALID', 'LOG_CHECKPOINT_NOT_FOUND', 'LOG_LEAF_NOT_FOUND', 'LOG_LEAF_NOT_IN_TREE', 'LOG_TREE_SIZE_BEYOND_HEAD')
  consistency(@Query() query: ConsistencyQueryDto): Record<string, unknown> {
    return { ...this.queries.consistency(query.from, query.to) };
  }

  @Get('leaves')
  @Public()
  @ApiOperation({ summary: `Public leaf records [start, end), at most ${LOG_LEAVES_PAGE_MAX}: the public view and salted digest of each event` })
  @ApiJsonResponse('the leaf records', { schema: LEAF_PAGE_SCHEMA })
  @ApiProblems('LOG_QUERY_INVALID', 'LOG_CHECKPOINT_NOT_FOUND', 'LOG_LEAF_NOT_FOUND', 'LOG_LEAF_NOT_IN_TREE', 'LOG_TREE_SIZE_BEYOND_HEAD')
  leaves(@Query() query: LeafRangeQueryDto): Record<string, unknown> {
    return { ...this.queries.leaves(query.start, query.end) };
  }

  @Get('tile/*')
  @Public()
  @ApiOperation({ summary: 'C2SP tlog-tiles: /log/tile/<L>/<N>[.p/<W>] (hashes) and /log/tile/entries/<N>[.p/<W>] (leaf data bundles)' })
  @ApiMediaResponse('application/octet-stream', 'the tile bytes', { type: 'string', contentMediaType: 'application/octet-stream' } as SchemaObject)
  @ApiProblems('LOG_TILE_NOT_FOUND', 'LOG_QUERY_INVALID', 'LOG_TREE_SIZE_BEYOND_HEAD', 'LOG_ENTRY_TOO_LARGE')
  tile(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const path = request.url.split('?')[0]!;
    const tile = path.startsWith(TILE_PREFIX) ? parseTilePath(path.slice(TILE_PREFIX.length)) : undefined;
    if (!tile) throw notFound('LOG_TILE_NOT_FOUND', 'not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]');
    const { body, full } = this.queries.tile(tile);
    void reply.header('Content-Type', 'application/octet-stream').header('Cache-Control', full ? IMMUTABLE : SHORT_LIVED);
    return body;
  }
}

/** Whole events with their salts, for auditors only. */
@ApiTags('audit')
@Controller('audit')
export class AuditLeavesController {
  constructor(private readonly queries: LogQueries) {}

  @Get('leaves')
  @Roles('auditor')
  @ApiOperation({
    summary: `Leaves [start, end), at most ${AUDIT_LEAVES_PAGE_MAX}, each with the whole event and its salt, so the private digest can be recomputed`,
  })
  @ApiJsonResponse('the leaves with whole events and salts', { schema: AUDIT_LEAF_PAGE_SCHEMA })
  @ApiProblems('LOG_QUERY_INVALID', 'LOG_CHECKPOINT_NOT_FOUND', 'LOG_LEAF_NOT_FOUND', 'LOG_LEAF_NOT_IN_TREE', 'LOG_TREE_SIZE_BEYOND_HEAD')
  async leaves(@Query() query: LeafRangeQueryDto): Promise<Record<string, unknown>> {
    return { ...(await this.queries.auditLeaves(query.start, query.end)) };
  }
}
