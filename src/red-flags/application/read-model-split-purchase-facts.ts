import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE } from '../../event-store/event-store.tokens.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { DomainError } from '../../kernel/errors.js';
import type { SplitPurchaseFacts } from '../../orders/application/split-purchase-facts.js';
import { redFlagsProjection } from '../../../projections/red-flags/red-flags.projection.js';
import { PAIR_WINDOWS } from '../../../projections/red-flags/red-flags.tables.js';
import { ReadModelQueryService } from '../../read-models/read-model-query.service.js';
import type { WindowOrder } from '../domain/red-flag-rules.js';

/** How long placement waits for the red-flags read model to reach the store's head before answering 503. */
export const SPLIT_FACTS_WAIT_MS = 3_000;

/**
 * The OPD and vendor pair's recent orders from the red-flags read model, read once it has
 * applied every event up to the store's head when the request arrived. Its limit: two
 * placements for the same pair at the same moment both read the window before either is in
 * it, so both may pass; the projection still flags the split they make.
 */
@Injectable()
export class ReadModelSplitPurchaseFacts implements SplitPurchaseFacts {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queries: ReadModelQueryService,
  ) {}

  async recentOrders(opdCode: string, vendorId: string): Promise<readonly WindowOrder[]> {
    const head = await this.store.headPosition();
    if (head >= 0n && !(await this.queries.runners.waitForPosition([redFlagsProjection.name], head, SPLIT_FACTS_WAIT_MS))) {
      throw new DomainError('unavailable', 'SPLIT_CHECK_UNAVAILABLE', 'recent orders cannot be checked for a split purchase right now; retry shortly', {
        waitedMs: SPLIT_FACTS_WAIT_MS,
      });
    }
    const row = this.queries.db.prepare(`SELECT orders FROM ${PAIR_WINDOWS} WHERE opd_code = ? AND vendor_id = ?`).get(opdCode, vendorId) as
      { orders: string } | undefined;
    return row ? (JSON.parse(row.orders) as WindowOrder[]) : [];
  }
}
