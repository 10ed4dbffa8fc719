import { randomUUID } from 'node:crypto';
import { EVERYWHERE, FieldKind, RefusalCheck, inBatches, valuesFor, wholeBodies } from '../support/hostile-input.js';
import { OPD, OTHER_OPD, SellingVendor, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { HttpResponse, RequestOptions, TestApp } from '../support/test-app.js';

const PARALLEL_REQUESTS = 8;
const SWEEP_TIMEOUT_MS = 600_000;

/** Today and tomorrow as calendar dates in WIB (UTC+07:00), where BAST dates are read. */
const wibDate = (offsetDays: number): string => new Date(Date.now() + 7 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

type Role = 'none' | 'admin' | 'auditor' | 'vendor of another vendor' | 'buyer of another OPD' | 'buyer' | "the order's vendor";

interface Target {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** The path with `:id` where the card or order id goes. */
  readonly route: string;
  readonly id: string;
  /** The role that may call it; its hostile requests reach the validation and the decider. */
  readonly owner: Role;
  /** Roles for which the valid body would succeed (every other role is refused even with it). */
  readonly allowed: readonly Role[];
  readonly base?: Record<string, unknown>;
  readonly fields: Record<string, FieldKind | readonly unknown[]>;
}

describe('orders and KKP cards: no 500 for hostile input, and a refused request writes nothing (e2e)', () => {
  let app: TestApp;
  let tokens: Record<Role, string | undefined>;
  let seller: SellingVendor;
  let stranger: SellingVendor;
  let orderCard: string;
  let targets: Target[];
  let streamRevisions: Map<string, string>;

  const call = (method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> => app.request(method, path, options);
  const ok = (response: HttpResponse, status: number, what: string): HttpResponse => {
    if (response.status !== status) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  };

  async function authorisedOrder(): Promise<string> {
    const placed = ok(
      await call('POST', '/orders', { token: tokens.buyer, body: orderBody(seller, orderCard, [{ listingIndex: 0, quantity: 2 }]) }),
      201,
      'place',
    );
    await pollUntil(app, tokens.admin!, `/orders/${placed.body.orderId}`, (order) => order.status === 'authorised');
    return placed.body.orderId;
  }

  beforeAll(async () => {
    app = await TestApp.start();
    const admin = app.issueKey('admin');
    seller = await sellingVendor(app, admin, [35_000, 12_000]);
    stranger = await sellingVendor(app, admin, [20_000]);
    tokens = {
      none: undefined,
      admin,
      auditor: app.issueKey('auditor'),
      'vendor of another vendor': stranger.vendorToken,
      'buyer of another OPD': await buyerKey(app, admin, OTHER_OPD),
      buyer: await buyerKey(app, admin),
      "the order's vendor": seller.vendorToken,
    };
    orderCard = await issueCard(app, admin, 100_000_000);
    const spareCard = await issueCard(app, admin, 50_000_000);
    const suspendedCard = await issueCard(app, admin, 50_000_000);
    ok(await call('POST', `/cards/${suspendedCard}/suspend`, { token: admin, body: { reason: 'kartu hilang' } }), 200, 'suspend');

    const authorised = await authorisedOrder();
    const accepted = await authorisedOrder();
    ok(await call('POST', `/orders/${accepted}/accept`, { token: seller.vendorToken }), 200, 'accept');
    const shipped = await authorisedOrder();
    ok(await call('POST', `/orders/${shipped}/accept`, { token: seller.vendorToken }), 200, 'accept');
    ok(await call('POST', `/orders/${shipped}/ship`, { token: seller.vendorToken }), 200, 'ship');

    const text = (): FieldKind => 'text';
    const panLike = ['4111 1111 1111 1111', 'kartu 4111-1111-1111-1111', '4111111111111111'];
    // The old free-text spellings, the right format for an OPD nobody registered, and too long.
    const opdCodes = [
      ...EVERYWHERE,
      true,
      12_345,
      'D',
      'x'.repeat(41),
      ' 3673-DINKES',
      '3673 DINKES',
      '3673/DINKES',
      '3673-DİNKES',
      '3673-dinkes',
      'DINKES-3673',
      'OPD-3673-DINKES',
      '3673-DISPAR',
      `3673-${'A'.repeat(36)}`,
      ...panLike,
    ];
    const reason = { reason: text() };
    targets = [
      {
        name: 'issue card',
        method: 'POST',
        route: '/cards',
        id: '',
        owner: 'admin',
        allowed: ['admin'],
        base: { opdCode: OPD, holderName: 'Siti Rahmawati', cardLast4: '4821', limitRupiah: 10_000_000, expiresOn: '2099-12-31' },
        fields: {
          opdCode: opdCodes,
          // The card takes the OPD's registered name: a name in the request is an unknown field.
          opdName: [...EVERYWHERE, 'Dinas Kesehatan Kota Serang', ...panLike],
          holderName: [...EVERYWHERE, ...panLike],
          cardLast4: [...EVERYWHERE, 4821, '482', '48210', 'abcd', '４８２１', '4821 ', '48 21', '4111111111111111'],
          limitRupiah: [...valuesFor('positive'), 100_000_000_001, 4_111_111_111_111_111],
          expiresOn: [...valuesFor('date'), '2020-01-01', wibDate(-1)],
          cardNumber: ['4111111111111111', 4_111_111_111_111_111, null],
        },
      },
      { name: 'read card', method: 'GET', route: '/cards/:id', id: orderCard, owner: 'admin', allowed: ['admin', 'auditor', 'buyer'], fields: {} },
      {
        name: 'change limit',
        method: 'POST',
        route: '/cards/:id/limit',
        id: spareCard,
        owner: 'admin',
        allowed: ['admin'],
        base: { limitRupiah: 60_000_000 },
        fields: { limitRupiah: [...valuesFor('positive'), 100_000_000_001] },
      },
      {
        name: 'suspend card',
        method: 'POST',
        route: '/cards/:id/suspend',
        id: spareCard,
        owner: 'admin',
        allowed: ['admin'],
        base: { reason: 'kartu hilang' },
        fields: reason,
      },
      { name: 'reinstate card', method: 'POST', route: '/cards/:id/reinstate', id: suspendedCard, owner: 'admin', allowed: ['admin'], base: {}, fields: {} },
      {
        name: 'close card',
        method: 'POST',
        route: '/cards/:id/close',
        id: spareCard,
        owner: 'admin',
        allowed: ['admin'],
        base: { reason: 'pegawai pindah' },
        fields: reason,
      },
      {
        name: 'settle statement',
        method: 'POST',
        route: '/cards/:id/statements',
        id: orderCard,
        owner: 'admin',
        allowed: [],
        base: { statementReference: 'BNI-KKP/2026-11/DINKES', amountRupiah: 1 },
        fields: {
          statementReference: [...EVERYWHERE, true, 12_345, 'has space', 'x'.repeat(101), 'BNI\\KKP', ...panLike],
          amountRupiah: [...valuesFor('positive'), 100_000_000_001],
        },
      },
      {
        name: 'place order',
        method: 'POST',
        route: '/orders',
        id: '',
        owner: 'buyer',
        allowed: ['buyer'],
        base: orderBody(seller, orderCard, [{ listingIndex: 0, quantity: 1 }]),
        fields: {
          opdCode: [...opdCodes, OTHER_OPD],
          // The region comes from the OPD's registration: any region in the request is an unknown field.
          kabupatenKotaCode: [...valuesFor('code'), '0000', '9999', '3699', '3170', '3673', '3601'],
          officialName: text(),
          vendorId: [...valuesFor('uuid'), stranger.vendorId, randomUUID()],
          cardId: [...valuesFor('uuid'), randomUUID()],
          lines: [
            ...EVERYWHERE,
            [null],
            ['x'],
            [[]],
            [{}],
            [{ listingId: seller.listingIds[0] }],
            [{ quantity: 1 }],
            [{ listingId: seller.listingIds[0], quantity: 1, unitPriceRupiah: 1 }],
            [
              { listingId: seller.listingIds[0], quantity: 1 },
              { listingId: seller.listingIds[0], quantity: 1 },
            ],
            [{ listingId: randomUUID(), quantity: 1 }],
            [{ listingId: stranger.listingIds[0], quantity: 1 }],
            Array.from({ length: 51 }, () => ({ listingId: randomUUID(), quantity: 1 })),
            ...valuesFor('positive').map((quantity) => [{ listingId: seller.listingIds[0], quantity }]),
            ...valuesFor('uuid').map((listingId) => [{ listingId, quantity: 1 }]),
            [{ listingId: seller.listingIds[0], quantity: 1_000_001 }],
            [{ listingId: seller.listingIds[0], quantity: 1_000_000 }],
          ],
          shippingRupiah: [...valuesFor('number'), -0.5, 0.5, 50_000_001],
        },
      },
      {
        name: 'read order',
        method: 'GET',
        route: '/orders/:id',
        id: authorised,
        owner: 'buyer',
        allowed: ['admin', 'auditor', 'buyer', "the order's vendor"],
        fields: {},
      },
      {
        name: 'accept order',
        method: 'POST',
        route: '/orders/:id/accept',
        id: authorised,
        owner: "the order's vendor",
        allowed: ["the order's vendor"],
        base: {},
        fields: {},
      },
      {
        name: 'reject order',
        method: 'POST',
        route: '/orders/:id/reject',
        id: authorised,
        owner: "the order's vendor",
        allowed: ["the order's vendor"],
        base: { reason: 'stok habis' },
        fields: reason,
      },
      {
        name: 'ship order',
        method: 'POST',
        route: '/orders/:id/ship',
        id: accepted,
        owner: "the order's vendor",
        allowed: ["the order's vendor"],
        base: { note: 'dikirim kurir' },
        fields: { note: text() },
      },
      {
        name: 'receive order',
        method: 'POST',
        route: '/orders/:id/receive',
        id: shipped,
        owner: 'buyer',
        allowed: ['buyer', 'admin'],
        base: { bastNumber: 'BAST/017/DINKES/2026', bastDate: wibDate(0) },
        fields: {
          bastNumber: [...EVERYWHERE, 'x'.repeat(101)],
          bastDate: [...valuesFor('date'), wibDate(1), wibDate(400), '9999-12-31', '2000-01-01', wibDate(-3_650)],
        },
      },
      {
        name: 'cancel order',
        method: 'POST',
        route: '/orders/:id/cancel',
        id: authorised,
        owner: 'buyer',
        allowed: ['buyer', 'admin'],
        base: { reason: 'acara ditunda' },
        fields: reason,
      },
    ];
    streamRevisions = await revisions();
  });
  afterAll(async () => {
    await app.close();
  });

  /** The revision of every card and order stream the targets point at. */
  async function revisions(): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const target of targets.filter((t) => t.id !== '')) {
      const prefix = target.route.startsWith('/cards') ? 'card' : 'order';
      const events = await app.store.readStream(`${prefix}-${target.id}`);
      map.set(`${prefix}-${target.id}`, String(events.length));
    }
    return map;
  }

  const pathOf = (target: Target, id = target.id): string => target.route.replace(':id', id);

  interface HostileRequest {
    readonly label: string;
    readonly path: string;
    readonly options: RequestOptions;
    /** Roles that send it (default: every role). */
    readonly roles?: readonly Role[];
  }

  /** Every request of every target, sent by each role: all must be refused with 4xx problem+json and write nothing. */
  async function sweep(requestsFor: (target: Target) => HostileRequest[], select: (target: Target) => boolean): Promise<RefusalCheck> {
    const refusals = new RefusalCheck();
    for (const target of targets.filter(select)) {
      const before = await app.eventCount();
      const tasks = requestsFor(target).flatMap((request) =>
        (request.roles ?? (Object.keys(tokens) as Role[])).map((role) => async () => {
          const response = await call(target.method, request.path, { ...request.options, token: tokens[role] });
          const label = `${target.name} ${target.method} ${request.path.slice(0, 80)} as ${role} with ${request.label}`;
          refusals.check(label, response);
          // The owner's key is good: its requests must be refused for what they carry, so they reach validation and the decider.
          if (
            role === target.owner &&
            !request.options.headers?.authorization &&
            (response.status === 401 || (response.status === 403 && response.body?.code !== 'OUT_OF_SCOPE'))
          ) {
            refusals.failures.push(`${label}: the owner was refused for its key (${response.status} ${response.body?.code})`);
          }
        }),
      );
      await inBatches(tasks, PARALLEL_REQUESTS);
      const after = await app.eventCount();
      if (after !== before) refusals.failures.push(`${target.name}: ${after - before} events written by refused requests`);
    }
    return refusals;
  }

  const describeValue = (value: unknown): string => (JSON.stringify(value) ?? String(value)).slice(0, 40);

  it(
    'answers every hostile body, as every role, with a 4xx problem+json and writes nothing',
    async () => {
      const refusals = await sweep(
        (target) => [
          ...wholeBodies(target.base ?? {}).map(({ label, rawBody }) => ({ label: `body ${label}`, path: pathOf(target), options: { rawBody } })),
          ...Object.entries(target.fields).flatMap(([field, kind]) =>
            (typeof kind === 'string' ? valuesFor(kind) : kind).map((value) => ({
              label: `${field}=${describeValue(value)}`,
              path: pathOf(target),
              options: { body: { ...target.base, [field]: value } },
            })),
          ),
        ],
        (target) => target.method === 'POST',
      );
      expect(refusals.failures).toEqual([]);
      expect(refusals.sent).toBeGreaterThan(5_000);
      expect(await revisions()).toEqual(streamRevisions);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'answers hostile path ids, as every role, on every card and order endpoint with a 4xx problem+json and writes nothing',
    async () => {
      const badIds = [
        'not-a-uuid',
        '0A000000-0000-4000-8000-000000000001',
        '00000000-0000-0000-0000-00000000000g',
        '%00',
        '..%2F..%2Fetc%2Fpasswd',
        '%E0%A4%A',
        'a'.repeat(5_000),
        '%F0%9F%98%80',
        '__proto__',
        'constructor',
        `${randomUUID()}%20`,
        randomUUID(),
      ];
      const refusals = await sweep(
        (target) =>
          badIds.map((id) => ({
            label: `id ${id.slice(0, 40)}`,
            path: pathOf(target, id),
            options: target.method === 'POST' ? { body: target.base ?? {} } : {},
          })),
        (target) => target.id !== '',
      );
      expect(refusals.failures).toEqual([]);
      expect(await revisions()).toEqual(streamRevisions);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'refuses garbage If-Match, Idempotency-Key, X-Correlation-Id and Authorization headers with the valid body, as every role, and writes nothing',
    async () => {
      const garbage: [string, string][] = [
        ['if-match', 'nonsense'],
        ['if-match', '"99999999999999999999"'],
        ['if-match', '"-2"'],
        ['if-match', '"1.5"'],
        ['if-match', '"0x1"'],
        ['if-match', '"1" "2"'],
        ['if-match', '*, "1"'],
        ['if-match', '"1",'],
        ['if-match', '1'],
        ['if-match', ''],
        ['if-match', '"\u00e9"'],
        ['if-match', '"é"'],
        ['if-match', `"${'9'.repeat(5_000)}"`],
        // Well-formed but not the current revision of any target; weak tags never match If-Match (RFC 9110 §13.1.1).
        ['if-match', '"-1"'],
        ['if-match', '"12345"'],
        ['if-match', '"12344", "12345"'],
        ['if-match', 'W/"0"'],
        ['if-match', 'W/"1"'],
        ['if-match', 'W/"2", W/"3"'],
        ['idempotency-key', ''],
        ['idempotency-key', 'k'.repeat(129)],
        ['idempotency-key', 'has space'],
        ['idempotency-key', '../etc/passwd'],
        ['idempotency-key', 'a,b'],
        ['idempotency-key', 'ünïcode'],
        ['idempotency-key', '__proto__{}'],
        ['x-correlation-id', 'has space'],
        ['x-correlation-id', 'x'.repeat(129)],
      ];
      const badAuthorization = [
        'Bearer',
        'Bearer ',
        'Basic YWRtaW46YWRtaW4=',
        `Bearer bela_${'0'.repeat(16)}_${'A'.repeat(43)}`,
        'Bearer bela_x_y',
        `Bearer ${'x'.repeat(5_000)}`,
      ];
      const refusals = await sweep(
        (target) => [
          // "-1" (no stream yet) is the right precondition for a creation.
          ...garbage
            .filter(([, value]) => target.id !== '' || value !== '"-1"')
            .map(([header, value]) => ({
              label: `${header}: ${value.slice(0, 30)}`,
              path: pathOf(target),
              options: { body: target.base ?? {}, headers: { [header]: value } },
            })),
          // A key of its own replaces the role's: sent without one.
          ...badAuthorization.map((value) => ({
            label: `authorization: ${value.slice(0, 30)}`,
            path: pathOf(target),
            options: { body: target.base ?? {}, headers: { authorization: value } },
            roles: ['none'] as Role[],
          })),
        ],
        (target) => target.method === 'POST',
      );
      expect(refusals.failures).toEqual([]);
      expect(await revisions()).toEqual(streamRevisions);
    },
    SWEEP_TIMEOUT_MS,
  );

  it('refuses the valid request from every role that may not make it, and writes nothing', async () => {
    const refusals = new RefusalCheck();
    for (const target of targets) {
      for (const role of Object.keys(tokens) as Role[]) {
        if (target.allowed.includes(role)) continue;
        const before = await app.eventCount();
        const response = await call(target.method, pathOf(target), { token: tokens[role], ...(target.method === 'POST' ? { body: target.base ?? {} } : {}) });
        refusals.check(`${target.name} as ${role}`, response);
        if ((await app.eventCount()) !== before) refusals.failures.push(`${target.name} as ${role} wrote events`);
      }
    }
    expect(refusals.failures).toEqual([]);
    expect(await revisions()).toEqual(streamRevisions);
  });

  it('refuses a BAST dated after today (WIB) with 422 BAST_DATE_IN_FUTURE, and one dated before the order was placed with 422', async () => {
    const receive = targets.find((target) => target.name === 'receive order')!;
    for (const bastDate of [wibDate(1), '9999-12-31']) {
      const response = await call('POST', pathOf(receive), { token: tokens.buyer, body: { ...receive.base, bastDate } });
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 422, code: 'BAST_DATE_IN_FUTURE' });
    }
    for (const bastDate of ['2000-01-01', wibDate(-3_650)]) {
      const response = await call('POST', pathOf(receive), { token: tokens.buyer, body: { ...receive.base, bastDate } });
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 422, code: 'BAST_BEFORE_ORDER' });
    }
    for (const bastDate of ['2026-02-30', '2026-13-01']) {
      const response = await call('POST', pathOf(receive), { token: tokens.buyer, body: { ...receive.base, bastDate } });
      expect(response.status).toBe(400);
    }
    expect(await revisions()).toEqual(streamRevisions);
    // The valid receipt still goes through afterwards: nothing above changed the order.
    expect((await call('POST', pathOf(receive), { token: tokens.buyer, body: receive.base })).status).toBe(200);
  });
});
