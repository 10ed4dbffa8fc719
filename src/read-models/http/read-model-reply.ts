import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../kernel/errors.js';
import { CSV_PAGE_SIZE_MAX, PAGE_SIZE_MAX, Page, toCsv } from '../keyset-query.js';
import type { ProjectionRunners } from '../projection-runners.js';
import { READ_MODEL_WAIT_MS_DEFAULT, type FreshnessDto, type ListQueryDto } from './read-model-query.dto.js';

export const POSITION_HEADER = 'X-Read-Model-Position';

/**
 * Read-your-writes: with waitForPosition, wait (bounded) until every projection behind the
 * endpoint has applied that position, else 503 READ_MODEL_STALE. A position the store has not
 * reached can only come later by chance, so it is refused at once rather than waited for.
 * Every answer says how far the read model is in X-Read-Model-Position.
 */
export async function ensureFresh(runners: ProjectionRunners, projections: readonly string[], query: FreshnessDto, reply: FastifyReply): Promise<void> {
  if (query.waitForPosition !== undefined) {
    const target = BigInt(query.waitForPosition);
    const head = await runners.headPosition(projections);
    if (target > head) {
      throw new DomainError('validation', 'POSITION_BEYOND_HEAD', `waitForPosition ${target} is beyond the event store's head (${head}): pass a position a command answered`, {
        headPosition: head.toString(),
        errors: [{ field: 'waitForPosition', messages: [`must be at most the head position ${head}`] }],
      });
    }
    const reached = await runners.waitForPosition(projections, target, query.waitMs ?? READ_MODEL_WAIT_MS_DEFAULT);
    if (!reached) {
      const position = await runners.position(projections);
      void reply.header('Retry-After', '1').header(POSITION_HEADER, position.toString());
      throw new DomainError('unavailable', 'READ_MODEL_STALE', `the read model has not reached position ${target} yet; retry shortly`, {
        projections,
        position: position.toString(),
        waitForPosition: target.toString(),
      });
    }
  }
  void reply.header(POSITION_HEADER, (await runners.position(projections)).toString());
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
