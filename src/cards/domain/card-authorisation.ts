import { conflict, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { isPositiveRupiah } from '../../kernel/money.js';
import { kkpCapFor } from '../../policy/domain/policy.js';
import type { CardCommand } from './card.commands.js';
import type { CardEvent, DeclineReason } from './card.events.js';
import { IssuedCard, OpenHold, availableRupiah } from './card.state.js';
import { cardExpiryInstantMs, holdExpiresAt } from './card-validity.js';

type Cmd<T extends CardCommand['type']> = Extract<CardCommand, { type: T }>;

/**
 * The check and the hold are one decision on one fold of the card's stream, appended with its
 * expected revision: two concurrent authorisations can never both spend the same rupiah.
 * A business decline is an event, not an error: auditors see every attempt.
 */
export function authorise(command: Cmd<'AuthoriseCard'>, card: IssuedCard): CardEvent[] {
  requireAmount(command.amountRupiah);
  // One authorisation per order: a replayed request finds the order answered, or the card's
  // decision still open or recent (the order may not have recorded it yet).
  if (!command.orderAwaitingAuthorisation) return [];
  if (card.openHolds.has(command.orderId) || card.recentHolds.has(command.orderId)) return [];
  const { policy } = command;
  const capRupiah = kkpCapFor(policy, command.domesticUmkPurchase);
  const available = availableRupiah(card);
  const base = { cardId: card.cardId, orderId: command.orderId, payeeVendorId: command.payeeVendorId, amountRupiah: command.amountRupiah };
  const reason = declineReason(command, card, capRupiah, available);
  if (reason !== undefined) {
    return [{ type: 'AuthorisationDeclined', data: { ...base, reason, availableRupiah: available, capRupiah, policyRevision: policy.revision } }];
  }
  return [
    {
      type: 'AuthorisationApproved',
      data: {
        ...base,
        availableBeforeRupiah: available,
        capRupiah,
        expiresAt: holdExpiresAt(command.at, policy.authorisationTtlDays),
        policyRevision: policy.revision,
      },
    },
  ];
}

function declineReason(command: Cmd<'AuthoriseCard'>, card: IssuedCard, capRupiah: number, available: number): DeclineReason | undefined {
  if (card.status !== 'active') return 'CARD_NOT_ACTIVE';
  if (command.at.getTime() >= cardExpiryInstantMs(card.expiresOn)) return 'CARD_EXPIRED';
  if (command.opdCode !== card.opdCode) return 'CARD_OF_ANOTHER_OPD';
  if (command.amountRupiah > capRupiah) return 'OVER_PER_PAYEE_CAP';
  if (command.amountRupiah > available) return 'INSUFFICIENT_AVAILABLE';
  return undefined;
}

export function capture(command: Cmd<'CaptureAuthorisation'>, card: IssuedCard): CardEvent[] {
  requireAmount(command.amountRupiah);
  const hold = requireHeld(card, command.orderId, 'capture');
  if (!command.orderReceived) {
    throw ruleViolation('CAPTURE_BEFORE_RECEIPT', 'a capture is only for an order that was received (BAST signed)', { orderId: command.orderId });
  }
  if (command.amountRupiah > hold.amountRupiah) {
    throw ruleViolation('CAPTURE_ABOVE_HOLD', 'a capture may not exceed the held amount', {
      orderId: command.orderId,
      amountRupiah: command.amountRupiah,
      heldRupiah: hold.amountRupiah,
    });
  }
  return [
    {
      type: 'AuthorisationCaptured',
      data: {
        cardId: card.cardId,
        orderId: command.orderId,
        amountRupiah: command.amountRupiah,
        heldRupiah: hold.amountRupiah,
        bastNumber: command.bastNumber,
        policyRevision: command.policy.revision,
      },
    },
  ];
}

/** Releasing a hold that is not open (never granted, declined or already released) changes nothing. */
export function voidHold(command: Cmd<'VoidAuthorisation'>, card: IssuedCard): CardEvent[] {
  const hold = card.openHolds.get(command.orderId);
  if (hold === undefined) {
    if (card.recentHolds.get(command.orderId)?.status === 'captured') {
      throw ruleViolation('VOID_AFTER_CAPTURE', 'a captured authorisation cannot be voided', { orderId: command.orderId });
    }
    return [];
  }
  return [
    {
      type: 'AuthorisationVoided',
      data: { cardId: card.cardId, orderId: command.orderId, amountRupiah: hold.amountRupiah, reason: command.reason, policyRevision: command.policy.revision },
    },
  ];
}

export function expire(command: Cmd<'ExpireAuthorisation'>, card: IssuedCard): CardEvent[] {
  const status = card.recentHolds.get(command.orderId)?.status;
  if (status === 'voided' || status === 'expired') return [];
  const held = requireHeld(card, command.orderId, 'expire');
  if (command.at.getTime() < Date.parse(held.expiresAt)) {
    throw ruleViolation('HOLD_NOT_YET_EXPIRED', 'the hold is still within its time to live', { orderId: command.orderId, expiresAt: held.expiresAt });
  }
  return [
    {
      type: 'AuthorisationExpired',
      data: {
        cardId: card.cardId,
        orderId: command.orderId,
        amountRupiah: held.amountRupiah,
        expiresAt: held.expiresAt,
        policyRevision: command.policy.revision,
      },
    },
  ];
}

export function settle(command: Cmd<'SettleStatement'>, card: IssuedCard): CardEvent[] {
  requireAmount(command.amountRupiah);
  if (card.settledStatements.has(command.statementReference)) {
    throw conflict('STATEMENT_ALREADY_SETTLED', `statement ${command.statementReference} was already settled`, {
      statementReference: command.statementReference,
    });
  }
  if (command.amountRupiah > card.capturedUnsettledRupiah) {
    throw ruleViolation('SETTLEMENT_ABOVE_UNSETTLED', 'a settlement may not exceed what was captured and not yet settled', {
      amountRupiah: command.amountRupiah,
      capturedUnsettledRupiah: card.capturedUnsettledRupiah,
    });
  }
  return [{ type: 'StatementSettled', data: { cardId: card.cardId, statementReference: command.statementReference, amountRupiah: command.amountRupiah } }];
}

/** An ended hold older than the recent window reads as not found: either way nothing is written. */
function requireHeld(card: IssuedCard, orderId: string, action: string): OpenHold {
  const open = card.openHolds.get(orderId);
  if (open !== undefined) return open;
  const ended = card.recentHolds.get(orderId);
  if (ended === undefined || ended.status === 'declined') {
    throw notFound('AUTHORISATION_NOT_FOUND', `no approved authorisation for order ${orderId} on this card`, { orderId });
  }
  throw ruleViolation('HOLD_ALREADY_ENDED', `cannot ${action}: the hold already ended (${ended.status})`, { orderId, holdStatus: ended.status });
}

export function requireAmount(amountRupiah: number, field = 'amountRupiah'): void {
  if (!isPositiveRupiah(amountRupiah)) {
    throw invalid('INVALID_AMOUNT', `${field} must be a positive integer number of rupiah`, [{ field, messages: ['integer > 0'] }]);
  }
}
