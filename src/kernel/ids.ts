import { createHash, randomUUID } from 'node:crypto';

/**
 * Deterministic ids (UUID v5 style, SHA-1 over a namespace and a name). Used so that a retried
 * request (same Idempotency-Key) or a replayed process manager produces the same event ids and
 * the same aggregate ids, and so writes nothing new.
 */
const NAMESPACE = 'bela-ledger/v1';

export function deterministicUuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update('\u0000').update(parts.join('\u0000')).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function randomId(): string {
  return randomUUID();
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
