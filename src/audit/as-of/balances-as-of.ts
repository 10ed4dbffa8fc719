import Database from 'better-sqlite3';
import { cardsProjection } from '../../../projections/cards/cards.projection.js';
import { journalProjection } from '../../../projections/journal/journal.projection.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { ProjectionEngine } from '../../read-models/projection-engine.js';
import { trialBalance, type TrialBalance } from '../../read-models/queries/trial-balance.js';
import { AsOfPoint, isWithin } from './as-of-point.js';

/** Cards per HTTP answer of the as-of balances; the next page starts after `nextAfterCardId`. */
export const AS_OF_CARDS_PAGE_DEFAULT = 100;
export const AS_OF_CARDS_PAGE_MAX = 1_000;

export interface CardBalanceAsOf {
  readonly cardId: string;
  readonly opdCode: string;
  readonly status: string;
  readonly limitRupiah: number;
  readonly heldRupiah: number;
  readonly capturedUnsettledRupiah: number;
  readonly availableRupiah: number;
}

export interface BalancesAsOf {
  /** The last event replayed: the balances are exactly those after it. Null when no event was within the point. */
  readonly lastEvent: { readonly position: string; readonly recordedAt: string } | null;
  readonly eventsReplayed: number;
  readonly trialBalance: TrialBalance;
  readonly cards: readonly CardBalanceAsOf[];
  readonly nextAfterCardId: string | null;
}

export interface BalancesQuery {
  readonly cardId?: string;
  readonly afterCardId?: string;
  /** Cards in the answer (default AS_OF_CARDS_PAGE_DEFAULT); the caller bounds it. */
  readonly limit?: number;
  readonly onPage?: (position: bigint, events: number) => void;
}

/**
 * The balances as of a past point: the cards and journal projections, the very ones the live
 * read models run, replayed into a scratch in-memory database up to the point. It costs one
 * scan of the log up to the point; the live read models are not touched.
 */
export async function balancesAsOf(store: EventStore, point: AsOfPoint, query: BalancesQuery = {}): Promise<BalancesAsOf> {
  const db = new Database(':memory:');
  try {
    // Read only once the replay returns: its rows may be held across pages.
    const engine = new ProjectionEngine(db, [cardsProjection, journalProjection], { holdRowsAcrossPages: true });
    let last: RecordedEvent | undefined;
    const within = (event: RecordedEvent): boolean => {
      if (!isWithin(point, event)) return false;
      last = event;
      return true;
    };
    // Inside the service: the service's page (CATCH_UP_PAGE_EVENTS) keeps its memory bound.
    const eventsReplayed = await engine.replay(store, { onPage: query.onPage, within });
    const limit = query.limit ?? AS_OF_CARDS_PAGE_DEFAULT;
    const rows = db
      .prepare(
        `SELECT card_id AS cardId, opd_code AS opdCode, status, limit_rupiah AS limitRupiah, held_rupiah AS heldRupiah,
                captured_unsettled_rupiah AS capturedUnsettledRupiah, available_rupiah AS availableRupiah
         FROM card_accounts WHERE card_id > ? AND (? IS NULL OR card_id = ?) ORDER BY card_id LIMIT ?`,
      )
      .all(query.afterCardId ?? '', query.cardId ?? null, query.cardId ?? null, limit + 1) as CardBalanceAsOf[];
    const cards = rows.slice(0, limit);
    return {
      lastEvent: last ? { position: last.position.toString(), recordedAt: last.created.toISOString() } : null,
      eventsReplayed,
      trialBalance: trialBalance(db),
      cards,
      nextAfterCardId: rows.length > limit ? cards[cards.length - 1]!.cardId : null,
    };
  } finally {
    db.close();
  }
}
