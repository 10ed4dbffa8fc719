import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { testMetadata } from '../support/events.js';
import { OPD, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

// ajv-formats is CommonJS: the plugin is its default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

const PROBLEM = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/Problem';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** The error answers that are not problems: the health probes report themselves down with their own report. */
const NOT_A_PROBLEM = new Set(['GET /health 503', 'GET /health/ready 503']);
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * The only objects of a success answer whose members the document leaves open, each with why.
 * Every other object in a 2xx JSON schema names its members.
 */
const FREE_FORM: readonly (readonly [RegExp, string])[] = [
  [
    /\.publicView$/,
    "an event's public view before its `type` narrows it: the object's allOf gives, for each event type, its public schema (docs/asyncapi.yaml) or null",
  ],
  [
    /^GET \/audit\/leaves 200\.leaves\[\]\.event\.(data|metadata)$/,
    "a whole stored event for auditors: data as written (its type's internal schema in docs/asyncapi.yaml, unless a person's data was erased since), metadata as its writer set it",
  ],
  [
    /^GET \/(admin|public)\/red-flags(\/\{flagId\})? 200(\.items\[\])?\.parameters$/,
    "a red flag's parameters: the policy values and findings of its rule, different for each rule (docs/red-flags.md)",
  ],
];

type Json = Record<string, any>;
interface Operation {
  readonly key: string;
  readonly path: string;
  readonly method: string;
  readonly operation: Json;
}

/**
 * The published OpenAPI document, checked mechanically: OpenAPI 3.1, every success with a body
 * schema, every error as problem+json with its codes, every path parameter with a format or a
 * pattern, opaque bearer keys, security on every route that needs a key; then real error answers
 * of the service, checked against the document.
 */
describe('OpenAPI contract (e2e)', () => {
  let app: TestApp;
  let document: Json;
  let operations: Operation[];
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);

  beforeAll(async () => {
    app = await TestApp.start();
    const response = await app.request('GET', '/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
    ajv.addSchema({ $id: 'doc', components: document.components });
    operations = Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, path, method, operation: item[method] as Json })),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  /** A schema from the document, with its $refs resolved against the document's components. */
  const compile = (schema: Json) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));

  it('is OpenAPI 3.1 with no 3.0-only constructs, and every schema in it is valid JSON Schema 2020-12', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(operations.length).toBeGreaterThan(80);
    const invalid: string[] = [];
    const visit = (value: unknown, at: string): void => {
      if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${at}/${index}`));
      else if (value !== null && typeof value === 'object') {
        for (const [key, member] of Object.entries(value)) {
          if (key === 'nullable') invalid.push(`${at}: nullable is OpenAPI 3.0`);
          if (key === 'schema' && member !== null && typeof member === 'object' && !ajv.validateSchema(member as Json))
            invalid.push(`${at}/schema: ${ajv.errorsText()}`);
          visit(member, `${at}/${key}`);
        }
      }
    };
    visit(document.paths, '#/paths');
    for (const [name, schema] of Object.entries(document.components.schemas as Json)) {
      if (!ajv.validateSchema(schema)) invalid.push(`#/components/schemas/${name}: ${ajv.errorsText()}`);
    }
    expect(invalid).toEqual([]);
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        for (const [type, media] of Object.entries((response.content ?? {}) as Json))
          expect({ key, status, type, compiles: typeof compile(media.schema) }).toEqual({ key, status, type, compiles: 'function' });
      }
    }
  });

  it('has the structure OpenAPI 3.1 requires of operations, parameters and responses', () => {
    const broken: string[] = [];
    const operationIds = operations.map(({ operation }) => operation.operationId);
    if (new Set(operationIds).size !== operationIds.length || operationIds.some((id) => typeof id !== 'string'))
      broken.push('operationIds are not unique strings');
    for (const { key, operation } of operations) {
      if (!operation.responses || Object.keys(operation.responses).length === 0) broken.push(`${key}: no responses`);
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (!/^[1-5](\d\d|XX)$|^default$/.test(status)) broken.push(`${key} ${status}: not a status`);
        if (typeof response.description !== 'string') broken.push(`${key} ${status}: no description`);
        for (const [name, header] of Object.entries((response.headers ?? {}) as Json))
          if (!header.schema || name.toLowerCase() === 'content-type') broken.push(`${key} ${status} header ${name}`);
      }
      const seen = new Set<string>();
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        const id = `${parameter.in} ${parameter.name}`;
        if (seen.has(id)) broken.push(`${key}: ${id} twice`);
        seen.add(id);
        if (!['query', 'header', 'path', 'cookie'].includes(parameter.in) || typeof parameter.name !== 'string' || !parameter.schema)
          broken.push(`${key}: ${id} malformed`);
        if (parameter.in === 'path' && parameter.required !== true) broken.push(`${key}: ${id} not required`);
        // OpenAPI ignores these as header parameters: they are described otherwise (security, content).
        if (parameter.in === 'header' && ['accept', 'content-type', 'authorization'].includes(String(parameter.name).toLowerCase()))
          broken.push(`${key}: ${id}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('gives every operation a success with a body schema (or an explicit no-body 204/304)', () => {
    const missing = operations.filter(
      ({ operation }) =>
        !Object.entries(operation.responses as Json).some(
          ([status, response]) =>
            (/^2\d\d$/.test(status) &&
              Object.keys(response.content ?? {}).length > 0 &&
              Object.values(response.content as Json).every((media) => media.schema)) ||
            status === '204',
        ),
    );
    expect(missing.map(({ key }) => key)).toEqual([]);
  });

  it('names the members of every object in a 2xx JSON answer (outside the listed free-form ones)', () => {
    const components = document.components.schemas as Json;
    const loose: string[] = [];
    const visit = (schema: Json | undefined, at: string, seen: Set<Json>): void => {
      const resolved = schema?.$ref ? components[String(schema.$ref).split('/').pop()!] : schema;
      if (!resolved || typeof resolved !== 'object' || seen.has(resolved)) return;
      const next = new Set(seen).add(resolved);
      const types = ([] as unknown[]).concat(resolved.type ?? []);
      const composed = ['allOf', 'oneOf', 'anyOf'].some((keyword) => Array.isArray(resolved[keyword]));
      const map = typeof resolved.additionalProperties === 'object';
      if (types.includes('object') && !resolved.properties && !composed && !map && !FREE_FORM.some(([where]) => where.test(at))) loose.push(at);
      if (types.includes('array') && !resolved.items) loose.push(`${at}[]`);
      for (const [name, member] of Object.entries((resolved.properties ?? {}) as Json)) visit(member, `${at}.${name}`, next);
      if (resolved.items) visit(resolved.items, `${at}[]`, next);
      if (map) visit(resolved.additionalProperties, `${at}{}`, next);
      for (const keyword of ['allOf', 'oneOf', 'anyOf']) for (const part of (resolved[keyword] ?? []) as Json[]) visit(part, at, next);
    };
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (!/^2\d\d$/.test(status)) continue;
        for (const [type, media] of Object.entries((response.content ?? {}) as Json))
          if (type.includes('json')) visit(media.schema, `${key} ${status}`, new Set());
      }
    }
    expect(loose).toEqual([]);
  });

  it('answers every error status with application/problem+json, the Problem schema and the list of its codes', () => {
    const problem = document.components.schemas.Problem;
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']));
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code', 'detail', 'instance', 'errors']));
    const wrong: string[] = [];
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (Number(status) < 400 || NOT_A_PROBLEM.has(`${key} ${status}`)) continue;
        const schema = response.content?.[PROBLEM]?.schema;
        const codes = schema?.allOf?.[1]?.properties?.code?.enum;
        if (schema?.allOf?.[0]?.$ref !== PROBLEM_REF || !Array.isArray(codes) || codes.length === 0) wrong.push(`${key} ${status}`);
      }
      // What every route can meet: a malformed request, an Accept it cannot answer, headers too large.
      for (const status of ['400', '406', '431']) if (!operation.responses[status]) wrong.push(`${key} lacks ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('declares every path parameter with a schema that has a format, a pattern or an enum', () => {
    const loose: string[] = [];
    for (const { key, path, operation } of operations) {
      const declared = (operation.parameters ?? []).filter((parameter: Json) => parameter.in === 'path');
      const named = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const name of named) {
        const parameter = declared.find((candidate: Json) => candidate.name === name);
        if (!parameter?.required || !(parameter.schema?.format || parameter.schema?.pattern || parameter.schema?.enum)) loose.push(`${key} {${name}}`);
      }
    }
    expect(loose).toEqual([]);
  });

  it('describes opaque bearer keys (not JWTs), secures every route that needs a key and marks public ones security: []', async () => {
    const bearer = document.components.securitySchemes.bearer;
    expect(bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(String(bearer.bearerFormat ?? '')).not.toMatch(/jwt/i);
    expect(bearer.bearerFormat).toMatch(/^bela_/);
    const unsecured = operations.filter(({ operation }) => !Array.isArray(operation.security));
    expect(unsecured.map(({ key }) => key)).toEqual([]);
    // What the document says is what the service does: without a key, a secured route is 401 and a public one is not.
    const fill = (path: string): string =>
      path.replace(
        /\{(\w+)\}/g,
        (_all, name: string) =>
          ({ opdCode: '3673-DINKES', nib: '8120301234567', id: '1', name: 'orders', ocid: `ocds-demo00-${UNKNOWN_UUID}`, path: '0/000' })[name] ?? UNKNOWN_UUID,
      );
    const mismatched: string[] = [];
    for (const { key, path, method, operation } of operations) {
      if (method !== 'get') continue;
      const isPublic = operation.security.length === 0;
      if (!isPublic) expect({ key, security: operation.security }).toEqual({ key, security: [{ bearer: [] }] });
      const response = await app.request('GET', fill(path));
      if ((response.status === 401) === isPublic) mismatched.push(`${key}: ${response.status} (${isPublic ? 'public' : 'secured'})`);
    }
    expect(mismatched).toEqual([]);
  });

  it('links every creation to the operations on what it created, by an operationId that exists', () => {
    const byId = new Map(operations.map(({ path, operation }) => [operation.operationId as string, path]));
    const creations = operations.filter(({ operation }) => operation.responses['201']?.content?.['application/json']?.schema?.allOf);
    expect(creations.length).toBeGreaterThanOrEqual(5);
    for (const { key, operation } of creations) {
      const links = Object.values((operation.responses['201'].links ?? {}) as Json);
      expect({ key, linked: links.length > 0 }).toEqual({ key, linked: true });
      for (const link of links) {
        const [name] = Object.keys(link.parameters);
        expect({ key, target: byId.get(link.operationId)?.includes(`{${name}}`) }).toEqual({ key, target: true });
        expect(link.parameters[name]).toBe(`$response.body#/${name}`);
      }
    }
  });

  it('has examples that work on a fresh store: no waitForPosition beyond the head', () => {
    for (const { key, operation } of operations) {
      const wait = (operation.parameters ?? []).find((parameter: Json) => parameter.name === 'waitForPosition');
      if (wait) expect({ key, example: wait.example ?? wait.schema?.example ?? '0' }).toEqual({ key, example: '0' });
    }
  });

  it("the service's real error answers match the document: status listed, body valid, code among the listed ones", async () => {
    const admin = app.issueKey('admin');
    const cases: { method: string; path: string; template: string; status: number; token?: string; headers?: Record<string, string>; rawBody?: string }[] = [
      { method: 'GET', path: `/orders/${UNKNOWN_UUID}`, template: '/orders/{orderId}', status: 401 },
      { method: 'GET', path: '/orders/not-a-uuid', template: '/orders/{orderId}', status: 400, token: admin },
      { method: 'GET', path: `/vendors/${UNKNOWN_UUID}`, template: '/vendors/{vendorId}', status: 404 },
      { method: 'GET', path: '/admin/orders?limit=0', template: '/admin/orders', status: 400, token: admin },
      { method: 'GET', path: '/admin/orders?waitForPosition=999999', template: '/admin/orders', status: 400, token: admin },
      { method: 'GET', path: '/metrics', template: '/metrics', status: 406, headers: { accept: 'application/xml' } },
      { method: 'POST', path: '/vendors', template: '/vendors', status: 415, token: admin, headers: { 'content-type': 'text/plain' }, rawBody: 'x' },
      { method: 'POST', path: '/vendors', template: '/vendors', status: 400, token: admin, rawBody: '{}' },
      { method: 'POST', path: `/vendors/${UNKNOWN_UUID}/verify`, template: '/vendors/{vendorId}/verify', status: 404, token: admin },
      {
        method: 'POST',
        path: `/vendors/${UNKNOWN_UUID}/verify`,
        template: '/vendors/{vendorId}/verify',
        status: 400,
        token: admin,
        headers: { 'if-match': 'three' },
      },
      { method: 'POST', path: '/policy', template: '/policy', status: 403, token: app.issueKey('auditor'), rawBody: '{}' },
    ];
    for (const { method, path, template, status, ...options } of cases) {
      const response = await app.request(method, path, options);
      const documented = document.paths[template][method.toLowerCase()].responses[String(status)];
      expect({ path, status: response.status, documented: documented !== undefined }).toEqual({ path, status, documented: true });
      expect(response.headers.get('content-type')).toContain(PROBLEM);
      const validate = compile(documented.content[PROBLEM].schema);
      expect({ path, body: response.body, valid: validate(response.body), errors: validate.errors ?? null }).toEqual({
        path,
        body: response.body,
        valid: true,
        errors: null,
      });
    }
  });

  it('answers every GET route, in a session with data, with a documented status and a body valid against its schema', async () => {
    const admin = app.issueKey('admin');
    const vendor = await sellingVendor(app, admin, [25_000]);
    const buyer = await buyerKey(app, admin);
    const cardId = await issueCard(app, admin, 10_000_000);
    const placed = await app.request('POST', '/orders', { token: buyer, body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 2 }]) });
    expect(placed.status).toBe(201);
    expect(validates('POST /orders', '201', placed.body)).toEqual([]);
    const orderId: string = placed.body.orderId;
    const nib: string = (await app.request('GET', `/vendors/${vendor.vendorId}`, { token: admin })).body.nib;
    const tokens: Record<string, string> = { admin, auditor: app.issueKey('auditor'), buyer, vendor: vendor.vendorToken };
    const values: Record<string, string> = {
      vendorId: vendor.vendorId,
      listingId: vendor.listingIds[0]!,
      cardId,
      orderId,
      opdCode: OPD,
      nib,
      flagId: UNKNOWN_UUID,
      id: '1',
      ocid: `ocds-demo00-${orderId}`,
      path: '0/000',
    };
    const queries: Record<string, string> = { streamId: `order-${orderId}`, from: '1', start: '0', end: '1' };
    const checked: string[] = [];
    const wrong: unknown[] = [];
    for (const { key, path, method, operation } of operations) {
      if (method !== 'get') continue;
      const roles = /Roles: ([a-z, ]+)\./.exec(operation.description ?? '')?.[1]?.split(', ') ?? [];
      const role = ['admin', 'auditor', 'buyer', 'vendor'].find((candidate) => roles.includes(candidate));
      const required = (operation.parameters ?? [])
        .filter((parameter: Json) => parameter.in === 'query' && parameter.required)
        .map((parameter: Json) => `${parameter.name}=${queries[parameter.name]}`);
      if (path.startsWith('/audit/as-of/')) required.push(`at=${encodeURIComponent(new Date().toISOString())}`);
      const url = path.replace(/\{(\w+)\}/g, (_all, name: string) => values[name] ?? UNKNOWN_UUID) + (required.length > 0 ? `?${required.join('&')}` : '');
      // Read as text: an NDJSON export is no single JSON document.
      const response = await fetch(`${app.baseUrl}${url}`, {
        headers: role ? { authorization: `Bearer ${tokens[role]}` } : {},
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
      const text = await response.text();
      const documented = operation.responses[String(response.status)];
      if (!documented) wrong.push({ key, url, status: response.status, body: text.slice(0, 300) });
      else if (!documented.content?.[type]) wrong.push({ key, url, status: response.status, type, documented: Object.keys(documented.content ?? {}) });
      else if (type === 'application/json' || type === PROBLEM) {
        const errors = validates(key, String(response.status), JSON.parse(text), type);
        if (errors.length > 0) wrong.push({ key, url, status: response.status, errors });
      }
      checked.push(`${key} ${response.status}`);
    }
    expect(wrong).toEqual([]);
    expect(checked.filter((entry) => entry.endsWith(' 200')).length).toBeGreaterThan(50);
  });

  it('answers hostile variants of every route (bad path ids, unknown parameters, an Accept it cannot serve, a text body, a bad key, malformed Idempotency-Key and If-Match) with documented problems', async () => {
    const tokens: Record<string, string> = {
      admin: app.issueKey('admin'),
      auditor: app.issueKey('auditor'),
      vendor: app.issueKey('vendor', { vendorId: UNKNOWN_UUID }),
      buyer: app.issueKey('buyer', { opdCode: OPD }),
    };
    const wrong: unknown[] = [];
    let sent = 0;
    for (const { key, path, method, operation } of operations) {
      const roles = /Roles: ([a-z, ]+)\./.exec(operation.description ?? '')?.[1]?.split(', ') ?? [];
      const role = ['admin', 'auditor', 'vendor', 'buyer'].find((candidate) => roles.includes(candidate));
      const headers: Record<string, string> = role ? { authorization: `Bearer ${tokens[role]}` } : {};
      const wellFormed = path.replace(
        /\{(\w+)\}/g,
        (_all, name: string) => ({ opdCode: OPD, nib: '8120301234567', id: '1', name: 'orders', path: '0/000' })[name] ?? UNKNOWN_UUID,
      );
      const variants: { url: string; init: RequestInit }[] = [
        // Each is refused before any handler runs, so nothing is written whatever the route does.
        { url: wellFormed, init: { method: method.toUpperCase(), headers: { ...headers, accept: 'application/xml' } } },
      ];
      if (path.includes('{')) variants.push({ url: path.replace(/\{(\w+)\}/g, 'x%20y'), init: { method: method.toUpperCase(), headers } });
      if (method === 'get') variants.push({ url: `${wellFormed}?unknownParameter=1`, init: { method: 'GET', headers } });
      if (method !== 'get')
        variants.push({ url: wellFormed, init: { method: method.toUpperCase(), headers: { ...headers, 'content-type': 'text/plain' }, body: 'hello' } });
      if (!role) variants.push({ url: wellFormed, init: { method: method.toUpperCase(), headers: { authorization: 'Bearer bela_not_a_key' } } });
      const header = (name: string): boolean => (operation.parameters ?? []).some((parameter: Json) => parameter.in === 'header' && parameter.name === name);
      // Malformed headers are refused before the command runs.
      if (header('Idempotency-Key'))
        variants.push({ url: wellFormed, init: { method: method.toUpperCase(), headers: { ...headers, 'idempotency-key': 'not a key!' } } });
      if (header('If-Match')) variants.push({ url: wellFormed, init: { method: method.toUpperCase(), headers: { ...headers, 'if-match': 'W/3' } } });
      for (const { url, init } of variants) {
        const response = await fetch(`${app.baseUrl}${url}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        const text = await response.text();
        sent += 1;
        if (response.status < 400) continue;
        const documented = operation.responses[String(response.status)];
        const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
        if (!documented || type !== PROBLEM) {
          wrong.push({ key, url, accept: (init.headers as Record<string, string>).accept, status: response.status, type, body: text.slice(0, 200) });
          continue;
        }
        const errors = validates(key, String(response.status), JSON.parse(text), PROBLEM);
        if (errors.length > 0) wrong.push({ key, url, status: response.status, errors, body: text.slice(0, 200) });
      }
    }
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThan(150);
  });

  it('answers the hand-built reads (public details, spending, as-of, log proofs, dead letters, health, red flags, ...) in a session with data, with bodies valid against their schemas', async () => {
    const admin = app.issueKey('admin');
    const auditor = app.issueKey('auditor');
    const vendor = await sellingVendor(app, admin, [25_000, 40_000]);
    const buyer = await buyerKey(app, admin);
    const cardId = await issueCard(app, admin, 10_000_000);
    const placed = await app.request('POST', '/orders', {
      token: buyer,
      body: orderBody(vendor, cardId, [
        { listingIndex: 0, quantity: 2 },
        { listingIndex: 1, quantity: 1 },
      ]),
    });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.orderId;
    // The same order again, from the same OPD to the same vendor: a duplicate-payment red flag.
    const again = await app.request('POST', '/orders', {
      token: buyer,
      body: orderBody(vendor, cardId, [
        { listingIndex: 0, quantity: 2 },
        { listingIndex: 1, quantity: 1 },
      ]),
    });
    expect(again.status).toBe(201);
    // The order is paid, so that spending, the vendor's sales and the journal have rows.
    await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
    expect((await app.request('POST', `/orders/${orderId}/accept`, { token: vendor.vendorToken })).status).toBe(200);
    expect((await app.request('POST', `/orders/${orderId}/ship`, { token: vendor.vendorToken, body: { note: 'dikirim' } })).status).toBe(200);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect(
      (await app.request('POST', `/orders/${orderId}/receive`, { token: buyer, body: { bastNumber: 'BAST/001/OPENAPI/2026', bastDate: today } })).status,
    ).toBe(200);
    await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'paid');
    // A rejection of a vendor that never registered: the NIB-release process parks it as a dead letter.
    await app.store.appendToStream(
      `import-${randomUUID()}`,
      [{ id: randomUUID(), type: 'VendorRejected', data: { vendorId: randomUUID(), reason: 'ditolak' }, metadata: testMetadata }],
      { expectedRevision: 'no_stream' },
    );
    const letters = await pollUntil(app, admin, '/admin/dead-letters?status=open', (page) => page.items.length > 0);
    const letterId: number = letters.items[0].id;
    // The order's events are in a signed checkpoint once its stream proof answers.
    await pollUntil(app, '', `/log/proofs/stream?streamId=order-${orderId}`, (proof) => proof.events.length > 0 && !proof.truncated);
    await pollUntil(app, admin, '/public/spending', (page) => page.items.length > 0);
    const flags = await pollUntil(app, admin, '/admin/red-flags', (page) => page.items.length > 0);
    const flagId: string = flags.items[0].flagId;

    const nib: string = (await app.request('GET', `/vendors/${vendor.vendorId}`, { token: admin })).body.nib;
    const at = encodeURIComponent(new Date().toISOString());
    const reads: { key: string; url: string; token?: string; nonEmpty?: (body: Json) => unknown[] }[] = [
      { key: 'GET /public/summary', url: '/public/summary' },
      {
        key: 'GET /public/transactions/{orderId}',
        url: `/public/transactions/${orderId}`,
        nonEmpty: (body) => [body.transaction].concat(body.lines, body.events),
      },
      {
        key: 'GET /public/vendors/{vendorId}',
        url: `/public/vendors/${vendor.vendorId}`,
        nonEmpty: (body) => [...body.sales.byMonth, ...body.sales.byCategory, ...body.sales.byOpd, ...body.listings.items],
      },
      { key: 'GET /public/catalog/{listingId}', url: `/public/catalog/${vendor.listingIds[0]}`, nonEmpty: (body) => body.prices.items },
      { key: 'GET /public/transactions', url: '/public/transactions', nonEmpty: (body) => body.items },
      { key: 'GET /admin/red-flags', url: '/admin/red-flags', token: auditor, nonEmpty: (body) => body.items },
      { key: 'GET /admin/red-flags/{flagId}', url: `/admin/red-flags/${flagId}`, token: auditor },
      { key: 'GET /public/red-flags', url: '/public/red-flags', nonEmpty: (body) => body.items },
      { key: 'GET /public/red-flags/{flagId}', url: `/public/red-flags/${flagId}` },
      { key: 'GET /admin/orders/{orderId}', url: `/admin/orders/${orderId}`, token: auditor, nonEmpty: (body) => body.lines },
      { key: 'GET /admin/projections', url: '/admin/projections', token: auditor, nonEmpty: (body) => body.projections },
      { key: 'GET /policy', url: '/policy' },
      { key: 'GET /nibs/{nib}', url: `/nibs/${nib}`, token: auditor },
      { key: 'GET /cards/{cardId}', url: `/cards/${cardId}`, token: auditor, nonEmpty: (body) => body.holds },
      { key: 'GET /orders/{orderId}', url: `/orders/${orderId}`, token: auditor, nonEmpty: (body) => [body.hold, body.bast] },
      { key: 'GET /public/spending', url: '/public/spending?by=opd', nonEmpty: (body) => body.items },
      { key: 'GET /public/spending/targets', url: '/public/spending/targets', nonEmpty: (body) => [...body.byKabupatenKota.items, ...body.byOpd.items] },
      { key: 'GET /audit/as-of/cards/{cardId}', url: `/audit/as-of/cards/${cardId}?at=${at}`, token: auditor },
      { key: 'GET /audit/as-of/orders/{orderId}', url: `/audit/as-of/orders/${orderId}?at=${at}`, token: auditor },
      { key: 'GET /audit/as-of/vendors/{vendorId}', url: `/audit/as-of/vendors/${vendor.vendorId}?at=${at}`, token: auditor },
      { key: 'GET /audit/as-of/listings/{listingId}', url: `/audit/as-of/listings/${vendor.listingIds[0]}?at=${at}`, token: auditor },
      {
        key: 'GET /audit/as-of/balances',
        url: `/audit/as-of/balances?at=${at}`,
        token: auditor,
        nonEmpty: (body) => [...body.cards, ...body.trialBalance.accounts],
      },
      { key: 'GET /admin/journal/trial-balance', url: '/admin/journal/trial-balance', token: auditor, nonEmpty: (body) => body.accounts },
      { key: 'GET /log/proofs/inclusion', url: '/log/proofs/inclusion?leafIndex=0' },
      { key: 'GET /log/proofs/stream', url: `/log/proofs/stream?streamId=order-${orderId}`, nonEmpty: (body) => body.events },
      { key: 'GET /log/proofs/consistency', url: '/log/proofs/consistency?from=1' },
      { key: 'GET /log/leaves', url: '/log/leaves?start=0&end=20', nonEmpty: (body) => body.leaves },
      { key: 'GET /audit/leaves', url: '/audit/leaves?start=0&end=20', token: auditor, nonEmpty: (body) => body.leaves },
      { key: 'GET /admin/dead-letters', url: '/admin/dead-letters', token: auditor, nonEmpty: (body) => body.items },
      { key: 'GET /admin/dead-letters/{id}', url: `/admin/dead-letters/${letterId}`, token: auditor },
      { key: 'GET /health', url: '/health', nonEmpty: (body) => body.subscriptions },
      { key: 'GET /health/live', url: '/health/live' },
      { key: 'GET /health/ready', url: '/health/ready' },
    ];
    const wrong: unknown[] = [];
    for (const { key, url, token, nonEmpty } of reads) {
      const response = await app.request('GET', url, token ? { token } : {});
      const errors =
        response.status === 200 ? validates(key, '200', response.body) : [`status ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`];
      if (errors.length > 0) wrong.push({ key, url, errors });
      else if (nonEmpty && nonEmpty(response.body).length === 0) wrong.push({ key, url, errors: ['nothing in the answer to check'] });
    }
    const retried = await app.request('POST', `/admin/dead-letters/${letterId}/retry`, { token: admin });
    expect(retried.status).toBe(200);
    expect(validates('POST /admin/dead-letters/{id}/retry', '200', retried.body)).toEqual([]);
    const dismissed = await app.request('POST', `/admin/dead-letters/${letterId}/dismiss`, { token: admin, body: { reason: 'the vendor never registered' } });
    expect(dismissed.status).toBe(200);
    expect(validates('POST /admin/dead-letters/{id}/dismiss', '200', dismissed.body)).toEqual([]);
    expect(wrong).toEqual([]);
  });

  /** The schema errors of a body against the document's response for an operation and status (empty: valid). */
  function validates(key: string, status: string, body: unknown, type = 'application/json'): string[] {
    const [method, path] = key.split(' ') as [string, string];
    const schema = document.paths[path][method.toLowerCase()].responses[status]?.content?.[type]?.schema;
    if (!schema) return [`${key} ${status} ${type}: not documented`];
    const validate = compile(schema);
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  }
});
