import { OPD, OTHER_OPD, SellingVendor, buyerKey, issueCard, orderBody, pollUntil, sellingVendor, uniqueNib } from '../support/purchase-session.js';
import { PROBLEM_CONTENT_TYPE } from '../support/hostile-input.js';
import { HttpResponse, RequestOptions, TestApp } from '../support/test-app.js';

/** Personal data planted in the fixtures, to look for in every answer a stranger gets. */
const HOLDER_NAME = 'Rahayu Kartikasari Pemegang';
const OFFICIAL_NAME = 'Bambang Pejabat Pengadaan';
const PERSONAL_NPWP = '3673015508900002';
const VENDOR_EMAIL = 'wati.pribadi@contoh.id';
const VENDOR_PHONE = '+62 812 7777 4321';
const MISSING_ID = '00000000-0000-4000-8000-00000000dead';

describe('scope: buyers, vendors and the public see and act only on what is theirs (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let buyer: string;
  let otherBuyer: string;
  let seller: SellingVendor;
  let stranger: SellingVendor;
  let cardId: string;
  let orderId: string;
  let personalVendorId: string;
  let listingId: string;

  const call = (method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> => app.request(method, path, options);

  /** Refused with `status` (and `code`), as problem+json, naming nothing of the resource's owner, and nothing written. */
  async function refused(method: string, path: string, options: RequestOptions, status: number, code?: string): Promise<HttpResponse> {
    const before = await app.eventCount();
    const response = await call(method, path, options);
    expect({ status: response.status, code: response.body?.code }).toEqual({ status, code: code ?? response.body?.code });
    expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    expect(await app.eventCount()).toBe(before);
    return response;
  }

  /** A resource the caller may not see is answered exactly as a missing one: same status, code and body but for the id. */
  async function sameAsMissing(method: string, path: string, options: RequestOptions, id: string, code: string): Promise<HttpResponse> {
    const hidden = await refused(method, path, options, 404, code);
    // A key names one request: the missing one's attempt gets its own.
    const key = options.headers?.['idempotency-key'];
    const missingOptions = key ? { ...options, headers: { ...options.headers, 'idempotency-key': `${key}-missing` } } : options;
    const missing = await refused(method, path.replace(id, MISSING_ID), missingOptions, 404, code);
    expect(JSON.parse(JSON.stringify(hidden.body).replaceAll(id, MISSING_ID))).toEqual(missing.body);
    return hidden;
  }

  /** Text of an answer with no personal data in it, and no trace of the other OPD's card or order. */
  function expectNoLeak(response: HttpResponse, ...secrets: string[]): void {
    const text = JSON.stringify(response.body);
    for (const secret of [HOLDER_NAME, OFFICIAL_NAME, PERSONAL_NPWP, VENDOR_EMAIL, VENDOR_PHONE, ...secrets]) expect(text).not.toContain(secret);
  }

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
    buyer = await buyerKey(app, admin);
    otherBuyer = await buyerKey(app, admin, OTHER_OPD);
    seller = await sellingVendor(app, admin, [35_000]);
    stranger = await sellingVendor(app, admin, [20_000]);
    const issued = await call('POST', '/cards', {
      token: admin,
      headers: { 'idempotency-key': 'scope-card' },
      body: { opdCode: OPD, holderName: HOLDER_NAME, cardLast4: '4821', limitRupiah: 10_000_000, expiresOn: '2099-12-31' },
    });
    expect(issued.status).toBe(201);
    cardId = issued.body.cardId;
    await issueCard(app, admin, 5_000_000, OTHER_OPD);
    const placed = await call('POST', '/orders', {
      token: buyer,
      body: { ...orderBody(seller, cardId, [{ listingIndex: 0, quantity: 3 }]), officialName: OFFICIAL_NAME },
    });
    expect(placed.status).toBe(201);
    orderId = placed.body.orderId;
    await pollUntil(app, admin, `/orders/${orderId}`, (order) => order.status === 'authorised');

    // A sole proprietor: its 16-digit NPWP is the owner's NIK, its contact the owner's own.
    const personal = await call('POST', '/vendors', {
      token: admin,
      body: {
        nib: uniqueNib(),
        npwp: PERSONAL_NPWP,
        name: 'Warung Bu Wati',
        legalForm: 'perorangan',
        capitalRupiah: 50_000_000,
        kabupatenKotaCode: '3673',
        contact: { email: VENDOR_EMAIL, phone: VENDOR_PHONE },
      },
    });
    expect(personal.status).toBe(201);
    personalVendorId = personal.body.vendorId;
    expect((await call('POST', `/vendors/${personalVendorId}/verify`, { token: admin })).status).toBe(200);
    const personalKey = app.issueKey('vendor', { vendorId: personalVendorId });
    const listed = await call('POST', `/vendors/${personalVendorId}/listings`, {
      token: personalKey,
      body: { title: 'Kue basah 20 macam', category: 'makan-minum', unit: 'kotak', priceRupiah: 25_000, isDomesticProduct: true },
    });
    expect(listed.status).toBe(201);
    listingId = listed.body.listingId;
  });
  afterAll(async () => {
    await app.close();
  });

  describe('a buyer of another OPD', () => {
    // Answered as missing (404), not 403: a refusal would tell a stranger the card or order exists.
    it('cannot read the card or the order: 404 exactly as for a missing one, naming neither their OPD nor their holder', async () => {
      for (const [path, id, code] of [
        [`/cards/${cardId}`, cardId, 'CARD_NOT_FOUND'],
        [`/orders/${orderId}`, orderId, 'ORDER_NOT_FOUND'],
      ] as const) {
        const response = await sameAsMissing('GET', path, { token: otherBuyer }, id, code);
        expectNoLeak(response, OPD, 'Dinas Kesehatan', seller.vendorId);
      }
    });

    it("cannot receive or cancel the order, with or without If-Match (404 as a missing order, never 412 with the order's revision)", async () => {
      const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
      for (const headers of [{}, { 'if-match': '"0"' }, { 'if-match': '"1"' }, { 'if-match': '"-1"' }, { 'idempotency-key': 'coba-coba-1' }] as Record<
        string,
        string
      >[]) {
        const cancel = await sameAsMissing(
          'POST',
          `/orders/${orderId}/cancel`,
          { token: otherBuyer, body: { reason: 'iseng' }, headers },
          orderId,
          'ORDER_NOT_FOUND',
        );
        expectNoLeak(cancel, OPD, '"currentRevision"');
        // A key names one request: the receive attempt gets its own.
        const receiveHeaders = headers['idempotency-key'] ? { 'idempotency-key': `${headers['idempotency-key']}-receive` } : headers;
        const receive = await sameAsMissing(
          'POST',
          `/orders/${orderId}/receive`,
          { token: otherBuyer, body: { bastNumber: 'BAST/PALSU/1', bastDate: today }, headers: receiveHeaders },
          orderId,
          'ORDER_NOT_FOUND',
        );
        expectNoLeak(receive, OPD, '"currentRevision"');
      }
    });

    it('cannot place an order for the other OPD, nor pay with its card (404 as a missing card)', async () => {
      await refused(
        'POST',
        '/orders',
        { token: otherBuyer, body: { ...orderBody(seller, cardId, [{ listingIndex: 0, quantity: 1 }]), opdCode: OPD } },
        403,
        'OUT_OF_SCOPE',
      );
      const response = await refused(
        'POST',
        '/orders',
        { token: otherBuyer, body: orderBody(seller, cardId, [{ listingIndex: 0, quantity: 1 }]), headers: { 'idempotency-key': 'scope-other-card' } },
        404,
        'CARD_NOT_FOUND',
      );
      const missing = await refused(
        'POST',
        '/orders',
        { token: otherBuyer, body: orderBody(seller, MISSING_ID, [{ listingIndex: 0, quantity: 1 }]), headers: { 'idempotency-key': 'scope-missing-card' } },
        404,
        'CARD_NOT_FOUND',
      );
      expect(JSON.parse(JSON.stringify(response.body).replaceAll(cardId, MISSING_ID))).toEqual(missing.body);
      expectNoLeak(response, OPD);
    });

    it('cannot touch cards at all (admin only)', async () => {
      for (const [action, body] of [
        ['limit', { limitRupiah: 1 }],
        ['suspend', { reason: 'x' }],
        ['reinstate', undefined],
        ['close', { reason: 'x' }],
        ['statements', { statementReference: 'X', amountRupiah: 1 }],
      ] as const) {
        await refused('POST', `/cards/${cardId}/${action}`, { token: otherBuyer, ...(body ? { body } : {}) }, 403, 'ROLE_NOT_ALLOWED');
        await refused('POST', `/cards/${cardId}/${action}`, { token: buyer, ...(body ? { body } : {}) }, 403, 'ROLE_NOT_ALLOWED');
      }
    });
  });

  describe("a vendor that is not the order's", () => {
    it('cannot read the order (404 as a missing one), nor any card (vendors never read cards: 403)', async () => {
      expectNoLeak(await sameAsMissing('GET', `/orders/${orderId}`, { token: stranger.vendorToken }, orderId, 'ORDER_NOT_FOUND'), seller.vendorId, cardId);
      await refused('GET', `/cards/${cardId}`, { token: stranger.vendorToken }, 403, 'ROLE_NOT_ALLOWED');
      await refused('GET', `/cards/${cardId}`, { token: seller.vendorToken }, 403, 'ROLE_NOT_ALLOWED');
    });

    it('cannot accept, reject or ship it, with or without If-Match (404 as a missing order, never 412), nor receive or cancel it', async () => {
      for (const headers of [{}, { 'if-match': '"0"' }, { 'if-match': '"1"' }] as Record<string, string>[]) {
        for (const [action, body] of [
          ['accept', undefined],
          ['reject', { reason: 'saingan' }],
          ['ship', {}],
        ] as const) {
          const response = await sameAsMissing(
            'POST',
            `/orders/${orderId}/${action}`,
            { token: stranger.vendorToken, headers, ...(body ? { body } : {}) },
            orderId,
            'ORDER_NOT_FOUND',
          );
          expectNoLeak(response, seller.vendorId, '"currentRevision"');
        }
      }
      await refused('POST', `/orders/${orderId}/cancel`, { token: stranger.vendorToken, body: { reason: 'x' } }, 403, 'ROLE_NOT_ALLOWED');
      await refused(
        'POST',
        '/orders',
        { token: stranger.vendorToken, body: orderBody(seller, cardId, [{ listingIndex: 0, quantity: 1 }]) },
        403,
        'ROLE_NOT_ALLOWED',
      );
    });

    it("while the order's own vendor, buyer, admin and auditor read it", async () => {
      for (const token of [seller.vendorToken, buyer, admin, app.issueKey('auditor')]) {
        expect((await call('GET', `/orders/${orderId}`, { token })).status).toBe(200);
      }
      const card = await call('GET', `/cards/${cardId}`, { token: buyer });
      expect(card.body).toMatchObject({ holderName: HOLDER_NAME, maskedNumber: '**** **** **** 4821' });
    });
  });

  describe('the public (no key)', () => {
    it('cannot read or act on cards and orders (401)', async () => {
      await refused('GET', `/cards/${cardId}`, {}, 401, 'UNAUTHENTICATED');
      await refused('GET', `/orders/${orderId}`, {}, 401, 'UNAUTHENTICATED');
      await refused('POST', '/cards', { body: {} }, 401, 'UNAUTHENTICATED');
      await refused('POST', '/orders', { body: {} }, 401, 'UNAUTHENTICATED');
      for (const action of ['accept', 'reject', 'ship', 'receive', 'cancel'])
        await refused('POST', `/orders/${orderId}/${action}`, { body: {} }, 401, 'UNAUTHENTICATED');
      for (const action of ['limit', 'suspend', 'reinstate', 'close', 'statements'])
        await refused('POST', `/cards/${cardId}/${action}`, { body: {} }, 401, 'UNAUTHENTICATED');
    });

    it("gets no cardholder name, no official's name, no full personal NPWP and no personal contact from any public endpoint", async () => {
      const vendor = await call('GET', `/vendors/${personalVendorId}`);
      expect(vendor.status).toBe(200);
      expect(vendor.body).toMatchObject({ npwp: '************0002', name: 'Warung Bu Wati' });
      expect(vendor.body.contact).toBeUndefined();
      const publicAnswers = [
        vendor,
        await call('GET', `/vendors/${seller.vendorId}`),
        await call('GET', `/listings/${listingId}`),
        await call('GET', `/listings/${seller.listingIds[0]}`),
        await call('GET', '/policy'),
        await call('GET', '/health'),
        await call('GET', '/metrics'),
        await call('GET', '/docs-json'),
        await call('GET', `/public/ocds/records/ocds-demo00-${orderId}`),
        await call('GET', '/public/ocds/release-packages'),
      ];
      for (const response of publicAnswers) {
        expect(response.status).toBe(200);
        const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
        for (const secret of [HOLDER_NAME, OFFICIAL_NAME, PERSONAL_NPWP, VENDOR_EMAIL, VENDOR_PHONE, 'sari@rasa.id']) expect(text).not.toContain(secret);
      }
      // Another vendor is the public too; the vendor itself, buyers, admins and auditors see the contact.
      expect((await call('GET', `/vendors/${personalVendorId}`, { token: stranger.vendorToken })).body.contact).toBeUndefined();
      for (const token of [app.issueKey('vendor', { vendorId: personalVendorId }), buyer, admin, app.issueKey('auditor')]) {
        expect((await call('GET', `/vendors/${personalVendorId}`, { token })).body.contact).toEqual({ email: VENDOR_EMAIL, phone: VENDOR_PHONE });
      }
    });
  });
});
