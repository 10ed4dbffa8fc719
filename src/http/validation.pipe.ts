import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { FieldError, invalid } from '../kernel/errors.js';
import { isWellFormed } from '../kernel/text.js';

/** No request body here nests deeper than a few levels; deeper ones are refused before validation walks them. */
const BODY_DEPTH_MAX = 16;

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
    if (metadata.type === 'body') refuseUnreadable(value, '', 0);
    if (metadata.type === 'query' && metadata.metatype) refuseEmptyNumbers(value, metadata.metatype);
    return super.transform(value, metadata);
  }
}

/**
 * JSON may carry a lone surrogate half ("\ud800"), which is no text at all: validator's isEmail
 * threw URIError on one (a 500 for POST /vendors). Such strings, as values or keys, and bodies
 * nested beyond any DTO's shape are refused before any validator sees them.
 */
function refuseUnreadable(value: unknown, path: string, depth: number): void {
  if (depth > BODY_DEPTH_MAX) {
    throw invalid('VALIDATION_FAILED', `the request body nests deeper than ${BODY_DEPTH_MAX} levels`, [
      { field: path || 'body', messages: ['nested too deeply'] },
    ]);
  }
  if (typeof value === 'string') {
    if (!isWellFormed(value))
      throw invalid('VALIDATION_FAILED', 'the request contains text that is not well-formed Unicode', [
        { field: path || 'body', messages: ['no lone surrogates'] },
      ]);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => refuseUnreadable(item, `${path}[${index}]`, depth + 1));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      refuseUnreadable(key, path, depth + 1);
      refuseUnreadable(item, path ? `${path}.${key}` : key, depth + 1);
    }
  }
}

/** class-validator checks that make a query parameter a number. */
const NUMBER_CHECKS: ReadonlySet<string> = new Set(['isInt', 'isNumber', 'min', 'max', 'isPositive']);

/**
 * `?limit=` is no number: class-transformer would read the empty text as 0 and let it pass as one
 * (`waitMs=` waited 0 ms). An empty value of a numeric query parameter is refused by name.
 */
function refuseEmptyNumbers(query: unknown, metatype: Function): void {
  if (typeof query !== 'object' || query === null) return;
  const empty = Object.entries(query)
    .filter(([, raw]) => raw === '')
    .map(([name]) => name);
  if (empty.length === 0) return;
  const numeric = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(metatype, '', true, false)
      .filter((check) => check.name !== undefined && NUMBER_CHECKS.has(check.name))
      .map((check) => check.propertyName),
  );
  const fields = empty.filter((name) => numeric.has(name));
  if (fields.length > 0)
    throw invalid(
      'VALIDATION_FAILED',
      'a numeric parameter is empty',
      fields.map((field) => ({ field, messages: [`${field} must be a number, not empty`] })),
    );
}

export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const codes = new Set(codesOf(errors));
      // A DTO names the domain's code for a field (`{ context: { code } }`); when every failure carries the same one, it is the answer's code.
      const code = codes.size === 1 && !codes.has(undefined) ? [...codes][0]! : 'VALIDATION_FAILED';
      return invalid(code, 'the request is invalid', flatten(errors));
    },
  });
}

function codesOf(errors: readonly ValidationError[]): (string | undefined)[] {
  return errors.flatMap((error) => [
    ...(error.constraints ? Object.keys(error.constraints).map((name) => error.contexts?.[name]?.code as string | undefined) : []),
    ...codesOf(error.children ?? []),
  ]);
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property || 'body';
    const own: FieldError[] = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
