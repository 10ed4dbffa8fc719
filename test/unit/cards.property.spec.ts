import fc from 'fast-check';
import type { CardCommand } from '../../src/cards/domain/card.commands.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { cardDecider } from '../../src/cards/domain/card.decider.js';
import { cardSnapshotCodec } from '../../src/cards/domain/card.snapshot.js';
import type { CardState } from '../../src/cards/domain/card.state.js';
import { fold } from '../../src/kernel/decider.js';
import { DomainError } from '../../src/kernel/errors.js';
import { DEFAULT_POLICY, PolicyVersion } from '../../src/policy/domain/policy.js';

const ORDER_IDS = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-11-01T00:00:00Z');
const policy: PolicyVersion = { ...DEFAULT_POLICY, revision: 1, kkpPerPayeeCapRupiah: 6_000_000, authorisationTtlDays: 3 };
const ENDINGS: readonly CardEvent['type'][] = ['AuthorisationCaptured', 'AuthorisationVoided', 'AuthorisationExpired'];

const issued: CardEvent = {
  type: 'CardIssued',
  data: {
    cardId: 'card-1',
    opdCode: '3673-DINKES',
    opdName: 'Dinas Kesehatan',
    holderName: 'Siti',
    cardLast4: '4821',
    limitRupiah: 10_000_000,
    expiresOn: '2099-12-31',
  },
};

/** What the handler knows of each order: it awaits the card's answer until it recorded one. */
type Orders = ReadonlyMap<string, 'answered'>;

/**
 * A step: a command at a day offset from the previous one (time only moves forward), aimed at the
 * current state; or the bookkeeping around the card: an order recording the card's answer (which
 * the process manager does some steps later), or the pipeline keeping a snapshot and folding on
 * from it.
 */
type Step =
  | { readonly kind: 'command'; readonly dayDelta: number; readonly make: (at: Date, state: CardState, orders: Orders) => CardCommand }
  | { readonly kind: 'orderRecordsAnswer'; readonly pick: number }
  | { readonly kind: 'snapshot' };

function knownOrders(state: CardState): string[] {
  return state.status === 'absent' ? [] : [...state.openHolds.values().map((hold) => hold.orderId), ...state.recentHolds.entries().map(([orderId]) => orderId)];
}

/** Mostly aims at an existing authorisation (so captures, voids and expiries happen), sometimes at any order. */
function aimAt(state: CardState, pick: number): string {
  const known = knownOrders(state);
  return known.length > 0 && pick % 5 !== 0 ? known[pick % known.length]! : ORDER_IDS[pick % ORDER_IDS.length]!;
}

function heldAmount(state: CardState, id: string): number {
  return state.status === 'absent' ? 1 : (state.openHolds.get(id)?.amountRupiah ?? 1);
}

/** The state as a snapshot keeps it: equal encodings are equal states. */
const encoded = (state: CardState): unknown => cardSnapshotCodec.encode(state);
const throughSnapshot = (state: CardState): CardState => cardSnapshotCodec.decode(JSON.parse(JSON.stringify(cardSnapshotCodec.encode(state))));

const amount = fc.integer({ min: 1, max: 8_000_000 });
const pick = fc.nat();
const command: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('command' as const),
  dayDelta: fc.integer({ min: 0, max: 2 }),
  make: fc.oneof(
    // Authorisations are also replays of the trigger: any order, answered or not, any number of times.
    fc.record({ pick, amountRupiah: amount, domesticUmkPurchase: fc.boolean() }).map((c) => (at: Date, _state: CardState, orders: Orders): CardCommand => ({
      type: 'AuthoriseCard',
      orderId: ORDER_IDS[c.pick % ORDER_IDS.length]!,
      orderAwaitingAuthorisation: !orders.has(ORDER_IDS[c.pick % ORDER_IDS.length]!),
      amountRupiah: c.amountRupiah,
      domesticUmkPurchase: c.domesticUmkPurchase,
      opdCode: '3673-DINKES',
      payeeVendorId: 'v1',
      policy,
      at,
    })),
    // shortfall < 0 tries to capture more than the hold.
    fc
      .record({ pick, shortfall: fc.integer({ min: -1_000, max: 1_000_000 }), orderReceived: fc.boolean() })
      .map((c) => (_at: Date, state: CardState): CardCommand => {
        const id = aimAt(state, c.pick);
        return {
          type: 'CaptureAuthorisation',
          orderId: id,
          amountRupiah: Math.max(1, heldAmount(state, id) - c.shortfall),
          orderReceived: c.orderReceived,
          bastNumber: 'BAST/1',
          policy,
        };
      }),
    pick.map((p) => (_at: Date, state: CardState): CardCommand => ({ type: 'VoidAuthorisation', orderId: aimAt(state, p), reason: 'cancelled', policy })),
    pick.map((p) => (at: Date, state: CardState): CardCommand => ({ type: 'ExpireAuthorisation', orderId: aimAt(state, p), at, policy })),
    fc
      .record({ percent: fc.integer({ min: 1, max: 110 }), statementReference: fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6') })
      .map((c) => (_at: Date, state: CardState): CardCommand => ({
        type: 'SettleStatement',
        statementReference: c.statementReference,
        amountRupiah: Math.max(1, Math.floor(((state.status === 'absent' ? 0 : state.capturedUnsettledRupiah) * c.percent) / 100)),
      })),
    fc.integer({ min: 1, max: 20_000_000 }).map((limitRupiah) => (): CardCommand => ({ type: 'ChangeCardLimit', limitRupiah })),
    fc.constant((): CardCommand => ({ type: 'SuspendCard', reason: 'audit' })),
    fc.constant((): CardCommand => ({ type: 'ReinstateCard' })),
  ),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: command, weight: 8 },
  { arbitrary: pick.map((p): Step => ({ kind: 'orderRecordsAnswer', pick: p })), weight: 1 },
  { arbitrary: fc.constant<Step>({ kind: 'snapshot' }), weight: 1 },
);

function issuedCard(state: CardState): Exclude<CardState, { status: 'absent' }> {
  if (state.status === 'absent') throw new Error('the card vanished');
  return state;
}

describe('card decider properties (fast-check)', () => {
  it('never overspends, never decides an order twice (replayed triggers included), never ends a hold twice, never captures without a receipt; re-folding, from the start or from any snapshot, reproduces the state', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80, size: 'large' }), (steps) => {
        const events: CardEvent[] = [issued];
        let state = fold(cardDecider, events);
        let nowMs = START_MS;
        const orders = new Map<string, 'answered'>();
        const snapshots: Array<{ readonly json: string; readonly eventCount: number }> = [];
        for (const step of steps) {
          if (step.kind === 'orderRecordsAnswer') {
            // The process manager records the card's answer on the order, some steps after the decision.
            const decided = knownOrders(state);
            if (decided.length > 0) orders.set(decided[step.pick % decided.length]!, 'answered');
            continue;
          }
          if (step.kind === 'snapshot') {
            snapshots.push({ json: JSON.stringify(cardSnapshotCodec.encode(state)), eventCount: events.length });
            state = throughSnapshot(state);
            continue;
          }
          const { dayDelta, make } = step;
          nowMs += dayDelta * DAY_MS;
          const command = make(new Date(nowMs), state, orders);
          let decided: readonly CardEvent[];
          try {
            decided = cardDecider.decide(command, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            continue;
          }
          for (const event of decided) {
            if (event.type === 'AuthorisationCaptured') {
              expect(command).toMatchObject({ type: 'CaptureAuthorisation', orderReceived: true });
            }
            state = cardDecider.evolve(state, event);
            events.push(event);
            seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
          }
          const card = issuedCard(state);
          expect(card.heldRupiah + card.capturedUnsettledRupiah).toBeLessThanOrEqual(card.limitRupiah);
          expect(card.heldRupiah).toBeGreaterThanOrEqual(0);
          expect(card.capturedUnsettledRupiah).toBeGreaterThanOrEqual(0);
          expect(card.heldRupiah).toBe(card.openHolds.values().reduce((sum, hold) => sum + hold.amountRupiah, 0));
        }
        for (const id of ORDER_IDS) {
          const ofOrder = events.filter((event) => (event.data as { orderId?: string }).orderId === id);
          expect(ofOrder.filter((event) => event.type === 'AuthorisationApproved' || event.type === 'AuthorisationDeclined').length).toBeLessThanOrEqual(1);
          const endings = ofOrder.filter((event) => ENDINGS.includes(event.type));
          expect(endings.length).toBeLessThanOrEqual(1);
          if (endings.length === 1) expect(ofOrder[0]!.type).toBe('AuthorisationApproved');
        }
        expect(encoded(fold(cardDecider, events))).toEqual(encoded(state));
        for (const snapshot of snapshots) {
          const fromSnapshot = events.slice(snapshot.eventCount).reduce(cardDecider.evolve, cardSnapshotCodec.decode(JSON.parse(snapshot.json)));
          expect(encoded(fromSnapshot)).toEqual(encoded(state));
        }
      }),
      { numRuns: 500 },
    );
    // The generator must reach every outcome, or the properties above say little.
    for (const type of [
      'AuthorisationApproved',
      'AuthorisationDeclined',
      'AuthorisationCaptured',
      'AuthorisationVoided',
      'AuthorisationExpired',
      'StatementSettled',
      'CardLimitChanged',
    ]) {
      expect(seen.get(type) ?? 0).toBeGreaterThan(10);
    }
  });
});
