import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { TestApp } from '../support/test-app.js';

// ajv-formats is CommonJS: the plugin is its default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

const PROBLEM = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/Problem';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** The one error answer that is not a problem: /health reports itself down with its own report. */
const NOT_A_PROBLEM = new Set(['GET /health 503']);
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

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
          if (key === 'schema' && member !== null && typeof member === 'object' && !ajv.validateSchema(member as Json)) invalid.push(`${at}/schema: ${ajv.errorsText()}`);
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
        for (const [type, media] of Object.entries((response.content ?? {}) as Json)) expect({ key, status, type, compiles: typeof compile(media.schema) }).toEqual({ key, status, type, compiles: 'function' });
      }
    }
  });

  it('gives every operation a success with a body schema (or an explicit no-body 204/304)', () => {
    const missing = operations.filter(({ operation }) =>
      !Object.entries(operation.responses as Json).some(
        ([status, response]) => (/^2\d\d$/.test(status) && Object.keys(response.content ?? {}).length > 0 && Object.values(response.content as Json).every((media) => media.schema)) || status === '204',
      ),
    );
    expect(missing.map(({ key }) => key)).toEqual([]);
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
      path.replace(/\{(\w+)\}/g, (_all, name: string) => ({ opdCode: '3673-DINKES', nib: '8120301234567', id: '1', name: 'orders', ocid: `ocds-demo00-${UNKNOWN_UUID}`, path: '0/000' })[name] ?? UNKNOWN_UUID);
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

  it('has examples that work on a fresh store: no waitForPosition beyond the head', () => {
    for (const { key, operation } of operations) {
      const wait = (operation.parameters ?? []).find((parameter: Json) => parameter.name === 'waitForPosition');
      if (wait) expect({ key, example: wait.example ?? wait.schema?.example ?? '0' }).toEqual({ key, example: '0' });
    }
  });

  it('the service\'s real error answers match the document: status listed, body valid, code among the listed ones', async () => {
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
      { method: 'POST', path: `/vendors/${UNKNOWN_UUID}/verify`, template: '/vendors/{vendorId}/verify', status: 400, token: admin, headers: { 'if-match': 'three' } },
      { method: 'POST', path: '/policy', template: '/policy', status: 403, token: app.issueKey('auditor'), rawBody: '{}' },
    ];
    for (const { method, path, template, status, ...options } of cases) {
      const response = await app.request(method, path, options);
      const documented = document.paths[template][method.toLowerCase()].responses[String(status)];
      expect({ path, status: response.status, documented: documented !== undefined }).toEqual({ path, status, documented: true });
      expect(response.headers.get('content-type')).toContain(PROBLEM);
      const validate = compile(documented.content[PROBLEM].schema);
      expect({ path, body: response.body, valid: validate(response.body), errors: validate.errors ?? null }).toEqual({ path, body: response.body, valid: true, errors: null });
    }
  });
});
