import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SqlValue } from '../../../projections/projection.js';
import { CSV_PAGE_SIZE_MAX, ListSpec, PAGE_SIZE_MAX, Page, toCsv } from '../keyset-query.js';
import { ReadModelQueryService, ReadModelStaleError } from '../read-model-query.service.js';
import type { FreshnessDto, ListQueryDto } from './read-model-query.dto.js';

export const POSITION_HEADER = 'X-Read-Model-Position';

/**
 * Read-your-writes over HTTP: waits as the query asks (ReadModelQueryService.fresh), and every
 * answer says how far the read model is in X-Read-Model-Position; a 503 READ_MODEL_STALE also
 * says when to retry.
 */
export async function ensureFresh(queries: ReadModelQueryService, projections: readonly string[], query: FreshnessDto, reply: FastifyReply): Promise<void> {
  let position: bigint;
  try {
    position = await queries.fresh(projections, query);
  } catch (error) {
    if (error instanceof ReadModelStaleError) void reply.header('Retry-After', '1').header(POSITION_HEADER, error.position.toString());
    throw error;
  }
  void reply.header(POSITION_HEADER, position.toString());
}

/** A list endpoint's answer: fresh as asked, one page of the list as JSON or CSV. */
export async function listReply(
  queries: ReadModelQueryService,
  spec: ListSpec,
  projections: readonly string[],
  query: ListQueryDto,
  filters: Readonly<Record<string, SqlValue | boolean | undefined>>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Page | string> {
  await ensureFresh(queries, projections, query, reply);
  const csv = wantsCsv(query, request);
  const page = queries.page(spec, filters, {
    ...(query.sort !== undefined ? { sort: query.sort } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    pageSizeMax: pageSizeMax(csv),
  });
  return pageReply(spec.name, Object.keys(spec.fields), page, csv, reply);
}

export function wantsCsv(query: ListQueryDto, request: FastifyRequest): boolean {
  if (query.format !== undefined) return query.format === 'csv';
  const accept = request.headers.accept ?? '';
  return accept.includes('text/csv');
}

export function pageSizeMax(csv: boolean): number {
  return csv ? CSV_PAGE_SIZE_MAX : PAGE_SIZE_MAX;
}

/** JSON: the page; CSV: the rows as text/csv, the next cursor in a header. */
export function pageReply(name: string, fields: readonly string[], page: Page, csv: boolean, reply: FastifyReply): Page | string {
  if (!csv) return page;
  if (page.nextCursor) void reply.header('X-Next-Cursor', page.nextCursor);
  void reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return toCsv(fields, page.items);
}
