import { invalid } from './errors.js';

/** Control characters (C0, DEL, C1): never part of a name or title; tab and newlines are allowed in reasons. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/**
 * Invisible characters that change how the text around them reads: the line and paragraph
 * separators (a line break that JSON and logs do not show as one), and the bidirectional
 * embeddings, overrides and isolates, with which a name can display as something else.
 */
const DECEPTIVE_FORMATTING = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Free text as the ledger keeps it: trimmed, 1..lengthMax characters (Unicode code points, as
 * the HTTP layer counts them), well-formed Unicode (no lone surrogate halves, which cannot be
 * encoded as UTF-8), no control characters and no deceptive formatting, which public read
 * models, exports and Kafka consumers would otherwise have to survive. Refused as INVALID_TEXT (400).
 */
export function requireText(field: string, value: unknown, lengthMax: number, options: { multiline?: boolean } = {}): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  const length = [...trimmed].length;
  if (length === 0 || length > lengthMax) {
    throw invalid('INVALID_TEXT', `${field} must be 1..${lengthMax} characters`, [{ field, messages: [`1..${lengthMax} characters`] }]);
  }
  const control = options.multiline ? CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS : CONTROL_CHARACTERS;
  if (control.test(trimmed) || DECEPTIVE_FORMATTING.test(trimmed)) {
    throw invalid('INVALID_TEXT', `${field} must not contain control or bidirectional formatting characters`, [{ field, messages: ['no control characters'] }]);
  }
  if (!isWellFormed(trimmed)) {
    throw invalid('INVALID_TEXT', `${field} must be well-formed Unicode`, [{ field, messages: ['no lone surrogates'] }]);
  }
  return trimmed;
}

/** String.prototype.isWellFormed (no lone surrogate halves), which the ES2022 library types do not declare. */
export function isWellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
