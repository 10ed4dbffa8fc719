import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_LENGTH_MAX, IDEMPOTENCY_KEY_PATTERN } from './idempotency-key.js';

export const IDEMPOTENCY_MODE_KEY = 'bela:idempotency';
export type IdempotencyMode = 'required' | 'optional';

const DESCRIPTION_BY_MODE: Readonly<Record<IdempotencyMode, string>> = {
  required:
    `required (400 IDEMPOTENCY_KEY_REQUIRED without it): 1..${IDEMPOTENCY_KEY_LENGTH_MAX} characters of A-Z a-z 0-9 . _ : -, bare or "quoted"; ` +
    'a retry with the same key and request returns the first response (Idempotent-Replayed: true); the same key with another request is 409',
  optional: 'a retry with the same key and request returns the first response (Idempotent-Replayed: true); the same key with another request is 409',
};

/**
 * A command endpoint under the Idempotency-Key rules (src/idempotency/idempotency.interceptor.ts):
 * `required` for requests that create a resource or move money, `optional` for the others.
 */
export function Idempotent(mode: IdempotencyMode = 'optional'): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_MODE_KEY, mode),
    ApiHeader({
      name: 'Idempotency-Key',
      required: mode === 'required',
      description: DESCRIPTION_BY_MODE[mode],
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, maxLength: IDEMPOTENCY_KEY_LENGTH_MAX + 2 },
    }),
  );
}
