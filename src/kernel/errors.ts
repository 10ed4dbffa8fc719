/**
 * Typed errors raised by the domain and the application layer. They carry a stable,
 * machine-readable `code`; the HTTP layer maps each kind to a status exactly once
 * (src/http/problem-details.filter.ts).
 */
export type ErrorKind =
  'validation' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'precondition_failed' | 'business_rule' | 'rate_limited' | 'unavailable';

export interface FieldError {
  readonly field: string;
  readonly messages: readonly string[];
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A business rule refused the command (HTTP 422). Names the rule and, where one applied, the policy revision. */
export function ruleViolation(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): DomainError {
  return new DomainError('business_rule', code, message, details);
}

export function notFound(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): DomainError {
  return new DomainError('not_found', code, message, details);
}

export function conflict(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): DomainError {
  return new DomainError('conflict', code, message, details);
}

export function forbidden(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): DomainError {
  return new DomainError('forbidden', code, message, details);
}

export function invalid(code: string, message: string, fieldErrors: readonly FieldError[]): DomainError {
  return new DomainError('validation', code, message, { errors: fieldErrors });
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
