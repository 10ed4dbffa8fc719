import type { Hold, IssuedCard } from '../domain/card.state.js';
import { availableRupiah } from '../domain/card.state.js';

/**
 * A card as admins, auditors and its own OPD see it: masked number, balances, its open holds and
 * its most recent ended or declined ones (every hold is in the card_holds read model).
 */
export function cardView(card: IssuedCard, revision: bigint): Record<string, unknown> {
  const holds: Hold[] = [...card.openHolds.values().map((hold) => ({ status: 'held' as const, ...hold })), ...card.recentHolds.entries().map(([, hold]) => hold)];
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
    holds,
    settledStatements: card.settledStatements.entries().map(([statementReference]) => statementReference),
    revision: revision.toString(),
  };
}
