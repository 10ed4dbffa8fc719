import { assertNever } from '../../kernel/assert.js';
import type { Decider } from '../../kernel/decider.js';
import { isIsoDate } from '../../kernel/dates.js';
import { FieldError, conflict, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { requireText } from '../../kernel/text.js';
import { requireRegisteredOpd } from '../../opds/domain/opd.decider.js';
import type { CardCommand } from './card.commands.js';
import type { CardEvent } from './card.events.js';
import { evolveCard } from './card.evolve.js';
import { cardSnapshotCodec } from './card.snapshot.js';
import { CardState, IssuedCard } from './card.state.js';
import { authorise, capture, expire, requireAmount, settle, voidHold } from './card-authorisation.js';
import { findCardNumber, isCardLast4 } from './card-number.js';
import { cardExpiryInstantMs } from './card-validity.js';

export const HOLDER_NAME_LENGTH_MAX = 200;
export const REASON_LENGTH_MAX = 500;
/** No KKP limit comes near this; it also keeps a card number typed into an amount out. */
export const CARD_LIMIT_RUPIAH_MAX = 100_000_000_000;
/** A bank statement's reference, as the statement prints it. */
export const STATEMENT_REFERENCE_PATTERN = /^[A-Za-z0-9./_-]{1,100}$/;

export const cardStreamId = (cardId: string): string => `card-${cardId}`;

export const cardDecider: Decider<CardState, CardCommand, CardEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: evolveCard,
  decide,
  snapshot: cardSnapshotCodec,
};

function decide(command: CardCommand, state: CardState): CardEvent[] {
  if (command.type === 'IssueCard') return issue(command, state);
  if (state.status === 'absent') throw notFound('CARD_NOT_FOUND', 'no such card');
  const cardId = state.cardId;
  switch (command.type) {
    case 'ChangeCardLimit':
      return changeLimit(command.limitRupiah, state);
    case 'SuspendCard':
      requireStatus(state, ['active'], 'suspend');
      return [{ type: 'CardSuspended', data: { cardId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) } }];
    case 'ReinstateCard':
      requireStatus(state, ['suspended'], 'reinstate');
      return [{ type: 'CardReinstated', data: { cardId } }];
    case 'CloseCard': {
      requireStatus(state, ['active', 'suspended'], 'close');
      const open = state.openHolds.size;
      if (open > 0) throw ruleViolation('CARD_HAS_OPEN_HOLDS', 'void, capture or let expire every open hold before closing the card', { openHolds: open });
      return [{ type: 'CardClosed', data: { cardId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) } }];
    }
    case 'AuthoriseCard':
      return authorise(command, state);
    case 'CaptureAuthorisation':
      return capture(command, state);
    case 'VoidAuthorisation':
      return voidHold(command, state);
    case 'ExpireAuthorisation':
      return expire(command, state);
    case 'SettleStatement':
      return settle(command, state);
    default:
      return assertNever(command, 'card command');
  }
}

function issue(command: Extract<CardCommand, { type: 'IssueCard' }>, state: CardState): CardEvent[] {
  if (state.status !== 'absent') throw conflict('CARD_EXISTS', 'this card was already issued', { cardId: state.cardId });
  const errors: FieldError[] = [];
  const panField = findCardNumber({ holderName: command.holderName, cardLast4: command.cardLast4 });
  if (panField !== undefined || !isCardLast4(command.cardLast4)) {
    throw invalid('CARD_NUMBER_REFUSED', 'give only the last four digits of the card: the full card number is never accepted', [
      { field: panField?.replace(/^body\./, '') ?? 'cardLast4', messages: ['only the last four digits'] },
    ]);
  }
  if (!isIsoDate(command.expiresOn)) errors.push({ field: 'expiresOn', messages: ['a date, YYYY-MM-DD'] });
  if (errors.length > 0) throw invalid('INVALID_CARD', 'the card is invalid', errors);
  requireAmount(command.limitRupiah, 'limitRupiah');
  const holderName = requireText('holderName', command.holderName, HOLDER_NAME_LENGTH_MAX);
  const opd = requireRegisteredOpd(command.opd);
  if (command.at.getTime() >= cardExpiryInstantMs(command.expiresOn)) {
    throw ruleViolation('CARD_ALREADY_EXPIRED', "the card's expiry date has passed (WIB): it could never authorise anything", { expiresOn: command.expiresOn });
  }
  return [
    {
      type: 'CardIssued',
      data: {
        cardId: command.cardId,
        opdCode: opd.opdCode,
        opdName: opd.name,
        holderName,
        cardLast4: command.cardLast4,
        limitRupiah: command.limitRupiah,
        expiresOn: command.expiresOn,
      },
    },
  ];
}

function changeLimit(limitRupiah: number, card: IssuedCard): CardEvent[] {
  requireStatus(card, ['active', 'suspended'], 'change the limit of');
  requireAmount(limitRupiah, 'limitRupiah');
  const committedRupiah = card.heldRupiah + card.capturedUnsettledRupiah;
  if (limitRupiah < committedRupiah) {
    throw ruleViolation('LIMIT_BELOW_COMMITTED', 'the new limit is below what is already held and captured but unsettled', {
      limitRupiah,
      heldRupiah: card.heldRupiah,
      capturedUnsettledRupiah: card.capturedUnsettledRupiah,
    });
  }
  if (limitRupiah === card.limitRupiah) return [];
  return [{ type: 'CardLimitChanged', data: { cardId: card.cardId, previousLimitRupiah: card.limitRupiah, limitRupiah } }];
}

function requireStatus(card: IssuedCard, allowed: readonly IssuedCard['status'][], action: string): void {
  if (!allowed.includes(card.status)) {
    throw ruleViolation('CARD_INVALID_TRANSITION', `cannot ${action} a ${card.status} card`, { status: card.status, allowedFrom: allowed });
  }
}
