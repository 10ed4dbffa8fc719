import { assert, assertNever } from '../../kernel/assert.js';
import type { CardEvent } from './card.events.js';
import { CardAccount, CardState, EndedHold, IssuedCard, OpenHold, emptyCardBooks } from './card.state.js';

/**
 * Folds one card event; events are facts, so evolve never refuses (a bad stream is a bug
 * upstream, caught by the asserts). Each event costs O(1): nothing that grows is copied.
 */
export function evolveCard(state: CardState, event: CardEvent): CardState {
  if (event.type === 'CardIssued') {
    return { status: 'active', ...event.data, ...emptyCardBooks() };
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
      assert(!state.openHolds.has(orderId), `order ${orderId} already holds money on card ${state.cardId}`);
      const hold: OpenHold = { orderId, amountRupiah, expiresAt };
      return { ...state, heldRupiah: state.heldRupiah + amountRupiah, openHolds: state.openHolds.set(orderId, hold) };
    }
    case 'AuthorisationDeclined': {
      const { orderId, amountRupiah, reason } = event.data;
      assert(!state.openHolds.has(orderId), `order ${orderId} was declined while it holds money on card ${state.cardId}`);
      return { ...state, recentHolds: state.recentHolds.add(orderId, { status: 'declined', orderId, amountRupiah, reason }) };
    }
    case 'AuthorisationCaptured': {
      const { orderId, amountRupiah, heldRupiah } = event.data;
      assert(amountRupiah <= heldRupiah, `capture of order ${orderId} above its hold`);
      return endHold(state, orderId, heldRupiah, { status: 'captured', orderId, amountRupiah: heldRupiah, capturedRupiah: amountRupiah }, amountRupiah);
    }
    case 'AuthorisationVoided':
    case 'AuthorisationExpired': {
      const { orderId, amountRupiah } = event.data;
      const status = event.type === 'AuthorisationVoided' ? 'voided' : 'expired';
      return endHold(state, orderId, amountRupiah, { status, orderId, amountRupiah }, 0);
    }
    case 'StatementSettled': {
      const { statementReference, amountRupiah } = event.data;
      assert(amountRupiah <= state.capturedUnsettledRupiah, `statement ${statementReference} settles more than was captured on card ${state.cardId}`);
      return {
        ...state,
        capturedUnsettledRupiah: state.capturedUnsettledRupiah - amountRupiah,
        settledStatements: state.settledStatements.add(statementReference, amountRupiah),
      };
    }
    default:
      return assertNever(event, 'card event');
  }
}

/** Only an open hold ends, and it releases exactly what it held. */
function endHold<S extends IssuedCard>(state: S, orderId: string, heldRupiah: number, ended: EndedHold, capturedRupiah: number): S {
  const open = state.openHolds.get(orderId);
  assert(open !== undefined, `order ${orderId} has no open hold on card ${state.cardId} to end (${ended.status})`);
  assert(open.amountRupiah === heldRupiah, `order ${orderId} ends a hold of ${heldRupiah} rupiah, but ${open.amountRupiah} are held`);
  return {
    ...state,
    heldRupiah: state.heldRupiah - heldRupiah,
    capturedUnsettledRupiah: state.capturedUnsettledRupiah + capturedRupiah,
    openHolds: state.openHolds.delete(orderId),
    recentHolds: state.recentHolds.add(orderId, ended),
  };
}

function accountOf(state: IssuedCard): CardAccount {
  const { status: _status, ...rest } = state;
  const { reason: _reason, ...account } = rest as CardAccount & { reason?: string };
  return account;
}
