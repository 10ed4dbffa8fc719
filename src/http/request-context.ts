import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { requireActor } from '../auth/scope.js';
import type { CommandContext, IfMatch } from '../event-store/command-pipeline.js';
import { idempotencyKeyOf, idempotencyKeyRequired, requestHash } from '../idempotency/idempotency-key.js';
import type { Clock } from '../kernel/clock.js';
import { invalid } from '../kernel/errors.js';
import { deterministicUuid } from '../kernel/ids.js';

/** X-Correlation-Id: a token a log line or a path cannot misread. */
export const HEADER_TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds a command's context at the edge: the actor from the guard, the time from the clock,
 * correlation and idempotency from the headers, If-Match as stream revisions.
 */
export function commandContext(request: FastifyRequest, clock: Clock, extra: { policyRevision?: number } = {}): CommandContext {
  const actor = requireActor((request as AuthenticatedRequest).actor);
  const requestId = randomUUID();
  const correlationId = optionalToken(request, 'x-correlation-id') ?? requestId;
  const idempotencyKey = idempotencyKeyOf(request);
  const ifMatchTags = ifMatch(request);
  return {
    actor,
    correlationId,
    causationId: requestId,
    occurredAt: clock.now(),
    ...(idempotencyKey !== undefined ? { idempotencyKey, commandHash: requestHash(request) } : {}),
    ...(ifMatchTags !== undefined ? { ifMatch: ifMatchTags } : {}),
    ...extra,
  };
}

/**
 * The syntax of a command's own headers (X-Correlation-Id, If-Match), for answers given before a
 * context is built: an idempotent replay answers from the store, and a malformed header is a 400
 * whether or not its Idempotency-Key was seen before.
 */
export function checkCommandHeaders(request: FastifyRequest): void {
  optionalToken(request, 'x-correlation-id');
  ifMatch(request);
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

/** Entity-tags read from one If-Match header: more is not a list a client would send. */
export const IF_MATCH_TAGS_MAX = 32;
/** One list member: an optionally weak quoted entity-tag (RFC 9110 §8.8.3, ASCII only), then a comma or the end. */
const ENTITY_TAG = /[ \t]*(W\/)?"([\x21\x23-\x7e]*)"[ \t]*(,|$)/y;
const ENTITY_TAG_SOURCE = '[ \\t]*(W/)?"[\\x21\\x23-\\x7e]*"[ \\t]*';
/** What ifMatch() reads, as one pattern for the OpenAPI document: `*`, or 1..IF_MATCH_TAGS_MAX entity-tags separated by commas. */
export const IF_MATCH_PATTERN = `^(?:[ \\t]*\\*[ \\t]*|${ENTITY_TAG_SOURCE}(?:,${ENTITY_TAG_SOURCE}){0,${IF_MATCH_TAGS_MAX - 1}})$`;
const REVISION_TAG = /^(?:-1|\d{1,18})$/;

/**
 * If-Match per RFC 9110 §13.1.1: `*` matches any existing resource; otherwise a list of
 * entity-tags compared strongly, so a weak tag (W/"3") never matches. Our ETags are stream
 * revisions ("3"; "-1" for "not yet created"); a strong tag that is no revision matches nothing.
 */
function ifMatch(request: FastifyRequest): IfMatch | undefined {
  const value = request.headers['if-match'];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() === '*') return 'any';
  const revisions = typeof value === 'string' ? strongRevisions(value) : undefined;
  if (!revisions) {
    throw invalid('INVALID_HEADER', 'If-Match must be * or a list of entity-tags, e.g. "3"', [
      { field: 'if-match', messages: [`must be * or up to ${IF_MATCH_TAGS_MAX} quoted entity-tags separated by commas`] },
    ]);
  }
  return revisions;
}

/** The revisions named by the strong tags of a well-formed list; undefined when malformed. */
function strongRevisions(value: string): bigint[] | undefined {
  const revisions: bigint[] = [];
  ENTITY_TAG.lastIndex = 0;
  for (let count = 1; count <= IF_MATCH_TAGS_MAX; count += 1) {
    const match = ENTITY_TAG.exec(value);
    if (!match) return undefined;
    const [, weak, tag] = match;
    if (!weak && REVISION_TAG.test(tag!)) revisions.push(BigInt(tag!));
    if (match[3] === '') return revisions;
  }
  return undefined;
}

export function etag(revision: bigint): string {
  return `"${revision.toString()}"`;
}
