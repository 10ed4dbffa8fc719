/** OpenAPI descriptions of the headers every command endpoint honours. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'a retry with the same key returns the first result and writes nothing',
};

export function ifMatchHeader(resource: string): { name: string; required: boolean; description: string } {
  return { name: 'If-Match', required: false, description: `the ETag you read; 412 if the ${resource} changed since` };
}
