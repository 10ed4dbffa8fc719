import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError, invalid } from '../kernel/errors.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_LENGTH_MAX = 128;
/** The characters a key may hold: enough for UUIDs and readable keys, nothing a log or a path could misread. */
const KEY_CHARACTERS = `[A-Za-z0-9._:-]{1,${IDEMPOTENCY_KEY_LENGTH_MAX}}`;
/** A bare token, or the header draft's sf-string form ("..."); both name the same key. */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^(?:(${KEY_CHARACTERS})|"(${KEY_CHARACTERS})")$`);

/**
 * The Idempotency-Key of a request (the IETF httpapi Idempotency-Key header draft), without
 * its quotes; undefined when the header is absent. A malformed key is a 400 and changes nothing.
 */
export function idempotencyKeyOf(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? IDEMPOTENCY_KEY_PATTERN.exec(value) : null;
  if (!match) {
    throw invalid('INVALID_HEADER', `idempotency-key must be 1..${IDEMPOTENCY_KEY_LENGTH_MAX} characters of A-Z a-z 0-9 . _ : -, bare or in double quotes`, [
      { field: IDEMPOTENCY_KEY_HEADER, messages: [`must match ${KEY_CHARACTERS} or "${KEY_CHARACTERS}"`] },
    ]);
  }
  return match[1] ?? match[2]!;
}

export function idempotencyKeyRequired(): DomainError {
  return new DomainError(
    'validation',
    'IDEMPOTENCY_KEY_REQUIRED',
    'this request creates a resource or moves money, so it needs an Idempotency-Key header: a unique value ' +
      '(e.g. a UUID) that you generate once for this operation and send again unchanged on every retry of it; ' +
      'a retry then returns the first result instead of doing it twice',
    { header: 'Idempotency-Key' },
  );
}

/**
 * A request's hash as computed for what it was: the idempotency interceptor and the command's
 * context both need it, and canonical JSON plus SHA-256 of a body is not free.
 */
const hashedRequests = new WeakMap<object, { readonly method: string; readonly url: string; readonly body: unknown; readonly hash: string }>();

/**
 * The request's fingerprint: SHA-256 of the RFC 8785 canonical JSON of method, path (with its
 * parameters) and body, so the same JSON with its members in another order is the same request.
 */
export function requestHash(request: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  const known = hashedRequests.get(request);
  if (known !== undefined && known.method === request.method && known.url === request.url && known.body === request.body) return known.hash;
  const path = request.url.split('?', 1)[0]!;
  const value = { method: request.method, path, body: request.body ?? null };
  const hash = createHash('sha256').update(canonicalOrTagged(value)).digest('hex');
  hashedRequests.set(request, { method: request.method, url: request.url, body: request.body, hash });
  return hash;
}

/**
 * RFC 8785 cannot express a lone surrogate or a number beyond JSON's range (validation refuses
 * such a body later); those still get a stable text, tagged so that it never equals a canonical one.
 */
function canonicalOrTagged(value: unknown): string {
  try {
    return canonicalize(value) ?? 'null';
  } catch {
    const tagged = JSON.stringify(value, (_key, member: unknown) =>
      typeof member === 'number' && !Number.isFinite(member) ? { nonFiniteNumber: String(member) } : member,
    );
    return `not-canonical\n${tagged}`;
  }
}
