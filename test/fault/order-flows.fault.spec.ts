import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardDecider } from '../../src/cards/domain/card.decider.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import type { CardState } from '../../src/cards/domain/card.state.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { fold } from '../../src/kernel/decider.js';
import { orderDecider } from '../../src/orders/domain/order.decider.js';
import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import type { OrderState } from '../../src/orders/domain/order.state.js';
import { POLL_INTERVAL_MS, buyerKey, issueCard, orderBody, pollUntil, sellingVendor, type SellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

const ORDERS = 60;
const STEPS_BEFORE_KILL = 100;
const CATCH_UP_WAIT_MS = 90_000;
const TERMINAL = ['paid', 'declined', 'rejected', 'cancelled', 'expired'];
const OPEN_WITH_HOLD = ['authorised', 'accepted', 'shipped', 'received'];

interface Session {
  readonly buyer: string;
  readonly vendor: SellingVendor;
}

/** One buyer's order, driven as far as the service lets it: some cancelled, some rejected, most received. */
async function driveOrder(app: TestApp, session: Session, cardId: string, index: number, onStep: () => void): Promise<void> {
  const placed = await app.request('POST', '/orders', {
    token: session.buyer,
    body: orderBody(session.vendor, cardId, [{ listingIndex: 0, quantity: 1 + (index % 10) }]),
  });
  if (placed.status !== 201) throw new Error(`place: ${placed.status}`);
  onStep();
  const orderId = placed.body.orderId;
  const answered = await pollUntil(app, session.buyer, `/orders/${orderId}`, (order) => order.status !== 'placed');
  if (answered.status !== 'authorised') return;
  await continueOrder(app, session, orderId, index, onStep);
}

async function continueOrder(app: TestApp, session: Session, orderId: string, index: number, onStep: () => void): Promise<void> {
  const step = async (path: string, token: string, body?: unknown): Promise<void> => {
    const response = await app.request('POST', `/orders/${orderId}/${path}`, { token, ...(body ? { body } : {}) });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    onStep();
  };
  const order = (await app.request('GET', `/orders/${orderId}`, { token: session.buyer })).body;
  if (order.status === 'authorised' && index % 5 === 0) return step('cancel', session.buyer, { reason: 'acara ditunda' });
  if (order.status === 'authorised' && index % 5 === 1) return step('reject', session.vendor.vendorToken, { reason: 'stok habis' });
  if (order.status === 'authorised') await step('accept', session.vendor.vendorToken);
  if (order.status === 'authorised' || order.status === 'accepted') await step('ship', session.vendor.vendorToken);
  if (['authorised', 'accepted', 'shipped'].includes(order.status)) {
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    await step('receive', session.buyer, { bastNumber: `BAST/${index}/2026`, bastDate: today });
  }
}

async function readAllEvents(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll({ maxCount: 10_000 });
}

async function ledgerState(store: EventStore, cardIds: readonly string[]) {
  const all = await readAllEvents(store);
  const orderIds = all.filter((event) => event.type === 'OrderPlaced').map((event) => (event.data as { orderId: string }).orderId);
  const orders = new Map<string, { state: OrderState; events: OrderEvent[] }>();
  for (const orderId of orderIds) {
    const events = (await readWholeStream(store, `order-${orderId}`)) as unknown as OrderEvent[];
    orders.set(orderId, { state: fold(orderDecider, events), events });
  }
  const cards = new Map<string, { state: CardState; events: CardEvent[] }>();
  for (const cardId of cardIds) {
    const events = (await readWholeStream(store, `card-${cardId}`)) as unknown as CardEvent[];
    cards.set(cardId, { state: fold(cardDecider, events), events });
  }
  return { orders, cards };
}

describe('order flows survive SIGKILL (fault)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-order-fault-'));
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a kill mid-flow and a restart, the process managers finish every flow with nothing lost and nothing doubled', async () => {
    app = await TestApp.start({ dataDir });
    const admin = app.issueKey('admin');
    const session: Session = { buyer: await buyerKey(app, admin), vendor: await sellingVendor(app, admin, [500_000]) };
    // The first card holds every order it gets (so the flows outlast the kill step on any machine); the second declines some.
    const cardIds = [await issueCard(app, admin, 100_000_000), await issueCard(app, admin, 50_000_000)];

    let steps = 0;
    let killing: Promise<void> | undefined;
    const first = app;
    const onStep = (): void => {
      steps += 1;
      if (steps === STEPS_BEFORE_KILL) killing = first.kill();
    };
    const flows = await Promise.allSettled(Array.from({ length: ORDERS }, (_, index) => driveOrder(first, session, cardIds[index % 2]!, index, onStep)));
    if (killing === undefined)
      throw new Error(
        `only ${steps} steps before the flows ended: ${flows
          .filter((f) => f.status === 'rejected')
          .slice(0, 3)
          .map((f) => String((f as PromiseRejectedResult).reason))
          .join(' / ')}`,
      );
    await killing;
    // Some flows were cut off by the kill: that is the point.
    expect(flows.some((flow) => flow.status === 'rejected')).toBe(true);

    app = await TestApp.start({ dataDir });
    const restarted = app;
    // Let the process managers catch up, then finish every flow the kill cut short.
    const deadline = Date.now() + CATCH_UP_WAIT_MS;
    for (;;) {
      const { orders } = await ledgerState(restarted.store, cardIds);
      const unanswered = [...orders.values()].filter(({ state }) => state.status === 'placed');
      if (orders.size > 0 && unanswered.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${unanswered.length} orders never got an authorisation answer`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    const afterRestart = await ledgerState(restarted.store, cardIds);
    const indexOf = new Map([...afterRestart.orders.keys()].map((orderId, index) => [orderId, index]));
    for (const [orderId, { state }] of afterRestart.orders) {
      if (['authorised', 'accepted', 'shipped'].includes(state.status))
        await continueOrder(restarted, session, orderId, indexOf.get(orderId)!, () => undefined);
    }
    for (;;) {
      const { orders, cards } = await ledgerState(restarted.store, cardIds);
      const pending = [...orders.values()].filter(({ state }) => state.status !== 'absent' && !TERMINAL.includes(state.status));
      const held = [...cards.values()].flatMap(({ state }) => (state.status === 'absent' ? [] : state.openHolds.values()));
      if (pending.length === 0 && held.length === 0) break;
      if (Date.now() > deadline) throw new Error(`not settled: ${pending.length} orders open, ${held.length} holds held`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }

    const { orders, cards } = await ledgerState(restarted.store, cardIds);
    expect(orders.size).toBeGreaterThanOrEqual(STEPS_BEFORE_KILL / 4);
    const cardEventsOf = (orderId: string) =>
      [...cards.values()].flatMap(({ events }) => events.filter((event) => (event.data as { orderId?: string }).orderId === orderId));
    // The card keeps only open and recent holds: an order's hold is read from the card's events.
    const holdOf = (orderId: string) => {
      const last = cardEventsOf(orderId).at(-1);
      if (last === undefined) return undefined;
      const status = {
        AuthorisationApproved: 'held',
        AuthorisationDeclined: 'declined',
        AuthorisationCaptured: 'captured',
        AuthorisationVoided: 'voided',
        AuthorisationExpired: 'expired',
      }[last.type as string];
      return { status, ...(last.type === 'AuthorisationCaptured' ? { capturedRupiah: last.data.amountRupiah } : {}) };
    };
    const statuses = new Map<string, number>();
    for (const [orderId, { state, events }] of orders) {
      if (state.status === 'absent') throw new Error(`order ${orderId} vanished`);
      statuses.set(state.status, (statuses.get(state.status) ?? 0) + 1);
      const count = (type: string) => events.filter((event) => event.type === type).length;
      const cardCount = (type: string) => cardEventsOf(orderId).filter((event) => event.type === type).length;
      // Nothing doubled.
      expect(count('OrderAuthorised') + count('OrderDeclined')).toBeLessThanOrEqual(1);
      expect(count('OrderPaid')).toBeLessThanOrEqual(1);
      expect(cardCount('AuthorisationApproved') + cardCount('AuthorisationDeclined')).toBe(1);
      expect(cardCount('AuthorisationCaptured') + cardCount('AuthorisationVoided') + cardCount('AuthorisationExpired')).toBeLessThanOrEqual(1);
      const hold = holdOf(orderId);
      // No hold without an open order; no paid order without its capture.
      if (hold?.status === 'held') expect(OPEN_WITH_HOLD).toContain(state.status);
      if (state.status === 'paid') {
        expect(hold).toMatchObject({ status: 'captured', capturedRupiah: state.totalRupiah });
        expect(state.paidRupiah).toBe(state.totalRupiah);
      }
      if (state.status === 'rejected' || state.status === 'cancelled') expect(['voided', 'declined', undefined]).toContain(hold?.status);
      if (state.status === 'declined') expect(hold?.status).toBe('declined');
    }
    expect(statuses.get('paid') ?? 0).toBeGreaterThan(0);
    for (const [cardId, { state, events }] of cards) {
      if (state.status === 'absent') throw new Error(`card ${cardId} vanished`);
      expect(state.heldRupiah + state.capturedUnsettledRupiah).toBeLessThanOrEqual(state.limitRupiah);
      expect(fold(cardDecider, events)).toEqual(state);
      const served = await restarted.request('GET', `/cards/${cardId}`, { token: admin });
      expect(served.body).toMatchObject({ heldRupiah: state.heldRupiah, capturedUnsettledRupiah: state.capturedUnsettledRupiah });
    }
  });
});
