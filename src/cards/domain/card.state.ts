import type { DeclineReason } from './card.events.js';

/** One authorisation on a card, keyed by its order; it ends exactly once (held -> captured | voided | expired). */
export type Hold =
  | { readonly status: 'held'; readonly orderId: string; readonly amountRupiah: number; readonly expiresAt: string }
  | { readonly status: 'captured'; readonly orderId: string; readonly amountRupiah: number; readonly capturedRupiah: number }
  | { readonly status: 'voided' | 'expired'; readonly orderId: string; readonly amountRupiah: number }
  | { readonly status: 'declined'; readonly orderId: string; readonly amountRupiah: number; readonly reason: DeclineReason };

export interface CardAccount {
  readonly cardId: string;
  readonly opdCode: string;
  readonly opdName: string;
  readonly holderName: string;
  readonly cardLast4: string;
  readonly limitRupiah: number;
  readonly expiresOn: string;
  /** Sum of holds still held. */
  readonly heldRupiah: number;
  /** Captured but not yet paid to the bank by the OPD's treasurer. */
  readonly capturedUnsettledRupiah: number;
  readonly holds: Readonly<Record<string, Hold>>;
  readonly settledStatements: readonly string[];
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
