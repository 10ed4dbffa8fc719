import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { requireActor } from '../auth/scope.js';
import type { CommandContext } from '../event-store/command-pipeline.js';
import { idempotencyKeyOf, idempotencyKeyRequired, requestHash } from '../idempotency/idempotency-key.js';
import type { Clock } from '../kernel/clock.js';
import { invalid } from '../kernel/errors.js';
import { deterministicUuid } from '../kernel/ids.js';

const HEADER_TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds a command's context at the edge: the actor from the guard, the time from the clock,
 * correlation and idempotency from the headers, If-Match as a stream revision.
 */
export function commandContext(request: FastifyRequest, clock: Clock, extra: { policyRevision?: number } = {}): CommandContext {
  const actor = requireActor((request as AuthenticatedRequest).actor);
  const requestId = randomUUID();
  const correlationId = optionalToken(request, 'x-correlation-id') ?? requestId;
  const idempotencyKey = idempotencyKeyOf(request);
  const ifMatchRevision = ifMatch(request);
  return {
    actor,
    correlationId,
    causationId: requestId,
    occurredAt: clock.now(),
    ...(idempotencyKey !== undefined ? { idempotencyKey, commandHash: requestHash(request) } : {}),
    ...(ifMatchRevision !== undefined ? { ifMatchRevision } : {}),
    ...extra,
  };
}

function optionalToken(request: FastifyRequest, header: string): string | undefined {
  const value = request.headers[header];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !HEADER_TOKEN.test(value)) {
    throw invalid('INVALID_HEADER', `${header} must be 1..128 characters of A-Z a-z 0-9 . _ : -`, [
      { field: header, messages: ['must match [A-Za-z0-9._:-]{1,128}'] },
    ]);
  }
  return value;
}

/**
 * A created resource's id, derived from the request's Idempotency-Key (required on creations,
 * src/idempotency/idempotent.decorator.ts), so that a retry names the same resource.
 */
export function createdId(kind: string, context: CommandContext): string {
  if (context.idempotencyKey === undefined) throw idempotencyKeyRequired();
  return deterministicUuid(kind, context.actor.id, context.idempotencyKey);
}

/** If-Match: "<revision>" (the ETag a GET returned). */
function ifMatch(request: FastifyRequest): bigint | undefined {
  const value = request.headers['if-match'];
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^(?:W\/)?"?(-1|\d{1,18})"?$/.exec(value.trim()) : null;
  if (!match) {
    throw invalid('INVALID_HEADER', 'If-Match must be the ETag of the resource, e.g. "3"', [
      { field: 'if-match', messages: ['must be a quoted stream revision'] },
    ]);
  }
  return BigInt(match[1]!);
}

export function etag(revision: bigint): string {
  return `"${revision.toString()}"`;
}
