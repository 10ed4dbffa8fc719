import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiQuery, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeadersObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type { ListSpec } from '../../read-models/keyset-query.js';
import { CommandResponseDto } from '../command-response.js';
import type { ProblemCode } from './problem-codes.js';

import { PROBLEM_CODES_EXTENSION } from './extension-keys.js';

/**
 * The problems a route raises itself (a missing resource, a business rule): each code is listed
 * under its status (src/http/openapi/problem-codes.ts). What every route of its kind can answer
 * (authentication, media types, Idempotency-Key, If-Match, waitForPosition) is added for it.
 */
export const ApiProblems = (...codes: ProblemCode[]): MethodDecorator & ClassDecorator => ApiExtension(PROBLEM_CODES_EXTENSION, codes);

const ETAG_HEADER: HeadersObject = {
  ETag: { description: 'the stream revision, quoted: send it back as If-Match', schema: { type: 'string', pattern: '^"-?\\d+"$', example: '"0"' } },
};
const OBJECT: SchemaObject = { type: 'object', additionalProperties: true };

/**
 * A command's answer: what was written, with its ETag; a creation also names the new resource
 * (`<createdId>` in the body, Location). Idempotent-Replayed is added where Idempotency-Key is honoured.
 */
export interface CommandResponseOptions {
  readonly status?: 200 | 201;
  /** The field of the answer that holds the created resource's id (its Location is sent too). */
  readonly createdId?: string;
  readonly createdIdSchema?: SchemaObject;
  /** Whether the answer carries the stream revision as ETag (default true). */
  readonly etag?: boolean;
}

export function ApiCommandResponse(options: CommandResponseOptions = {}): MethodDecorator {
  const { status = 200, createdId, createdIdSchema = { type: 'string', format: 'uuid' }, etag = true } = options;
  const schema: SchemaObject | ReferenceObject = createdId
    ? { allOf: [{ $ref: getSchemaPath(CommandResponseDto) }, { type: 'object', required: [createdId], properties: { [createdId]: createdIdSchema } }] }
    : { $ref: getSchemaPath(CommandResponseDto) };
  const headers: HeadersObject = {
    ...(etag ? ETAG_HEADER : {}),
    ...(createdId ? { Location: { description: 'the created resource', schema: { type: 'string', format: 'uri-reference' } } } : {}),
  };
  return applyDecorators(
    ApiExtraModels(CommandResponseDto),
    ApiResponse({
      status,
      description: createdId ? 'created' : 'done',
      content: { 'application/json': { schema } },
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    }),
  );
}

/** A JSON answer; `etag` when the route sends its stream revision as ETag. */
export function ApiJsonResponse(description: string, options: { schema?: SchemaObject; etag?: boolean; status?: number } = {}): MethodDecorator {
  return ApiResponse({
    status: options.status ?? 200,
    description,
    content: { 'application/json': { schema: options.schema ?? OBJECT } },
    ...(options.etag ? { headers: ETAG_HEADER } : {}),
  });
}

const READ_MODEL_POSITION_HEADER: HeadersObject = {
  'X-Read-Model-Position': { description: 'the $all position the read model has applied', schema: { type: 'string', pattern: '^\\d+$' } },
};

/** One page of a keyset-paged list: JSON, or the same rows as CSV (format=csv or Accept: text/csv; the next cursor then in X-Next-Cursor). */
export function ApiPageResponse(
  description: string,
  options: { csv?: boolean; readModel?: boolean; spec?: ListSpec; item?: SchemaObject } = {},
): MethodDecorator {
  const { csv = true, readModel = true, spec, item } = options;
  // A route that reshapes its rows (parsed JSON fields, added members) gives the schema of its rows as `item`.
  const response = pageResponse(description, csv, readModel, item ?? (spec ? listItemSchema(spec) : OBJECT));
  if (!spec) return response;
  // The list's own sort keys, ascending or with - descending: any other sort is 400 INVALID_SORT.
  const sorts = Object.keys(spec.sorts).flatMap((name) => [name, `-${name}`]);
  return applyDecorators(response, ApiQuery({ name: 'sort', required: false, enum: sorts, description: `default ${spec.defaultSort}` }));
}

function pageResponse(description: string, csv: boolean, readModel: boolean, item: SchemaObject): MethodDecorator {
  const page: SchemaObject = {
    type: 'object',
    required: ['items', 'nextCursor', 'limit', 'sort'],
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'] as unknown as 'string', description: 'pass as cursor for the next page; null on the last page' },
      limit: { type: 'integer', minimum: 1 },
      sort: { type: 'string' },
    },
  };
  return ApiResponse({
    status: 200,
    description,
    content: { 'application/json': { schema: page }, ...(csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) },
    headers: {
      ...(readModel ? READ_MODEL_POSITION_HEADER : {}),
      ...(csv ? { 'X-Next-Cursor': { description: 'CSV only: the cursor of the next page, absent on the last', schema: { type: 'string' } } } : {}),
    },
  });
}

/** A read-model answer that is not a page (one row, a total): JSON with X-Read-Model-Position. */
export function ApiReadModelResponse(description: string, schema: SchemaObject = OBJECT, options: { etag?: boolean } = {}): MethodDecorator {
  return ApiResponse({
    status: 200,
    description,
    content: { 'application/json': { schema } },
    headers: { ...READ_MODEL_POSITION_HEADER, ...(options.etag ? ETAG_HEADER : {}) },
  });
}

/** A body that is not JSON: text (metrics, a signed note, CSV, NDJSON) or bytes (log tiles). */
export function ApiMediaResponse(mediaType: string, description: string, schema: SchemaObject = { type: 'string' }): MethodDecorator {
  return ApiResponse({ status: 200, description, content: { [mediaType]: { schema } } });
}

/** JSON Schema 2020-12 for a value that may be null (OpenAPI 3.1 has no `nullable`). */
export const orNull = (type: string): SchemaObject => ({ type: [type, 'null'] }) as unknown as SchemaObject;
/** A stream revision or position: 64-bit, so sent as decimal text. */
export const REVISION_SCHEMA: SchemaObject = { type: 'string', pattern: '^-?\\d+$' };

/** A read-model list's row: every field of its spec, booleans as booleans, the others as SQLite gives them. */
export function listItemSchema(spec: Pick<ListSpec, 'fields' | 'booleanFields'>): SchemaObject {
  const booleans = new Set(spec.booleanFields ?? []);
  const fields = Object.keys(spec.fields);
  return {
    type: 'object',
    required: fields,
    properties: Object.fromEntries(
      fields.map((field) => [field, booleans.has(field) ? { type: 'boolean' } : ({ type: ['string', 'number', 'null'] } as unknown as SchemaObject)]),
    ),
  };
}

/**
 * An object schema whose properties the type checker holds to a TypeScript type: every member
 * of T must be described (all required unless listed in `optional`), and no other.
 */
export function objectSchema<T extends object>(
  properties: { readonly [K in keyof Required<T>]: SchemaObject },
  options: { optional?: readonly (keyof T & string)[]; description?: string; closed?: boolean } = {},
): SchemaObject {
  const optional = new Set<string>(options.optional ?? []);
  return {
    type: 'object',
    ...(options.description ? { description: options.description } : {}),
    required: Object.keys(properties).filter((name) => !optional.has(name)),
    properties: properties as Record<string, SchemaObject>,
    ...(options.closed ? { additionalProperties: false } : {}),
  };
}

/** An array of `items`. */
export const arrayOf = (items: SchemaObject): SchemaObject => ({ type: 'array', items });
/** A value of `schema` or null (JSON Schema 2020-12: a type union). */
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, type: [schema.type as string, 'null'] }) as unknown as SchemaObject;
export const STRING: SchemaObject = { type: 'string' };
export const INTEGER: SchemaObject = { type: 'integer' };
export const RUPIAH: SchemaObject = { type: 'integer', minimum: 0, description: 'whole rupiah' };
export const UUID: SchemaObject = { type: 'string', format: 'uuid' };
export const DATE_TIME: SchemaObject = { type: 'string', format: 'date-time' };
export const BOOLEAN: SchemaObject = { type: 'boolean' };
/** A free-form object, stated as such (a redacted event payload, a projection's own state). */
export const FREE_FORM: SchemaObject = { type: 'object', additionalProperties: true };
