import { isIsoDate } from '../../kernel/dates.js';
import { FieldError, invalid } from '../../kernel/errors.js';

/** A position in $all: decimal digits, no sign; 19 digits hold any 64-bit commit position. */
export const POSITION_PATTERN = /^\d{1,19}$/;
/**
 * An instant with its zone, so that no one has to guess whether a bare date meant UTC or WIB:
 * 2025-03-01T00:00:00+07:00, 2025-02-28T17:00:00Z, with optional seconds and fraction.
 */
export const INSTANT_PATTERN = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export const INSTANT_FORMAT = 'an ISO 8601 instant with its zone, e.g. 2025-03-01T00:00:00+07:00';

/** Collects field errors so that a request with several bad parameters hears about all of them. */
export class ParamErrors {
  private readonly errors: FieldError[] = [];

  position(field: string, raw: string | undefined): bigint | undefined {
    if (raw === undefined) return undefined;
    if (!POSITION_PATTERN.test(raw)) {
      this.errors.push({ field, messages: [`${field} must be a position: a non-negative integer`] });
      return undefined;
    }
    return BigInt(raw);
  }

  instant(field: string, raw: string | undefined): Date | undefined {
    if (raw === undefined) return undefined;
    const match = INSTANT_PATTERN.exec(raw);
    if (!match || !isIsoDate(match[1]!) || Number.isNaN(Date.parse(raw))) {
      this.errors.push({ field, messages: [`${field} must be ${INSTANT_FORMAT}`] });
      return undefined;
    }
    return new Date(raw);
  }

  add(field: string, message: string): void {
    this.errors.push({ field, messages: [message] });
  }

  /** Throws one 400 naming every bad parameter. */
  throwIfAny(code: string, message: string): void {
    if (this.errors.length > 0) throw invalid(code, message, this.errors);
  }
}
