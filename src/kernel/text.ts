import { invalid } from './errors.js';

/** Control characters (C0, DEL, C1): never part of a name or title; tab and newlines are allowed in reasons. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Free text as the ledger keeps it: trimmed, 1..lengthMax characters (Unicode code points, as
 * the HTTP layer counts them), and no control characters, which public read models, exports and
 * Kafka consumers would otherwise have to survive. Refused as INVALID_TEXT (400).
 */
export function requireText(field: string, value: unknown, lengthMax: number, options: { multiline?: boolean } = {}): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  const length = [...trimmed].length;
  if (length === 0 || length > lengthMax) {
    throw invalid('INVALID_TEXT', `${field} must be 1..${lengthMax} characters`, [{ field, messages: [`1..${lengthMax} characters`] }]);
  }
  const control = options.multiline ? CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS : CONTROL_CHARACTERS;
  if (control.test(trimmed)) {
    throw invalid('INVALID_TEXT', `${field} must not contain control characters`, [{ field, messages: ['no control characters'] }]);
  }
  return trimmed;
}
