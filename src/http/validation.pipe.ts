import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, invalid } from '../kernel/errors.js';

/**
 * Whitelist, reject unknown fields, transform; failures become a 400 with every failing field.
 * A request body, when sent, must be a JSON object: Nest's pipe would read `null` as `{}`, which
 * made `PATCH /vendors/:id` with the body `null` a valid, empty update. No body at all is `{}`,
 * so commands whose fields are all optional (`POST /orders/:id/ship`) need none; required fields
 * still fail by name.
 */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === undefined) return super.transform({}, metadata);
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw invalid('VALIDATION_FAILED', 'the request body must be a JSON object', [{ field: 'body', messages: ['must be a JSON object'] }]);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => invalid('VALIDATION_FAILED', 'the request is invalid', flatten(errors)),
  });
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property || 'body';
    const own: FieldError[] = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
