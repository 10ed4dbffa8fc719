import type { OpenAPIObject, OperationObject, ReferenceObject, RequestBodyObject, SchemaObject } from '@nestjs/swagger';

const SCHEMA_REF_PREFIX = '#/components/schemas/';
/** Request bodies nest a few levels (an order's lines, a vendor's contact); this bounds the walk. */
const NESTING_DEPTH_MAX = 8;

/**
 * Request bodies are validated with forbidNonWhitelisted (src/http/validation.pipe.ts): a property
 * a DTO does not declare is a 400. The document says so: every object schema a request body
 * reaches gets `additionalProperties: false` (responses stay open).
 */
export function closeRequestBodies(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject | ReferenceObject>;
  const closed = new Set<string>();
  const close = (schema: SchemaObject | ReferenceObject | undefined, depth: number): void => {
    if (!schema || depth > NESTING_DEPTH_MAX) return;
    if ('$ref' in schema) {
      const name = schema.$ref.startsWith(SCHEMA_REF_PREFIX) ? schema.$ref.slice(SCHEMA_REF_PREFIX.length) : undefined;
      if (name === undefined || closed.has(name)) return;
      closed.add(name);
      close(schemas[name], depth + 1);
      return;
    }
    if (schema.type === 'object' || schema.properties) {
      schema.additionalProperties ??= false;
      for (const property of Object.values(schema.properties ?? {})) close(property, depth + 1);
    }
    if (schema.items) close(schema.items as SchemaObject | ReferenceObject, depth + 1);
    for (const member of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) close(member, depth + 1);
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, OperationObject>)) {
      const body = (operation as OperationObject | undefined)?.requestBody as RequestBodyObject | undefined;
      if (!body?.content) continue;
      for (const media of Object.values(body.content)) close(media.schema, 0);
    }
  }
  return document;
}
