import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { SqlValue } from '../../projections/projection.js';
import { DomainError } from '../kernel/errors.js';
import { ListSpec, Page, listPage } from './keyset-query.js';
import { ProjectionRunners } from './projection-runners.js';
import { READ_MODEL_DB } from './read-model.tokens.js';

/** A read waits this long for waitForPosition by default, and at most READ_MODEL_WAIT_MS_MAX: a connection is not held longer. */
export const READ_MODEL_WAIT_MS_DEFAULT = 2_000;
export const READ_MODEL_WAIT_MS_MAX = 5_000;

/** Read-your-writes: the position (from a command response) a read must reflect, and how long to wait for it. */
export interface Freshness {
  readonly waitForPosition?: string;
  readonly waitMs?: number;
}

/** Which page of a list: sort, size (bounded by pageSizeMax) and the cursor of the previous page. */
export interface PageWindow {
  readonly sort?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly pageSizeMax: number;
}

/** The read model did not reach the asked position in time; `position` is how far it got. */
export class ReadModelStaleError extends DomainError {
  constructor(
    readonly position: bigint,
    projections: readonly string[],
    target: bigint,
  ) {
    super('unavailable', 'READ_MODEL_STALE', `the read model has not reached position ${target} yet; retry shortly`, {
      projections,
      position: position.toString(),
      waitForPosition: target.toString(),
    });
  }
}

/** Runs list queries over the read-model database, fresh as the caller asked. */
@Injectable()
export class ReadModelQueryService {
  constructor(
    @Inject(READ_MODEL_DB) readonly db: Database.Database,
    readonly runners: ProjectionRunners,
  ) {}

  /**
   * With waitForPosition, waits (bounded) until every projection named has applied that position,
   * else ReadModelStaleError. A position the store has not reached can only come later by chance,
   * so it is refused at once rather than waited for. Answers the position the projections are at.
   */
  async fresh(projections: readonly string[], freshness: Freshness): Promise<bigint> {
    if (freshness.waitForPosition !== undefined) {
      const target = BigInt(freshness.waitForPosition);
      const head = await this.runners.headPosition(projections);
      if (target > head) {
        throw new DomainError(
          'validation',
          'POSITION_BEYOND_HEAD',
          `waitForPosition ${target} is beyond the event store's head (${head}): pass a position a command answered`,
          {
            headPosition: head.toString(),
            errors: [{ field: 'waitForPosition', messages: [`must be at most the head position ${head}`] }],
          },
        );
      }
      const reached = await this.runners.waitForPosition(projections, target, freshness.waitMs ?? READ_MODEL_WAIT_MS_DEFAULT);
      if (!reached) throw new ReadModelStaleError(await this.runners.position(projections), projections, target);
    }
    return this.runners.position(projections);
  }

  page(spec: ListSpec, filters: Readonly<Record<string, SqlValue | boolean | undefined>>, window: PageWindow): Page {
    return listPage(this.db, spec, { filters, ...window });
  }
}
