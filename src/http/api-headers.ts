/** OpenAPI description of If-Match on command endpoints (Idempotency-Key: src/idempotency/idempotent.decorator.ts). */
export function ifMatchHeader(resource: string): { name: string; required: boolean; description: string } {
  return { name: 'If-Match', required: false, description: `the ETag you read; 412 if the ${resource} changed since` };
}
