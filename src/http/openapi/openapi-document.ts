import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import { HEADER_TOKEN } from '../request-context.js';
import { PROBLEM_CODES_EXTENSION, PUBLIC_EXTENSION, ROLES_EXTENSION } from './extension-keys.js';
import { PATH_PARAMETER_SCHEMAS } from './path-parameters.js';
import { PROBLEM_CODES_BY_STATUS, ProblemCode, statusOfCode } from './problem-codes.js';

export const OPENAPI_VERSION = '3.1.0';
export const BEARER_SCHEME = 'bearer';
const PROBLEM_REF = '#/components/schemas/Problem';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const BODY_METHODS: ReadonlySet<string> = new Set(['post', 'put', 'patch', 'delete']);
/** Paths the public rate limit and ETag/304 apply to (src/public-api/public-http.ts). */
const PUBLIC_READ_PATH = /^\/(public|log)\//;
const WAIT_PARAMETERS: ReadonlySet<string> = new Set(['waitForPosition', 'waitMs']);

const PROBLEM_SCHEMAS: Readonly<Record<string, SchemaObject>> = {
  FieldError: {
    type: 'object',
    required: ['field', 'messages'],
    properties: { field: { type: 'string', description: 'the field, header or parameter at fault' }, messages: { type: 'array', items: { type: 'string' } } },
  },
  Problem: {
    type: 'object',
    description:
      'RFC 9457 problem details, with a stable machine-readable `code`. Some problems carry more members named by their code ' +
      '(allowedRoles, headPosition, retryAfterSeconds, idempotencyKey, produces, ...).',
    required: ['type', 'title', 'status', 'code', 'detail'],
    properties: {
      type: { type: 'string', format: 'uri-reference', description: '/docs/problems#<code>', example: '/docs/problems#VALIDATION_FAILED' },
      title: { type: 'string', description: 'the HTTP status phrase', example: 'Bad Request' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      detail: { type: 'string' },
      instance: { type: 'string', format: 'uri-reference', description: 'the request path' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' }, description: 'every failing field (400 codes)' },
    },
    additionalProperties: true,
  },
};

const HEADER_RETRY_AFTER = {
  description: 'seconds to wait before retrying (sent with STORE_BUSY, READ_MODEL_STALE, RATE_LIMITED, IDEMPOTENCY_KEY_IN_FLIGHT)',
  schema: { type: 'integer', minimum: 0 },
};
const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'requests allowed per window from this address', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Remaining': { description: 'requests left in the window', schema: { type: 'integer', minimum: 0 } },
};
const HEADER_WWW_AUTHENTICATE = { description: 'Bearer realm="bela-ledger"', schema: { type: 'string' } };

/**
 * Completes Nest's generated document into a true OpenAPI 3.1 one: the security of each route
 * from @Public()/@Roles(), path parameter schemas, every error status with its problem codes
 * (the route's own, plus those of what the route is: authenticated, with a body, idempotent,
 * conditional, read-your-writes, public), and 3.0 constructs rewritten as 3.1.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.openapi = OPENAPI_VERSION;
  document.components = { ...document.components, schemas: { ...PROBLEM_SCHEMAS, ...document.components?.schemas } };
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
  for (const { path, method, operation } of operations) completeOperation(path, method, operation);
  linkCreations(operations);
  return toOpenApi31(document) as OpenAPIObject;
}

function completeOperation(path: string, method: string, operation: OperationObject): void {
  const extensions = operation as OperationObject & Record<string, unknown>;
  const isPublic = extensions[PUBLIC_EXTENSION] === true;
  const roles = extensions[ROLES_EXTENSION] as readonly string[] | undefined;
  const ownCodes = (extensions[PROBLEM_CODES_EXTENSION] as readonly ProblemCode[] | undefined) ?? [];
  delete extensions[PUBLIC_EXTENSION];
  delete extensions[ROLES_EXTENSION];
  delete extensions[PROBLEM_CODES_EXTENSION];
  operation.security = isPublic ? [] : [{ [BEARER_SCHEME]: [] }];
  if (!isPublic && roles) operation.description = [operation.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
  const publicRead = method === 'get' && PUBLIC_READ_PATH.test(path);
  // Public reads never wait for a position (they refuse waitForPosition and waitMs), whatever DTO they share.
  const parameters = ((operation.parameters ?? []) as ParameterObject[]).filter(
    (parameter) => !(publicRead && parameter.in === 'query' && WAIT_PARAMETERS.has(parameter.name)),
  );
  completePathParameters(path, operation, parameters);
  const codes = new Set<ProblemCode>([...ownCodes, ...traitCodes(path, method, operation, parameters, isPublic, roles)]);
  const idempotent = parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');
  // Every command takes the caller's correlation id into its events' metadata.
  if (idempotent)
    parameters.push({
      name: 'X-Correlation-Id',
      in: 'header',
      required: false,
      description: "recorded as the events' correlationId (default: a fresh id); 400 INVALID_HEADER when malformed",
      schema: { type: 'string', pattern: HEADER_TOKEN.source },
    });
  for (const [status, response] of Object.entries(operation.responses)) {
    const code = Number(status);
    if (code >= 200 && code < 300 && idempotent) {
      const success = response as ResponseObject;
      success.headers = {
        ...success.headers,
        'Idempotent-Replayed': {
          description: 'true when this is the stored answer to an earlier request with the same Idempotency-Key',
          schema: { type: 'string', enum: ['true'] },
        },
      };
    }
  }
  if (publicRead) completePublicRead(operation);
  addProblemResponses(operation, codes);
}

/** What a route answers by being what it is, not by what it does. */
function traitCodes(
  path: string,
  method: string,
  operation: OperationObject,
  parameters: readonly ParameterObject[],
  isPublic: boolean,
  roles: readonly string[] | undefined,
): ProblemCode[] {
  const has = (where: string, name: string): ParameterObject | undefined => parameters.find((parameter) => parameter.in === where && parameter.name === name);
  const codes: ProblemCode[] = ['BAD_REQUEST', 'NOT_ACCEPTABLE', 'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE'];
  // A public route still authenticates a key that is sent (and refuses a bad one).
  codes.push('INVALID_API_KEY', 'KEY_EXPIRED');
  if (!isPublic) codes.push('UNAUTHENTICATED');
  if (!isPublic && roles) codes.push('ROLE_NOT_ALLOWED');
  if (method === 'get' && PUBLIC_READ_PATH.test(path)) codes.push('RATE_LIMITED');
  if (BODY_METHODS.has(method)) codes.push('INVALID_UTF8', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  if (operation.requestBody) codes.push('VALIDATION_FAILED', 'INVALID_TEXT');
  if (parameters.some((parameter) => parameter.in === 'query')) codes.push('VALIDATION_FAILED');
  if (parameters.some((parameter) => parameter.in === 'path' && PATH_PARAMETER_SCHEMAS[parameter.name]?.format === 'uuid')) codes.push('INVALID_ID');
  if (has('path', 'opdCode') || has('path', 'nib')) codes.push('INVALID_ID');
  // A path parameter longer than the router's limit is refused before routing.
  if (/\{\w+\}/.test(path)) codes.push('URI_TOO_LONG');
  const idempotencyKey = has('header', 'Idempotency-Key');
  if (idempotencyKey) {
    // Every command endpoint is idempotent and runs the command pipeline.
    codes.push(
      'INVALID_HEADER',
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_IN_FLIGHT',
      'IDEMPOTENCY_STORE_BUSY',
      'CONCURRENCY_CONFLICT',
      'STREAM_BUSY',
      'STORE_BUSY',
    );
    if (idempotencyKey.required) codes.push('IDEMPOTENCY_KEY_REQUIRED');
  }
  if (has('header', 'If-Match')) codes.push('INVALID_HEADER', 'REVISION_MISMATCH');
  if (has('query', 'waitForPosition')) codes.push('POSITION_BEYOND_HEAD', 'READ_MODEL_STALE');
  return codes;
}

function completePathParameters(path: string, operation: OperationObject, parameters: ParameterObject[]): void {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  for (const name of names) {
    const schema = PATH_PARAMETER_SCHEMAS[name];
    const existing = parameters.find((parameter) => parameter.in === 'path' && parameter.name === name);
    if (existing) {
      existing.schema = { ...(existing.schema as SchemaObject), ...schema };
    } else {
      parameters.push({ name, in: 'path', required: true, ...(schema?.description ? { description: schema.description } : {}), ...(schema ? { schema } : {}) });
    }
  }
  operation.parameters = parameters;
}

/** Public reads carry an ETag over their body, a Cache-Control, and answer If-None-Match with 304. */
function completePublicRead(operation: OperationObject): void {
  const ok = operation.responses['200'] as ResponseObject | undefined;
  if (ok) {
    ok.headers = {
      ...ok.headers,
      ETag: { description: 'a strong tag over the body: send it as If-None-Match', schema: { type: 'string' } },
      'Cache-Control': { description: 'how long a cache may keep the answer', schema: { type: 'string' } },
      ...RATE_LIMIT_HEADERS,
    };
  }
  operation.responses['304'] = {
    description: 'Not Modified: If-None-Match named the current ETag (no body)',
    headers: { ETag: { schema: { type: 'string' } } },
  };
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  if (!parameters.some((parameter) => parameter.name === 'If-None-Match')) {
    parameters.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'an ETag of an earlier answer: 304 when it still holds',
      schema: { type: 'string' },
    });
  }
  operation.parameters = parameters;
}

function addProblemResponses(operation: OperationObject, codes: ReadonlySet<ProblemCode>): void {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) byStatus.set(statusOfCode(code), [...(byStatus.get(statusOfCode(code)) ?? []), code]);
  for (const [status, listed] of [...byStatus].sort(([a], [b]) => a - b)) {
    const ordered = (PROBLEM_CODES_BY_STATUS[status as keyof typeof PROBLEM_CODES_BY_STATUS] as readonly ProblemCode[]).filter((code) => listed.includes(code));
    const existing = operation.responses[String(status)] as ResponseObject | undefined;
    const description = [existing?.description, `code: ${ordered.join(', ')}`].filter(Boolean).join('; ');
    const headers = {
      ...(status === 401 ? { 'WWW-Authenticate': HEADER_WWW_AUTHENTICATE } : {}),
      ...(status === 429 || status === 503 || ordered.includes('IDEMPOTENCY_KEY_IN_FLIGHT') ? { 'Retry-After': HEADER_RETRY_AFTER } : {}),
      ...(ordered.includes('RATE_LIMITED') ? RATE_LIMIT_HEADERS : {}),
    };
    operation.responses[String(status)] = {
      description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { allOf: [{ $ref: PROBLEM_REF }, { type: 'object', properties: { status: { const: status }, code: { enum: ordered } } }] } as SchemaObject,
        },
      },
    };
  }
}

/**
 * OpenAPI links from each creation to the operations on what it created (its id in the answer's
 * body fills their one path parameter), so that a client or a stateful test can follow them.
 */
function linkCreations(operations: readonly { path: string; method: string; operation: OperationObject }[]): void {
  for (const { operation } of operations) {
    const created = operation.responses['201'] as ResponseObject | undefined;
    const schema = created?.content?.['application/json']?.schema as SchemaObject | undefined;
    const id = (schema?.allOf?.[1] as SchemaObject | undefined)?.required?.[0];
    if (!created || id === undefined) continue;
    const targets = operations.filter(
      ({ path, operation: target }) => target.operationId && [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).join() === id,
    );
    if (targets.length === 0) continue;
    created.links = Object.fromEntries(
      targets.map(({ operation: target }) => [target.operationId!, { operationId: target.operationId!, parameters: { [id]: `$response.body#/${id}` } }]),
    );
  }
}

/** OpenAPI 3.0's `nullable: true` is a type union in 3.1 (JSON Schema 2020-12). */
function toOpenApi31(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOpenApi31);
  if (value === null || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, member]) => [key, toOpenApi31(member)]));
  if (nullable === true && typeof converted.type === 'string') converted.type = [converted.type, 'null'];
  return converted;
}
