import { PersistentMap } from '../../kernel/persistent-map.js';
import { RecentWindow } from '../../kernel/recent-window.js';
import type { DeclineReason } from './card.events.js';

/** An approved authorisation still holding money on the card; it ends exactly once (captured | voided | expired). */
export interface OpenHold {
  readonly orderId: string;
  readonly amountRupiah: number;
  readonly expiresAt: string;
}

/** An authorisation that ended, or was declined: kept only in the card's recent window. */
export type EndedHold =
  | { readonly status: 'captured'; readonly orderId: string; readonly amountRupiah: number; readonly capturedRupiah: number }
  | { readonly status: 'voided' | 'expired'; readonly orderId: string; readonly amountRupiah: number }
  | { readonly status: 'declined'; readonly orderId: string; readonly amountRupiah: number; readonly reason: DeclineReason };

export type Hold = ({ readonly status: 'held' } & OpenHold) | EndedHold;

/**
 * How many ended or declined authorisations a card remembers. A replayed AuthoriseCard for an
 * order whose authorisation was declined (the order-payment process manager replaying its
 * trigger after a crash, before the order recorded the decline) must find the decline here; the
 * process manager checkpoints after every trigger, so only a handful of decisions can lie between.
 */
export const RECENT_HOLDS_KEPT = 100;
/**
 * How many settled statement references a card remembers to refuse a second settlement of one.
 * Banks issue a KKP statement a month: 240 months outlast any card's validity.
 */
export const SETTLED_STATEMENTS_KEPT = 240;

/**
 * A card's state is bounded whatever its history: the open holds, running totals, and two
 * bounded windows. Every order the card ever paid lives in the events and the card_holds read
 * model, not here.
 */
export interface CardAccount {
  readonly cardId: string;
  readonly opdCode: string;
  readonly opdName: string;
  readonly holderName: string;
  readonly cardLast4: string;
  readonly limitRupiah: number;
  readonly expiresOn: string;
  /** Sum of the open holds. */
  readonly heldRupiah: number;
  /** Captured but not yet paid to the bank by the OPD's treasurer. */
  readonly capturedUnsettledRupiah: number;
  readonly openHolds: PersistentMap<OpenHold>;
  readonly recentHolds: RecentWindow<EndedHold>;
  /** Statement reference -> settled amount. */
  readonly settledStatements: RecentWindow<number>;
}

export type CardState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & CardAccount)
  | ({ readonly status: 'suspended' | 'closed'; readonly reason: string } & CardAccount);

export type IssuedCard = Exclude<CardState, { status: 'absent' }>;

/** available = limit - held - captured but unsettled. */
export function availableRupiah(card: CardAccount): number {
  return card.limitRupiah - card.heldRupiah - card.capturedUnsettledRupiah;
}

export function emptyCardBooks(): Pick<CardAccount, 'heldRupiah' | 'capturedUnsettledRupiah' | 'openHolds' | 'recentHolds' | 'settledStatements'> {
  return {
    heldRupiah: 0,
    capturedUnsettledRupiah: 0,
    openHolds: PersistentMap.empty(),
    recentHolds: RecentWindow.empty(RECENT_HOLDS_KEPT),
    settledStatements: RecentWindow.empty(SETTLED_STATEMENTS_KEPT),
  };
}
