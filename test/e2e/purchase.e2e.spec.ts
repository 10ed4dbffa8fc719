import { OPD, OTHER_OPD, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

describe('a whole purchase over HTTP (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it('register and verify a vendor, list, issue a card, place, authorise, accept, ship, receive (BAST), capture, settle', async () => {
    const admin = app.issueKey('admin');
    const buyer = await buyerKey(app, admin);
    const vendor = await sellingVendor(app, admin, [35_000, 12_000]);
    const cardId = await issueCard(app, admin, 10_000_000);

    const placed = await app.request('POST', '/orders', {
      token: buyer,
      body: orderBody(
        vendor,
        cardId,
        [
          { listingIndex: 0, quantity: 100 },
          { listingIndex: 1, quantity: 50 },
        ],
        150_000,
      ),
      headers: { 'idempotency-key': 'rapat-koordinasi-001' },
    });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.orderId;
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);

    // The process manager authorises the card.
    const authorised = await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status !== 'placed');
    expect(authorised).toMatchObject({ status: 'authorised', totalRupiah: 4_250_000, hold: { amountRupiah: 4_250_000 } });
    expect(authorised.lines[0]).toMatchObject({ unitPriceRupiah: 35_000, listingRevision: 0, lineTotalRupiah: 3_500_000 });
    const heldCard = await app.request('GET', `/cards/${cardId}`, { token: admin });
    expect(heldCard.body).toMatchObject({ heldRupiah: 4_250_000, availableRupiah: 5_750_000, maskedNumber: '**** **** **** 4821' });

    expect((await app.request('POST', `/orders/${orderId}/accept`, { token: vendor.vendorToken })).status).toBe(200);
    expect((await app.request('POST', `/orders/${orderId}/ship`, { token: vendor.vendorToken, body: { note: 'tiba pukul 10.00' } })).status).toBe(200);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const received = await app.request('POST', `/orders/${orderId}/receive`, { token: buyer, body: { bastNumber: 'BAST/017/DINKES/2026', bastDate: today } });
    expect(received.status).toBe(200);

    // The process manager captures, then marks the order paid.
    const paid = await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'paid');
    expect(paid).toMatchObject({ paidRupiah: 4_250_000, bast: { bastNumber: 'BAST/017/DINKES/2026' } });
    const capturedCard = await app.request('GET', `/cards/${cardId}`, { token: buyer });
    expect(capturedCard.body).toMatchObject({ heldRupiah: 0, capturedUnsettledRupiah: 4_250_000, availableRupiah: 5_750_000 });

    const settled = await app.request('POST', `/cards/${cardId}/statements`, {
      token: admin,
      body: { statementReference: 'BNI-KKP/2026-11/DINKES', amountRupiah: 4_250_000 },
    });
    expect(settled.status).toBe(200);
    expect(settled.body.events.map((e: { type: string }) => e.type)).toEqual(['StatementSettled']);
    const finalCard = await app.request('GET', `/cards/${cardId}`, { token: admin });
    expect(finalCard.body).toMatchObject({ capturedUnsettledRupiah: 0, availableRupiah: 10_000_000 });

    const cardEvents = (await app.store.readStream(`card-${cardId}`)).map((e) => e.type);
    expect(cardEvents).toEqual(['CardIssued', 'AuthorisationApproved', 'AuthorisationCaptured', 'StatementSettled']);
    const orderEvents = await app.store.readStream(`order-${orderId}`);
    expect(orderEvents.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAuthorised', 'OrderAccepted', 'OrderShipped', 'OrderReceived', 'OrderPaid']);
    // Every decision records the policy revision that applied; the PM acts as `system`.
    expect(orderEvents[0]!.data).toMatchObject({ policyRevision: 0 });
    expect(orderEvents[1]!.metadata.actor).toEqual({ id: 'process:order-payment', role: 'system' });

    // A retried placement writes nothing new.
    const retry = await app.request('POST', '/orders', {
      token: buyer,
      body: orderBody(
        vendor,
        cardId,
        [
          { listingIndex: 0, quantity: 100 },
          { listingIndex: 1, quantity: 50 },
        ],
        150_000,
      ),
      headers: { 'idempotency-key': 'rapat-koordinasi-001' },
    });
    expect(retry.body).toMatchObject({ orderId, replayed: true });
  });

  it('refuses a full card number with 400 and writes nothing', async () => {
    const admin = app.issueKey('admin');
    const before = await app.eventCount();
    const base = { opdCode: OPD, holderName: 'Siti', cardLast4: '4821', limitRupiah: 1_000_000, expiresOn: '2099-12-31' };
    for (const body of [
      { ...base, cardLast4: '4111111111111111' },
      { ...base, cardLast4: '48210' },
      { ...base, holderName: 'Siti 4111-1111-1111-1111' },
      { ...base, cardNumber: '4111111111111111' },
    ]) {
      const response = await app.request('POST', '/cards', { token: admin, body });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('CARD_NUMBER_REFUSED');
    }
    expect(await app.eventCount()).toBe(before);
  });

  it("refuses an order over maxOrderTotal (422 with rule and policy revision) and another OPD's card; scopes buyers and vendors", async () => {
    const admin = app.issueKey('admin');
    const buyer = await buyerKey(app, admin);
    const vendor = await sellingVendor(app, admin, [1_000_000]);
    const cardId = await issueCard(app, admin, 100_000_000);
    const otherCard = await issueCard(app, admin, 100_000_000, OTHER_OPD);
    const before = await app.eventCount();

    const tooBig = await app.request('POST', '/orders', { token: buyer, body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 50 }], 1) });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body).toMatchObject({ code: 'ORDER_TOTAL_OVER_MAX', rule: 'maxOrderTotalRupiah', maxOrderTotalRupiah: 50_000_000, policyRevision: 0 });
    const otherOpd = await app.request('POST', '/orders', { token: buyer, body: orderBody(vendor, otherCard, [{ listingIndex: 0, quantity: 1 }]) });
    // Another OPD's card is not the buyer's to see: answered as a missing card.
    expect(otherOpd.status).toBe(404);
    expect(otherOpd.body.code).toBe('CARD_NOT_FOUND');
    const foreignOpd = await app.request('POST', '/orders', {
      token: buyer,
      body: { ...orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]), opdCode: OTHER_OPD },
    });
    expect(foreignOpd.status).toBe(403);
    const asVendor = await app.request('POST', '/orders', { token: vendor.vendorToken, body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]) });
    expect(asVendor.status).toBe(403);
    expect(await app.eventCount()).toBe(before);

    const placed = await app.request('POST', '/orders', { token: buyer, body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]) });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId;
    await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
    const stranger = await sellingVendor(app, admin, [1_000]);
    const notTheirs = await app.request('POST', `/orders/${orderId}/accept`, { token: stranger.vendorToken });
    // What a caller may not see is answered as missing (404), so it learns nothing of its existence.
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body.code).toBe('ORDER_NOT_FOUND');
    const otherBuyer = await buyerKey(app, admin, OTHER_OPD);
    expect((await app.request('GET', `/orders/${orderId}`, { token: otherBuyer })).status).toBe(404);
    expect((await app.request('GET', `/cards/${cardId}`, { token: otherBuyer })).status).toBe(404);
    expect((await app.request('POST', `/orders/${orderId}/cancel`, { token: otherBuyer, body: { reason: 'x' } })).status).toBe(404);

    // Cancelling releases the hold (process manager).
    expect((await app.request('POST', `/orders/${orderId}/cancel`, { token: buyer, body: { reason: 'acara ditunda' } })).status).toBe(200);
    await pollUntil(app, admin, `/cards/${cardId}`, (card) => card.heldRupiah === 0 && card.holds.some((h: { status: string }) => h.status === 'voided'));
  });
});
