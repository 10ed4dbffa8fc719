import type { CardCommand } from '../../src/cards/domain/card.commands.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { cardDecider } from '../../src/cards/domain/card.decider.js';
import { cardSnapshotCodec } from '../../src/cards/domain/card.snapshot.js';
import { CardState, RECENT_HOLDS_KEPT, SETTLED_STATEMENTS_KEPT, availableRupiah } from '../../src/cards/domain/card.state.js';
import { AssertionFailed } from '../../src/kernel/assert.js';
import { fold } from '../../src/kernel/decider.js';
import { DEFAULT_POLICY, PolicyVersion } from '../../src/policy/domain/policy.js';
import type { OpdSnapshot } from '../../src/opds/domain/opd.state.js';
import { given } from '../support/given-when-then.js';

const CARD = 'c0000000-0000-4000-8000-000000000001';
const ORDER_A = 'a0000000-0000-4000-8000-00000000000a';
const ORDER_B = 'b0000000-0000-4000-8000-00000000000b';
const VENDOR = 'v0000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-11-26T03:00:00Z');
const policy: PolicyVersion = { ...DEFAULT_POLICY, revision: 2, kkpPerPayeeCapRupiah: 50_000_000 };

const issued: CardEvent = {
  type: 'CardIssued',
  data: {
    cardId: CARD,
    opdCode: '3673-DINKES',
    opdName: 'Dinas Kesehatan Kota Serang',
    holderName: 'Siti Rahmawati',
    cardLast4: '4821',
    limitRupiah: 10_000_000,
    expiresOn: '2027-12-31',
  },
};

const dinkes: OpdSnapshot = {
  status: 'registered',
  opdCode: '3673-DINKES',
  name: 'Dinas Kesehatan Kota Serang',
  kabupatenKotaCode: '3673',
  pemdaCode: '3673',
  pemdaLevel: 'kabupaten-kota',
};

const authorise = (overrides: Partial<Extract<CardCommand, { type: 'AuthoriseCard' }>> = {}): CardCommand => ({
  type: 'AuthoriseCard',
  orderId: ORDER_A,
  orderAwaitingAuthorisation: true,
  opdCode: '3673-DINKES',
  payeeVendorId: VENDOR,
  amountRupiah: 4_000_000,
  domesticUmkPurchase: false,
  policy,
  at: NOW,
  ...overrides,
});

const approved = (orderId = ORDER_A, amountRupiah = 4_000_000, availableBeforeRupiah = 10_000_000): CardEvent => ({
  type: 'AuthorisationApproved',
  data: {
    cardId: CARD,
    orderId,
    payeeVendorId: VENDOR,
    amountRupiah,
    availableBeforeRupiah,
    capRupiah: 50_000_000,
    expiresAt: '2026-12-26T03:00:00.000Z',
    policyRevision: 2,
  },
});

const captured = (amountRupiah = 4_000_000): CardEvent => ({
  type: 'AuthorisationCaptured',
  data: { cardId: CARD, orderId: ORDER_A, amountRupiah, heldRupiah: 4_000_000, bastNumber: 'BAST/001/2026', policyRevision: 2 },
});

const capture = (overrides: Partial<Extract<CardCommand, { type: 'CaptureAuthorisation' }>> = {}): CardCommand => ({
  type: 'CaptureAuthorisation',
  orderId: ORDER_A,
  amountRupiah: 4_000_000,
  orderReceived: true,
  bastNumber: 'BAST/001/2026',
  policy,
  ...overrides,
});

function availableAfter(history: readonly CardEvent[]): number {
  const state: CardState = fold(cardDecider, history);
  if (state.status === 'absent') throw new Error('no card in the history');
  return availableRupiah(state);
}

describe('card decider', () => {
  describe('IssueCard', () => {
    const { opdCode: _code, opdName: _name, ...facts } = issued.data as Extract<CardEvent, { type: 'CardIssued' }>['data'];
    const issue: Extract<CardCommand, { type: 'IssueCard' }> = { type: 'IssueCard', ...facts, opd: dinkes, at: NOW };

    it("given nothing, when issued with the last four digits, then CardIssued with the registered OPD's code and name", () => {
      given(cardDecider, []).when(issue).then([issued]);
    });

    it("refuses a card for an OPD nobody registered (422 OPD_NOT_REGISTERED), and records a renamed OPD's name as it is now", () => {
      given(cardDecider, [])
        .when({ ...issue, opd: { opdCode: '3673-DISDIK', status: 'absent' } })
        .thenRefuses({ kind: 'business_rule', code: 'OPD_NOT_REGISTERED', details: { opdCode: '3673-DISDIK' } });
      const renamed = given(cardDecider, [])
        .when({ ...issue, opd: { ...dinkes, name: 'Dinas Kesehatan dan KB Kota Serang' } })
        .decided();
      expect(renamed[0]!.data).toMatchObject({ opdCode: '3673-DINKES', opdName: 'Dinas Kesehatan dan KB Kota Serang' });
    });

    it('refuses a full card number in the last-four field or anywhere else', () => {
      given(cardDecider, [])
        .when({ ...issue, cardLast4: '4111111111111111' })
        .thenRefuses({ kind: 'validation', code: 'CARD_NUMBER_REFUSED' });
      given(cardDecider, [])
        .when({ ...issue, cardLast4: '48215' })
        .thenRefuses({ kind: 'validation', code: 'CARD_NUMBER_REFUSED' });
      given(cardDecider, [])
        .when({ ...issue, holderName: 'Siti 4111 1111 1111 1111' })
        .thenRefuses({ kind: 'validation', code: 'CARD_NUMBER_REFUSED' });
    });

    it('refuses a second issue, a bad expiry date and a non-positive limit', () => {
      given(cardDecider, [issued]).when(issue).thenRefuses({ kind: 'conflict', code: 'CARD_EXISTS' });
      given(cardDecider, [])
        .when({ ...issue, expiresOn: '2027-02-30' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_CARD' });
      given(cardDecider, [])
        .when({ ...issue, limitRupiah: 0 })
        .thenRefuses({ kind: 'validation', code: 'INVALID_AMOUNT' });
      given(cardDecider, [])
        .when({ ...issue, limitRupiah: 1.5 })
        .thenRefuses({ kind: 'validation', code: 'INVALID_AMOUNT' });
    });

    it('refuses a card whose expiry date has passed in WIB (it could never authorise), and takes one that ends today', () => {
      // NOW is 2026-11-26T03:00Z, 10:00 WIB on 26 November.
      given(cardDecider, [])
        .when({ ...issue, expiresOn: '2026-11-25' })
        .thenRefuses({ kind: 'business_rule', code: 'CARD_ALREADY_EXPIRED', details: { expiresOn: '2026-11-25' } });
      given(cardDecider, [])
        .when({ ...issue, expiresOn: '2020-01-01' })
        .thenRefuses({ kind: 'business_rule', code: 'CARD_ALREADY_EXPIRED' });
      expect(
        given(cardDecider, [])
          .when({ ...issue, expiresOn: '2026-11-26' })
          .decided(),
      ).toHaveLength(1);
    });

    it('refuses control characters, bidi overrides and blank names; reasons go up to 500 characters', () => {
      for (const holderName of ['Siti\u0000', 'Siti \u202e', '   ', 'x'.repeat(201)]) {
        given(cardDecider, [])
          .when({ ...issue, holderName })
          .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT', details: { errors: [expect.objectContaining({ field: 'holderName' })] } });
      }
      given(cardDecider, [issued]).when({ type: 'SuspendCard', reason: 'hilang\u0000' }).thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(cardDecider, [issued])
        .when({ type: 'CloseCard', reason: 'x'.repeat(501) })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      expect(
        given(cardDecider, [issued])
          .when({ type: 'SuspendCard', reason: 'x'.repeat(500) })
          .decided(),
      ).toHaveLength(1);
    });
  });

  describe('card lifecycle', () => {
    it('changes the limit, and refuses one below what is committed', () => {
      given(cardDecider, [issued])
        .when({ type: 'ChangeCardLimit', limitRupiah: 20_000_000 })
        .then([{ type: 'CardLimitChanged', data: { cardId: CARD, previousLimitRupiah: 10_000_000, limitRupiah: 20_000_000 } }]);
      given(cardDecider, [issued, approved()])
        .when({ type: 'ChangeCardLimit', limitRupiah: 3_999_999 })
        .thenRefuses({ kind: 'business_rule', code: 'LIMIT_BELOW_COMMITTED', details: { heldRupiah: 4_000_000 } });
      given(cardDecider, [issued]).when({ type: 'ChangeCardLimit', limitRupiah: 10_000_000 }).thenNothing();
    });

    it('suspends, reinstates and closes; refuses the wrong transitions', () => {
      given(cardDecider, [issued])
        .when({ type: 'SuspendCard', reason: 'kartu hilang' })
        .then([{ type: 'CardSuspended', data: { cardId: CARD, reason: 'kartu hilang' } }]);
      const suspended: CardEvent = { type: 'CardSuspended', data: { cardId: CARD, reason: 'kartu hilang' } };
      given(cardDecider, [issued, suspended])
        .when({ type: 'SuspendCard', reason: 'x' })
        .thenRefuses({ kind: 'business_rule', code: 'CARD_INVALID_TRANSITION' });
      given(cardDecider, [issued, suspended])
        .when({ type: 'ReinstateCard' })
        .then([{ type: 'CardReinstated', data: { cardId: CARD } }]);
      given(cardDecider, [issued]).when({ type: 'ReinstateCard' }).thenRefuses({ kind: 'business_rule', code: 'CARD_INVALID_TRANSITION' });
      given(cardDecider, [issued])
        .when({ type: 'CloseCard', reason: 'pensiun' })
        .then([{ type: 'CardClosed', data: { cardId: CARD, reason: 'pensiun' } }]);
      const closed: CardEvent = { type: 'CardClosed', data: { cardId: CARD, reason: 'pensiun' } };
      given(cardDecider, [issued, closed])
        .when({ type: 'ChangeCardLimit', limitRupiah: 1 })
        .thenRefuses({ kind: 'business_rule', code: 'CARD_INVALID_TRANSITION' });
      given(cardDecider, [issued, closed]).when({ type: 'ReinstateCard' }).thenRefuses({ kind: 'business_rule', code: 'CARD_INVALID_TRANSITION' });
    });

    it('refuses to close a card with an open hold', () => {
      given(cardDecider, [issued, approved()])
        .when({ type: 'CloseCard', reason: 'x' })
        .thenRefuses({ kind: 'business_rule', code: 'CARD_HAS_OPEN_HOLDS', details: { openHolds: 1 } });
    });

    it('refuses any command on a card never issued', () => {
      given(cardDecider, []).when(authorise()).thenRefuses({ kind: 'not_found', code: 'CARD_NOT_FOUND' });
      given(cardDecider, []).when({ type: 'SuspendCard', reason: 'x' }).thenRefuses({ kind: 'not_found', code: 'CARD_NOT_FOUND' });
    });
  });

  describe('AuthoriseCard', () => {
    it('given an active card, when the amount fits, then AuthorisationApproved with the policy revision and TTL', () => {
      given(cardDecider, [issued]).when(authorise()).then([approved()]);
    });

    it('declines (as an event, not an error) over the available limit: available = limit - held - captured unsettled', () => {
      const history = [issued, approved(ORDER_A, 4_000_000), captured(4_000_000), approved(ORDER_B, 5_000_000, 6_000_000)];
      expect(availableAfter(history)).toBe(1_000_000);
      given(cardDecider, history)
        .when(authorise({ orderId: 'c1', amountRupiah: 1_000_001 }))
        .then([
          {
            type: 'AuthorisationDeclined',
            data: {
              cardId: CARD,
              orderId: 'c1',
              payeeVendorId: VENDOR,
              amountRupiah: 1_000_001,
              reason: 'INSUFFICIENT_AVAILABLE',
              availableRupiah: 1_000_000,
              capRupiah: 50_000_000,
              policyRevision: 2,
            },
          },
        ]);
      given(cardDecider, history)
        .when(authorise({ orderId: 'c1', amountRupiah: 1_000_000 }))
        .decided()
        .forEach((event) => expect(event.type).toBe('AuthorisationApproved'));
    });

    it('declines over the per-payee cap of the policy in force, and applies the PMK 97/2021 allowance only to domestic UMK purchases', () => {
      const bigCard: CardEvent = {
        type: 'CardIssued',
        data: { ...(issued.data as Extract<CardEvent, { type: 'CardIssued' }>['data']), limitRupiah: 500_000_000 },
      };
      const reasonOf = (command: CardCommand) => (given(cardDecider, [bigCard]).when(command).decided()[0]!.data as { reason?: string }).reason;
      expect(reasonOf(authorise({ amountRupiah: 50_000_001 }))).toBe('OVER_PER_PAYEE_CAP');
      const allowance = { ...policy, domesticUmkAllowanceEnabled: true };
      expect(reasonOf(authorise({ amountRupiah: 150_000_000, policy: allowance, domesticUmkPurchase: true }))).toBeUndefined();
      expect(reasonOf(authorise({ amountRupiah: 150_000_000, policy: allowance, domesticUmkPurchase: false }))).toBe('OVER_PER_PAYEE_CAP');
      expect(reasonOf(authorise({ amountRupiah: 200_000_001, policy: allowance, domesticUmkPurchase: true }))).toBe('OVER_PER_PAYEE_CAP');
    });

    it("declines on a suspended or closed card, an expired card, and another OPD's card", () => {
      const reasonOf = (history: CardEvent[], command: CardCommand) =>
        (given(cardDecider, history).when(command).decided()[0]!.data as { reason: string }).reason;
      expect(reasonOf([issued, { type: 'CardSuspended', data: { cardId: CARD, reason: 'x' } }], authorise())).toBe('CARD_NOT_ACTIVE');
      expect(reasonOf([issued, { type: 'CardClosed', data: { cardId: CARD, reason: 'x' } }], authorise())).toBe('CARD_NOT_ACTIVE');
      // Valid through 2027-12-31 WIB, i.e. until 2027-12-31T17:00Z.
      expect(
        given(cardDecider, [issued])
          .when(authorise({ at: new Date('2027-12-31T16:59:59Z') }))
          .decided()[0]!.type,
      ).toBe('AuthorisationApproved');
      expect(reasonOf([issued], authorise({ at: new Date('2027-12-31T17:00:00Z') }))).toBe('CARD_EXPIRED');
      expect(reasonOf([issued], authorise({ opdCode: '3673-DISDIK' }))).toBe('CARD_OF_ANOTHER_OPD');
    });

    it('decides one authorisation per order: a repeat writes nothing', () => {
      given(cardDecider, [issued, approved()]).when(authorise()).thenNothing();
    });

    it("authorises only an order still awaiting the card's answer: a replayed trigger for an answered or closed order writes nothing", () => {
      given(cardDecider, [issued])
        .when(authorise({ orderAwaitingAuthorisation: false }))
        .thenNothing();
      // The hold ended long ago, thousands of orders back: the card has forgotten it, the order has not.
      given(cardDecider, [issued, approved(), captured(), ...endedOrders(RECENT_HOLDS_KEPT * 2)])
        .when(authorise({ orderAwaitingAuthorisation: false }))
        .thenNothing();
    });

    it('writes nothing for an order it declined whose decline the order has not recorded yet (a replay after a crash)', () => {
      const declined = given(cardDecider, [issued])
        .when(authorise({ amountRupiah: 10_000_001 }))
        .decided();
      expect(declined[0]!.type).toBe('AuthorisationDeclined');
      // The limit is free again, but the order was answered already.
      given(cardDecider, [issued, ...declined])
        .when(authorise({ amountRupiah: 1_000 }))
        .thenNothing();
      given(cardDecider, [issued, approved(), captured()]).when(authorise()).thenNothing();
    });

    it('refuses a non-positive or fractional amount as invalid', () => {
      given(cardDecider, [issued])
        .when(authorise({ amountRupiah: 0 }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_AMOUNT' });
      given(cardDecider, [issued])
        .when(authorise({ amountRupiah: 10.5 }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_AMOUNT' });
    });
  });

  describe('CaptureAuthorisation', () => {
    it('given a hold and a received order, when captured, then AuthorisationCaptured moves held to captured-unsettled', () => {
      given(cardDecider, [issued, approved()]).when(capture()).then([captured()]);
      const state = fold(cardDecider, [issued, approved(), captured(3_500_000)]);
      expect(state).toMatchObject({ heldRupiah: 0, capturedUnsettledRupiah: 3_500_000 });
    });

    it('refuses a capture before receipt, a second capture, a capture above the hold, and one with no hold', () => {
      given(cardDecider, [issued, approved()])
        .when(capture({ orderReceived: false }))
        .thenRefuses({ kind: 'business_rule', code: 'CAPTURE_BEFORE_RECEIPT' });
      given(cardDecider, [issued, approved(), captured()])
        .when(capture())
        .thenRefuses({ kind: 'business_rule', code: 'HOLD_ALREADY_ENDED', details: { holdStatus: 'captured' } });
      given(cardDecider, [issued, approved()])
        .when(capture({ amountRupiah: 4_000_001 }))
        .thenRefuses({ kind: 'business_rule', code: 'CAPTURE_ABOVE_HOLD', details: { heldRupiah: 4_000_000 } });
      given(cardDecider, [issued]).when(capture()).thenRefuses({ kind: 'not_found', code: 'AUTHORISATION_NOT_FOUND' });
    });

    it('refuses to capture a declined, voided or expired authorisation', () => {
      const declined = given(cardDecider, [issued])
        .when(authorise({ amountRupiah: 10_000_001 }))
        .decided();
      given(cardDecider, [issued, ...declined])
        .when(capture())
        .thenRefuses({ kind: 'not_found', code: 'AUTHORISATION_NOT_FOUND' });
      const voided: CardEvent = {
        type: 'AuthorisationVoided',
        data: { cardId: CARD, orderId: ORDER_A, amountRupiah: 4_000_000, reason: 'x', policyRevision: 2 },
      };
      given(cardDecider, [issued, approved(), voided])
        .when(capture())
        .thenRefuses({ kind: 'business_rule', code: 'HOLD_ALREADY_ENDED', details: { holdStatus: 'voided' } });
    });
  });

  describe('VoidAuthorisation', () => {
    const voidIt: CardCommand = { type: 'VoidAuthorisation', orderId: ORDER_A, reason: 'order cancelled', policy };

    it('releases a held authorisation', () => {
      given(cardDecider, [issued, approved()])
        .when(voidIt)
        .then([
          { type: 'AuthorisationVoided', data: { cardId: CARD, orderId: ORDER_A, amountRupiah: 4_000_000, reason: 'order cancelled', policyRevision: 2 } },
        ]);
    });

    it('refuses to void after a capture', () => {
      given(cardDecider, [issued, approved(), captured()]).when(voidIt).thenRefuses({ kind: 'business_rule', code: 'VOID_AFTER_CAPTURE' });
    });

    it('writes nothing for a hold never granted or already ended (a hold ends exactly once)', () => {
      given(cardDecider, [issued]).when(voidIt).thenNothing();
      const voided = given(cardDecider, [issued, approved()]).when(voidIt).decided();
      given(cardDecider, [issued, approved(), ...voided])
        .when(voidIt)
        .thenNothing();
    });
  });

  describe('ExpireAuthorisation', () => {
    const expireAt = (at: string): CardCommand => ({ type: 'ExpireAuthorisation', orderId: ORDER_A, at: new Date(at), policy });

    it('expires a hold once its TTL has passed', () => {
      given(cardDecider, [issued, approved()])
        .when(expireAt('2026-12-26T03:00:00Z'))
        .then([
          {
            type: 'AuthorisationExpired',
            data: { cardId: CARD, orderId: ORDER_A, amountRupiah: 4_000_000, expiresAt: '2026-12-26T03:00:00.000Z', policyRevision: 2 },
          },
        ]);
    });

    it('refuses before the TTL, after a capture, and without a hold; writes nothing when already expired', () => {
      given(cardDecider, [issued, approved()]).when(expireAt('2026-12-26T02:59:59Z')).thenRefuses({ kind: 'business_rule', code: 'HOLD_NOT_YET_EXPIRED' });
      given(cardDecider, [issued, approved(), captured()])
        .when(expireAt('2027-01-30T00:00:00Z'))
        .thenRefuses({ kind: 'business_rule', code: 'HOLD_ALREADY_ENDED' });
      given(cardDecider, [issued]).when(expireAt('2027-01-30T00:00:00Z')).thenRefuses({ kind: 'not_found', code: 'AUTHORISATION_NOT_FOUND' });
      const expired = given(cardDecider, [issued, approved()]).when(expireAt('2027-01-30T00:00:00Z')).decided();
      given(cardDecider, [issued, approved(), ...expired])
        .when(expireAt('2027-01-31T00:00:00Z'))
        .thenNothing();
    });
  });

  describe('SettleStatement', () => {
    const settleIt = (amountRupiah: number, statementReference = 'BNI-2026-11'): CardCommand => ({ type: 'SettleStatement', statementReference, amountRupiah });

    it('reduces captured-unsettled and restores available', () => {
      const history = [issued, approved(), captured(4_000_000)];
      const settled = given(cardDecider, history).when(settleIt(3_000_000)).decided();
      expect(settled).toEqual([{ type: 'StatementSettled', data: { cardId: CARD, statementReference: 'BNI-2026-11', amountRupiah: 3_000_000 } }]);
      expect(availableAfter([...history, ...settled])).toBe(9_000_000);
    });

    it("remembers the last SETTLED_STATEMENTS_KEPT statements (a card's lifetime of monthly statements)", () => {
      const history: CardEvent[] = [issued, approved(), captured()];
      for (let month = 0; month < SETTLED_STATEMENTS_KEPT; month += 1) {
        history.push({ type: 'StatementSettled', data: { cardId: CARD, statementReference: `BNI-${month}`, amountRupiah: 1 } });
      }
      given(cardDecider, history).when(settleIt(1, 'BNI-0')).thenRefuses({ kind: 'conflict', code: 'STATEMENT_ALREADY_SETTLED' });
      history.push({ type: 'StatementSettled', data: { cardId: CARD, statementReference: 'BNI-last', amountRupiah: 1 } });
      const card = fold(cardDecider, history);
      expect(card.status !== 'absent' && card.settledStatements.size).toBe(SETTLED_STATEMENTS_KEPT);
    });

    it('refuses more than is unsettled, and the same statement twice', () => {
      given(cardDecider, [issued, approved(), captured()]).when(settleIt(4_000_001)).thenRefuses({ kind: 'business_rule', code: 'SETTLEMENT_ABOVE_UNSETTLED' });
      const history = [issued, approved(), captured(), ...given(cardDecider, [issued, approved(), captured()]).when(settleIt(1_000)).decided()];
      given(cardDecider, history).when(settleIt(1_000)).thenRefuses({ kind: 'conflict', code: 'STATEMENT_ALREADY_SETTLED' });
    });
  });

  describe('the folded state is bounded, and evolve refuses impossible histories', () => {
    it('after 10,000 ended holds the card keeps only open holds, running totals and the recent window', () => {
      const after = (count: number) => fold(cardDecider, [issued, approved('still-open', 1_000), ...endedOrders(count)]);
      const small = after(1_000);
      const large = after(10_000);
      for (const card of [small, large]) {
        if (card.status === 'absent') throw new Error('no card');
        expect(card.openHolds.size).toBe(1);
        expect(card.recentHolds.size).toBe(RECENT_HOLDS_KEPT);
        expect(card.heldRupiah).toBe(1_000);
      }
      // The snapshot of 10,000 orders is as large as that of 1,000 (a digit more in each order id and total).
      const sizeOf = (card: CardState) => JSON.stringify(cardSnapshotCodec.encode(card)).length;
      expect(sizeOf(large)).toBeLessThan(sizeOf(small) * 1.05);
      expect(large).toMatchObject({ capturedUnsettledRupiah: 10_000 * 100 });
    });

    it('folding an event does the same work whatever the history: map writes grow linearly with the events (no copying)', () => {
      // Copying a Map calls Map.prototype.set once per entry: a fold that copied its holds would write quadratically.
      const writesFolding = (orders: number): number => {
        const history = [issued, ...endedOrders(orders)];
        const original = Map.prototype.set;
        let writes = 0;
        Map.prototype.set = function countedSet(this: Map<unknown, unknown>, key: unknown, value: unknown) {
          writes += 1;
          return original.call(this, key, value);
        };
        try {
          fold(cardDecider, history);
          return writes;
        } finally {
          Map.prototype.set = original;
        }
      };
      const perOrder = (from: number, to: number): number => (writesFolding(to) - writesFolding(from)) / (to - from);
      expect(perOrder(1_000, 2_000)).toBe(perOrder(2_000, 10_000));
      expect(perOrder(1_000, 2_000)).toBeLessThanOrEqual(4);
    });

    it('asserts (a bug, not a user error) on a capture, void or expiry of a hold that is not open, a second approval, or an over-settlement', () => {
      const voided: CardEvent = {
        type: 'AuthorisationVoided',
        data: { cardId: CARD, orderId: ORDER_A, amountRupiah: 4_000_000, reason: 'x', policyRevision: 2 },
      };
      expect(() => fold(cardDecider, [issued, captured()])).toThrow(AssertionFailed);
      expect(() => fold(cardDecider, [issued, approved(), captured(), captured()])).toThrow(AssertionFailed);
      expect(() => fold(cardDecider, [issued, approved(), voided, voided])).toThrow(AssertionFailed);
      expect(() => fold(cardDecider, [issued, approved(), approved()])).toThrow(AssertionFailed);
      expect(() => fold(cardDecider, [issued, approved(ORDER_A, 5_000_000), voided])).toThrow(AssertionFailed);
      expect(() => fold(cardDecider, [issued, { type: 'StatementSettled', data: { cardId: CARD, statementReference: 's', amountRupiah: 1 } }])).toThrow(
        AssertionFailed,
      );
    });
  });
});

/** `count` orders each approved for 1,000 rupiah and captured at 100 (their holds all ended). */
function endedOrders(count: number): CardEvent[] {
  const events: CardEvent[] = [];
  for (let n = 0; n < count; n += 1) {
    const orderId = `ended-${n}`;
    events.push(approved(orderId, 1_000));
    events.push({
      type: 'AuthorisationCaptured',
      data: { cardId: CARD, orderId, amountRupiah: 100, heldRupiah: 1_000, bastNumber: `BAST/${n}`, policyRevision: 2 },
    });
  }
  return events;
}
