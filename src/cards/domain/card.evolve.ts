import { assertNever } from '../../kernel/assert.js';
import type { CardEvent } from './card.events.js';
import type { CardAccount, CardState, Hold } from './card.state.js';

/** Folds one card event; events are facts, so evolve never refuses (a bad stream is a bug upstream). */
export function evolveCard(state: CardState, event: CardEvent): CardState {
  if (event.type === 'CardIssued') {
    return { status: 'active', ...event.data, heldRupiah: 0, capturedUnsettledRupiah: 0, holds: {}, settledStatements: [] };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'CardLimitChanged':
      return { ...state, limitRupiah: event.data.limitRupiah };
    case 'CardSuspended':
      return { ...state, status: 'suspended', reason: event.data.reason };
    case 'CardReinstated':
      return { ...accountOf(state), status: 'active' };
    case 'CardClosed':
      return { ...state, status: 'closed', reason: event.data.reason };
    case 'AuthorisationApproved': {
      const { orderId, amountRupiah, expiresAt } = event.data;
      return withHold(state, { status: 'held', orderId, amountRupiah, expiresAt }, amountRupiah, 0);
    }
    case 'AuthorisationDeclined': {
      const { orderId, amountRupiah, reason } = event.data;
      return withHold(state, { status: 'declined', orderId, amountRupiah, reason }, 0, 0);
    }
    case 'AuthorisationCaptured': {
      const { orderId, amountRupiah, heldRupiah } = event.data;
      return withHold(state, { status: 'captured', orderId, amountRupiah: heldRupiah, capturedRupiah: amountRupiah }, -heldRupiah, amountRupiah);
    }
    case 'AuthorisationVoided':
    case 'AuthorisationExpired': {
      const { orderId, amountRupiah } = event.data;
      const status = event.type === 'AuthorisationVoided' ? 'voided' : 'expired';
      return withHold(state, { status, orderId, amountRupiah }, -amountRupiah, 0);
    }
    case 'StatementSettled':
      return {
        ...state,
        capturedUnsettledRupiah: state.capturedUnsettledRupiah - event.data.amountRupiah,
        settledStatements: [...state.settledStatements, event.data.statementReference],
      };
    default:
      return assertNever(event, 'card event');
  }
}

function withHold<S extends Exclude<CardState, { status: 'absent' }>>(state: S, hold: Hold, heldDelta: number, capturedDelta: number): S {
  return {
    ...state,
    heldRupiah: state.heldRupiah + heldDelta,
    capturedUnsettledRupiah: state.capturedUnsettledRupiah + capturedDelta,
    holds: { ...state.holds, [hold.orderId]: hold },
  };
}

function accountOf(state: Exclude<CardState, { status: 'absent' }>): CardAccount {
  const { status: _status, ...rest } = state;
  const { reason: _reason, ...account } = rest as CardAccount & { reason?: string };
  return account;
}
