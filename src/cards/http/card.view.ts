import type { IssuedCard } from '../domain/card.state.js';
import { availableRupiah } from '../domain/card.state.js';

/** A card as admins, auditors and its own OPD see it: masked number, balances, every hold. */
export function cardView(card: IssuedCard, revision: bigint): Record<string, unknown> {
  return {
    cardId: card.cardId,
    status: card.status,
    ...(card.status !== 'active' ? { reason: card.reason } : {}),
    opdCode: card.opdCode,
    opdName: card.opdName,
    holderName: card.holderName,
    maskedNumber: `**** **** **** ${card.cardLast4}`,
    expiresOn: card.expiresOn,
    limitRupiah: card.limitRupiah,
    heldRupiah: card.heldRupiah,
    capturedUnsettledRupiah: card.capturedUnsettledRupiah,
    availableRupiah: availableRupiah(card),
    holds: Object.values(card.holds),
    settledStatements: card.settledStatements,
    revision: revision.toString(),
  };
}
