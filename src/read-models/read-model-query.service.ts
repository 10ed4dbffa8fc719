import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SqlValue } from '../../projections/projection.js';
import { ListSpec, Page, listPage } from './keyset-query.js';
import { ensureFresh, pageReply, pageSizeMax, wantsCsv } from './http/read-model-reply.js';
import type { FreshnessDto, ListQueryDto } from './http/read-model-query.dto.js';
import { ProjectionRunners } from './projection-runners.js';
import { READ_MODEL_DB } from './read-model.tokens.js';

/** Runs list queries over the read-model database, fresh as the caller asked. */
@Injectable()
export class ReadModelQueryService {
  constructor(
    @Inject(READ_MODEL_DB) readonly db: Database.Database,
    readonly runners: ProjectionRunners,
  ) {}

  fresh(projections: readonly string[], query: FreshnessDto, reply: FastifyReply): Promise<void> {
    return ensureFresh(this.runners, projections, query, reply);
  }

  async list(
    spec: ListSpec,
    projections: readonly string[],
    query: ListQueryDto,
    filters: Readonly<Record<string, SqlValue | boolean | undefined>>,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Page | string> {
    await this.fresh(projections, query, reply);
    const csv = wantsCsv(query, request);
    const page = listPage(this.db, spec, {
      filters,
      ...(query.sort !== undefined ? { sort: query.sort } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      pageSizeMax: pageSizeMax(csv),
    });
    return pageReply(spec.name, Object.keys(spec.fields), page, csv, reply);
  }
}
