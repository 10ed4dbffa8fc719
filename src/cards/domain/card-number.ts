/**
 * The ledger never accepts a full card number (PAN). A PAN is 12 to 19 digits, often grouped
 * by spaces or dashes; any such run in any string of a request is refused, whatever its field.
 */
const PAN_LIKE = /\d(?:[ -]?\d){11,18}/;
const NESTING_DEPTH_MAX = 8;

/** The JSON path of the first string that looks like a card number (or too deep to check), or undefined. */
export function findCardNumber(value: unknown, path = 'body', depth = 0): string | undefined {
  if (depth > NESTING_DEPTH_MAX) return path;
  if (typeof value === 'string') return PAN_LIKE.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findCardNumber(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = PAN_LIKE.test(key) ? `${path}.${key}` : findCardNumber(item, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The only digits of a card number the ledger holds. */
export const CARD_LAST4_PATTERN = /^\d{4}$/;

export function isCardLast4(value: string): boolean {
  return CARD_LAST4_PATTERN.test(value);
}

/** The field of a request body that carries more of a card number than its last four digits, or undefined. */
export function refusedCardNumberField(body: unknown): string | undefined {
  const last4 = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).cardLast4 : undefined;
  if (typeof last4 === 'string' && /\d{5,}/.test(last4.replace(/[ -]/g, ''))) return 'body.cardLast4';
  return findCardNumber(body);
}
