import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/kernel/actor.js';
import { OPD, OTHER_OPD, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
}
/** Well below jest's timeout: one hung request fails its cell, not the suite. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Every route of the OpenAPI document x every kind of caller. The table below is the contract
 * (docs/api.md "Roles"): who may call each route, or 'public'. A route the document lists and the
 * table does not (or the reverse) fails the test, so a new route must take a place in it.
 */
const ADMIN_AUDITOR: readonly Role[] = ['admin', 'auditor'];
const ADMIN: readonly Role[] = ['admin'];
const ANY_KEY: readonly Role[] = ['admin', 'auditor', 'buyer', 'vendor'];
const ROUTES: Readonly<Record<string, readonly Role[] | 'public'>> = {
  'GET /health': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  'GET /admin/dead-letters': ADMIN_AUDITOR,
  'GET /admin/dead-letters/{id}': ADMIN_AUDITOR,
  'POST /admin/dead-letters/{id}/retry': ADMIN,
  'POST /admin/dead-letters/{id}/dismiss': ADMIN,
  'GET /policy': 'public',
  'POST /policy': ADMIN,
  'POST /opds': ADMIN,
  'GET /opds': ADMIN_AUDITOR,
  'GET /opds/{opdCode}': 'public',
  'PATCH /opds/{opdCode}': ADMIN,
  'POST /vendors': ['vendor', 'admin'],
  'GET /vendors/{vendorId}': 'public',
  'PATCH /vendors/{vendorId}': ['vendor', 'admin'],
  'POST /vendors/{vendorId}/verify': ADMIN,
  'POST /vendors/{vendorId}/reject': ADMIN,
  'POST /vendors/{vendorId}/suspend': ADMIN,
  'POST /vendors/{vendorId}/reinstate': ADMIN,
  'GET /nibs/{nib}': ADMIN_AUDITOR,
  'POST /nibs/{nib}/release': ADMIN,
  'POST /vendors/{vendorId}/listings': ['vendor'],
  'GET /listings/{listingId}': 'public',
  'POST /listings/{listingId}/price': ['vendor'],
  'POST /listings/{listingId}/delist': ['vendor'],
  'POST /cards': ADMIN,
  'GET /cards/{cardId}': ['admin', 'auditor', 'buyer'],
  'POST /cards/{cardId}/limit': ADMIN,
  'POST /cards/{cardId}/suspend': ADMIN,
  'POST /cards/{cardId}/reinstate': ADMIN,
  'POST /cards/{cardId}/close': ADMIN,
  'POST /cards/{cardId}/statements': ADMIN,
  'POST /orders': ['buyer', 'admin'],
  'GET /orders': ANY_KEY,
  'GET /orders/{orderId}': ANY_KEY,
  'POST /orders/{orderId}/accept': ['vendor'],
  'POST /orders/{orderId}/reject': ['vendor'],
  'POST /orders/{orderId}/ship': ['vendor'],
  'POST /orders/{orderId}/receive': ['buyer', 'admin'],
  'POST /orders/{orderId}/cancel': ['buyer', 'admin'],
  'GET /admin/projections': ADMIN_AUDITOR,
  'POST /admin/projections/rebuild': ADMIN,
  'POST /admin/projections/{name}/rebuild': ADMIN,
  'GET /admin/vendors': ADMIN_AUDITOR,
  'GET /admin/listings': ADMIN_AUDITOR,
  'GET /admin/listings/{listingId}/prices': ADMIN_AUDITOR,
  'GET /admin/orders': ADMIN_AUDITOR,
  'GET /admin/orders/{orderId}': ADMIN_AUDITOR,
  'GET /admin/orders/{orderId}/timeline': ADMIN_AUDITOR,
  'GET /admin/cards': ADMIN_AUDITOR,
  'GET /admin/card-holds': ADMIN_AUDITOR,
  'GET /admin/journal/entries': ADMIN_AUDITOR,
  'GET /admin/journal/lines': ADMIN_AUDITOR,
  'GET /admin/journal/balances': ADMIN_AUDITOR,
  'GET /admin/journal/trial-balance': ADMIN_AUDITOR,
  'GET /public/spending': 'public',
  'GET /public/spending/targets': 'public',
  'GET /public/summary': 'public',
  'GET /public/transactions': 'public',
  'GET /public/transactions/{orderId}': 'public',
  'GET /public/vendors': 'public',
  'GET /public/vendors/{vendorId}': 'public',
  'GET /public/catalog': 'public',
  'GET /public/catalog/{listingId}': 'public',
  'GET /log/checkpoint': 'public',
  'GET /log/key': 'public',
  'GET /log/proofs/inclusion': 'public',
  'GET /log/proofs/stream': 'public',
  'GET /log/proofs/consistency': 'public',
  'GET /log/leaves': 'public',
  'GET /log/tile/{path}': 'public',
  'GET /audit/leaves': ['auditor'],
  'GET /audit/events': ADMIN_AUDITOR,
  'GET /public/events': 'public',
  'GET /audit/as-of/cards/{cardId}': ADMIN_AUDITOR,
  'GET /audit/as-of/orders/{orderId}': ADMIN_AUDITOR,
  'GET /audit/as-of/vendors/{vendorId}': ADMIN_AUDITOR,
  'GET /audit/as-of/listings/{listingId}': ADMIN_AUDITOR,
  'GET /audit/as-of/balances': ADMIN_AUDITOR,
  'GET /public/ocds/releases/{ocid}': 'public',
  'GET /public/ocds/records/{ocid}': 'public',
  'GET /public/ocds/release-packages': 'public',
  'GET /public/ocds/record-packages': 'public',
  'GET /public/ocds/publication-policy': 'public',
  'GET /admin/red-flags': ADMIN_AUDITOR,
  'GET /admin/red-flags/{flagId}': ADMIN_AUDITOR,
  'POST /admin/red-flags/{flagId}/review': ADMIN_AUDITOR,
  'GET /public/red-flags': 'public',
  'GET /public/red-flags/{flagId}': 'public',
};

/** Required query parameters, with values that name something of the seeded ledger. */
const QUERIES: Readonly<Record<string, string>> = {
  '/log/proofs/stream': 'streamId=order-{orderId}',
  '/log/proofs/consistency': 'from=1',
  '/log/leaves': 'start=0&end=1',
  '/audit/leaves': 'start=0&end=1',
  // As-of queries take exactly one of at and position: the head after seeding names every resource.
  '/audit/as-of/cards/{cardId}': 'position={head}',
  '/audit/as-of/orders/{orderId}': 'position={head}',
  '/audit/as-of/vendors/{vendorId}': 'position={head}',
  '/audit/as-of/listings/{listingId}': 'position={head}',
  '/audit/as-of/balances': 'position={head}',
};

const PRINCIPALS = ['none', 'admin', 'auditor', 'vendor A', 'vendor B', 'buyer of OPD X', 'buyer of OPD Y'] as const;
type Principal = (typeof PRINCIPALS)[number];
const ROLE_OF: Readonly<Record<Principal, Role | undefined>> = {
  none: undefined,
  admin: 'admin',
  auditor: 'auditor',
  'vendor A': 'vendor',
  'vendor B': 'vendor',
  'buyer of OPD X': 'buyer',
  'buyer of OPD Y': 'buyer',
};
/** The seeded order is vendor A's, placed by OPD X with OPD X's card: these two may not see it. */
const STRANGERS: readonly Principal[] = ['vendor B', 'buyer of OPD Y'];
/** Path parameters naming a resource that is scoped to its vendor and OPD. */
const SCOPED_PARAMS = ['orderId', 'cardId'] as const;

describe('role matrix: every route x none, admin, auditor, vendor A and B, buyers of OPD X and Y (e2e)', () => {
  let app: TestApp;
  const tokens = new Map<Principal, string>();
  const params = new Map<string, string>();
  let routes: { method: string; path: string; key: string }[] = [];

  beforeAll(async () => {
    app = await TestApp.start();
    const admin = app.issueKey('admin');
    tokens.set('admin', admin);
    tokens.set('auditor', app.issueKey('auditor'));
    const vendorA = await sellingVendor(app, admin, [25_000]);
    const vendorB = await sellingVendor(app, admin, [30_000]);
    tokens.set('vendor A', vendorA.vendorToken);
    tokens.set('vendor B', vendorB.vendorToken);
    tokens.set('buyer of OPD X', await buyerKey(app, admin, OPD));
    tokens.set('buyer of OPD Y', await buyerKey(app, admin, OTHER_OPD));
    const cardId = await issueCard(app, admin, 10_000_000, OPD);
    const placed = await app.request('POST', '/orders', {
      token: tokens.get('buyer of OPD X')!,
      body: orderBody(vendorA, cardId, [{ listingIndex: 0, quantity: 2 }]),
    });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.orderId;
    await pollUntil(app, admin, `/orders/${orderId}`, (order) => order.status === 'authorised');
    for (const [name, value] of Object.entries({
      orderId,
      cardId,
      vendorId: vendorA.vendorId,
      listingId: vendorA.listingIds[0]!,
      opdCode: OPD,
      ocid: `ocds-demo00-${orderId}`,
      nib: '9100000000001',
      name: 'orders',
      path: '0/000',
      id: randomUUID(),
      flagId: randomUUID(),
      head: String(await app.store.headPosition()),
    })) {
      params.set(name, value);
    }
    const document = await app.request('GET', '/docs-json');
    expect(document.status).toBe(200);
    routes = Object.entries(document.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}` })),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const fill = (template: string, values: ReadonlyMap<string, string>): string =>
    template.replace(/\{(\w+)\}/g, (_all, name: string) => values.get(name) ?? `{${name}}`);

  /** Status and problem code only: some answers are NDJSON, CSV or binary tiles, not one JSON value. */
  async function send(method: string, path: string, principal: Principal, values: ReadonlyMap<string, string>): Promise<Answer> {
    const query = QUERIES[path];
    const url = fill(path, values) + (query ? `?${fill(query, values)}` : '');
    const token = tokens.get(principal);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (method !== 'GET') Object.assign(headers, { 'content-type': 'application/json', 'idempotency-key': randomUUID() });
    const response = await fetch(`${app.baseUrl}${url}`, {
      method,
      headers,
      ...(method === 'GET' ? {} : { body: '{}' }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const problem = (response.headers.get('content-type') ?? '').startsWith('application/problem+json') ? (JSON.parse(text) as { code?: string }) : undefined;
    return { status: response.status, code: problem?.code };
  }

  it('the table names every route of the OpenAPI document, and only those', () => {
    expect(routes.map((route) => route.key).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('answers every cell as its role and scope say, and never with a 5xx', async () => {
    const failures: string[] = [];
    let cells = 0;
    /** Cells per expected class, to show (and check) that each class is exercised. */
    const tally = { public: 0, unauthenticated: 0, roleNotAllowed: 0, outOfScope: 0, allowed: 0 };
    for (const route of routes) {
      const allowed = ROUTES[route.key]!;
      const scoped = SCOPED_PARAMS.some((name) => route.path.includes(`{${name}}`));
      for (const principal of PRINCIPALS) {
        cells += 1;
        const seen = await send(route.method, route.path, principal, params);
        const fail = (expected: string): void => {
          failures.push(`${route.key} as ${principal}: expected ${expected}, got ${seen.status} ${seen.code ?? ''}`);
        };
        const role = ROLE_OF[principal];
        const kind =
          allowed === 'public'
            ? 'public'
            : role === undefined
              ? 'unauthenticated'
              : !allowed.includes(role)
                ? 'roleNotAllowed'
                : scoped && STRANGERS.includes(principal)
                  ? 'outOfScope'
                  : 'allowed';
        tally[kind] += 1;
        if (seen.status >= 500) fail('no 5xx');
        else if (allowed === 'public') {
          if (seen.status === 401 || seen.status === 403) fail('a public answer');
        } else if (role === undefined) {
          if (seen.status !== 401 || seen.code !== 'UNAUTHENTICATED') fail('401 UNAUTHENTICATED');
        } else if (!allowed.includes(role)) {
          if (seen.status !== 403 || seen.code !== 'ROLE_NOT_ALLOWED') fail('403 ROLE_NOT_ALLOWED');
        } else if (scoped && STRANGERS.includes(principal)) {
          // Out of scope: exactly the answer for an id that does not exist.
          const missing = await send(route.method, route.path, principal, new Map([...params, ['orderId', randomUUID()], ['cardId', randomUUID()]]));
          if (seen.status !== missing.status || seen.code !== missing.code) fail(`the missing resource's ${missing.status} ${missing.code ?? ''}`);
          else if (route.method === 'GET' && seen.status !== 404) fail('404');
        } else if (seen.status === 401 || seen.code === 'ROLE_NOT_ALLOWED' || seen.code === 'ORDER_NOT_FOUND' || seen.code === 'CARD_NOT_FOUND') {
          fail('an answer for an allowed caller that sees the resource');
        } else if (scoped && route.method === 'GET' && (seen.status < 200 || seen.status > 299)) {
          fail('2xx');
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(Object.keys(ROUTES).length * PRINCIPALS.length);
    for (const count of Object.values(tally)) expect(count).toBeGreaterThan(0);
    process.stdout.write(`role matrix: ${cells} cells (${routes.length} routes x ${PRINCIPALS.length} principals): ${JSON.stringify(tally)}\n`);
  });
});
