import { cardDecider } from '../../src/cards/domain/card.decider.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { fold } from '../../src/kernel/decider.js';
import { POLL_INTERVAL_MS, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

const ORDERS = 200;
const CARD_LIMIT_RUPIAH = 20_000_000;
const UNIT_PRICE_RUPIAH = 50_000;
const DECISIONS_WAIT_MS = 120_000;

describe('one card, 200 concurrent orders (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it('approves at most the limit, declines the rest with a reason, and the card replays to the same state', async () => {
    const admin = app.issueKey('admin');
    const buyer = await buyerKey(app, admin);
    const vendor = await sellingVendor(app, admin, [UNIT_PRICE_RUPIAH]);
    const cardId = await issueCard(app, admin, CARD_LIMIT_RUPIAH);
    const quantities = Array.from({ length: ORDERS }, (_, index) => 1 + ((index * 7) % 20));
    const requestedRupiah = quantities.reduce((sum, quantity) => sum + quantity * UNIT_PRICE_RUPIAH, 0);
    expect(requestedRupiah).toBeGreaterThan(CARD_LIMIT_RUPIAH);

    const placed = await Promise.all(
      quantities.map((quantity) => app.request('POST', '/orders', { token: buyer, body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity }]) })),
    );
    expect(placed.map((response) => response.status)).toEqual(Array(ORDERS).fill(201));
    const orderIds = new Set(placed.map((response) => response.body.orderId as string));
    expect(orderIds.size).toBe(ORDERS);

    // The process manager asks the card once per order; wait (bounded) for every answer.
    const deadline = Date.now() + DECISIONS_WAIT_MS;
    let decisions: CardEvent[] = [];
    for (;;) {
      const events = (await readWholeStream(app.store, `card-${cardId}`)) as unknown as CardEvent[];
      decisions = events.filter((event) => event.type === 'AuthorisationApproved' || event.type === 'AuthorisationDeclined');
      if (decisions.length >= ORDERS) break;
      if (Date.now() > deadline) throw new Error(`only ${decisions.length} of ${ORDERS} authorisations decided`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    expect(decisions).toHaveLength(ORDERS);
    const decided = decisions.map((event) => (event.data as { orderId: string }).orderId);
    expect(new Set(decided)).toEqual(orderIds);

    const approved = decisions.flatMap((event) => (event.type === 'AuthorisationApproved' ? [event.data] : []));
    const declined = decisions.flatMap((event) => (event.type === 'AuthorisationDeclined' ? [event.data] : []));
    const approvedRupiah = approved.reduce((sum, data) => sum + data.amountRupiah, 0);
    expect(approved.length).toBeGreaterThan(0);
    expect(declined.length).toBeGreaterThan(0);
    expect(approvedRupiah).toBeLessThanOrEqual(CARD_LIMIT_RUPIAH);
    for (const decline of declined) {
      expect(decline.reason).toBe('INSUFFICIENT_AVAILABLE');
      expect(decline.amountRupiah).toBeGreaterThan(decline.availableRupiah);
    }

    // Replaying the card's events reproduces what the service reports.
    const events = (await readWholeStream(app.store, `card-${cardId}`)) as unknown as CardEvent[];
    const replayed = fold(cardDecider, events);
    expect(fold(cardDecider, events)).toEqual(replayed);
    const served = await app.request('GET', `/cards/${cardId}`, { token: admin });
    expect(replayed).toMatchObject({ heldRupiah: approvedRupiah, capturedUnsettledRupiah: 0 });
    expect(served.body).toMatchObject({ heldRupiah: approvedRupiah, availableRupiah: CARD_LIMIT_RUPIAH - approvedRupiah, revision: String(events.length - 1) });

    // Every order learns its answer.
    const approvedOrders = new Set(approved.map((data) => data.orderId));
    for (const orderId of orderIds) {
      const order = await pollUntil(app, buyer, `/orders/${orderId}`, (body) => body.status !== 'placed');
      expect(order.status).toBe(approvedOrders.has(orderId) ? 'authorised' : 'declined');
    }
  });
});
