import { IF_MATCH_PATTERN } from './request-context.js';

/** OpenAPI description of If-Match on command endpoints (Idempotency-Key: src/idempotency/idempotent.decorator.ts). */
export function ifMatchHeader(resource: string): {
  name: string;
  required: boolean;
  description: string;
  schema: { type: 'string'; pattern: string; example: string };
} {
  return {
    name: 'If-Match',
    required: false,
    description: `* or the ETag you read (a list of entity-tags; a weak W/"3" never matches): 412 REVISION_MISMATCH if the ${resource} changed since`,
    // `*` (matches what exists): a quoted tag as example was sent without its quotes by schemathesis.
    schema: { type: 'string', pattern: IF_MATCH_PATTERN, example: '*' },
  };
}
