import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

/** Counters each limiter keeps (least recently used dropped first): bounds memory under a flood of addresses or made-up keys. */
export const RATE_LIMIT_BUCKETS_MAX = 10_000;

/** Paths anyone may read without a key: the public API and the transparency log. */
const PUBLIC_PATH = /^\/(public|log)\//;
/** Probes and scrapes: a monitor polling them is never throttled. */
const OPS_PATH = /^\/(health|metrics)(\/|\?|$)/;
const BEARER = /^Bearer (\S+)$/i;

export function isPublicRead(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && PUBLIC_PATH.test(request.url);
}

/** What @fastify/rate-limit's createRateLimit() answers for one request. */
interface LimitResult {
  readonly isAllowed: boolean;
  readonly isExceeded?: boolean;
  readonly max?: number;
  readonly timeWindow?: number;
  readonly remaining?: number;
  readonly ttlInSeconds?: number;
}
type Limiter = (request: FastifyRequest) => Promise<LimitResult>;

/**
 * Requests per window with @fastify/rate-limit, counted before any route runs:
 * - public reads (/public/*, /log/*): per client address (PUBLIC_RATE_LIMIT_*);
 * - every other route but /health and /metrics: per client address and, when a bearer token is
 *   sent, per token (API_RATE_LIMIT_*). The guard checks keys later, in Nest, so the key's bucket
 *   is named by a digest of the whole token as sent, never by the key id inside it: someone who
 *   knows a key id but not its secret fills a bucket of their own, not the key holder's.
 * Answers carry X-RateLimit-Limit, -Remaining and -Reset (of the tighter limit); past a limit
 * the answer is 429 RATE_LIMITED problem+json with Retry-After.
 */
export async function registerRateLimits(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyRateLimit, { global: false });
  const fastify = app.getHttpAdapter().getInstance();
  const limiter = (max: number, timeWindow: number, keyGenerator?: (request: FastifyRequest) => string): Limiter => {
    // `cache` sizes this limiter's own store (the plugin passes it on; its types omit it).
    const options = { max, timeWindow, cache: RATE_LIMIT_BUCKETS_MAX, ...(keyGenerator ? { keyGenerator } : {}) };
    return fastify.createRateLimit(options as Parameters<typeof fastify.createRateLimit>[0]) as Limiter;
  };
  const publicByAddress = limiter(config.publicRateLimitMax, config.publicRateLimitWindowMs);
  const apiByAddress = limiter(config.apiRateLimitPerAddressMax, config.apiRateLimitWindowMs);
  const apiByKey = limiter(config.apiRateLimitPerKeyMax, config.apiRateLimitWindowMs, (request) => tokenBucket(request.headers.authorization!));
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isPublicRead(request)) return enforce(request, reply, [[await publicByAddress(request), 'this address']]);
    if (OPS_PATH.test(request.url)) return;
    const checks: [LimitResult, string][] = [[await apiByAddress(request), 'this address']];
    if (BEARER.test(request.headers.authorization ?? '')) checks.unshift([await apiByKey(request), 'this API key']);
    return enforce(request, reply, checks);
  });
}

/** The bucket of a bearer token: a digest of it as sent (valid or not), so the token itself is never kept. */
export function tokenBucket(authorization: string): string {
  return `key:${createHash('sha256').update(authorization).digest('base64url').slice(0, 22)}`;
}

/** Headers of the tightest limit; a 429 for the first one exceeded. */
function enforce(request: FastifyRequest, reply: FastifyReply, checks: readonly [LimitResult, string][]): FastifyReply | undefined {
  const counted = checks.filter(([result]) => !result.isAllowed);
  if (counted.length === 0) return undefined;
  const exceeded = counted.find(([result]) => result.isExceeded);
  const [tightest, who] = exceeded ?? counted.reduce((low, next) => (next[0].remaining! < low[0].remaining! ? next : low));
  const resetSeconds = Math.max(tightest.ttlInSeconds ?? 0, 1);
  void reply
    .header('X-RateLimit-Limit', String(tightest.max))
    .header('X-RateLimit-Remaining', String(Math.max(tightest.remaining ?? 0, 0)))
    .header('X-RateLimit-Reset', String(resetSeconds));
  if (!exceeded) return undefined;
  const body = {
    ...problem(
      429,
      'RATE_LIMITED',
      `too many requests from ${who}: at most ${tightest.max} per ${tightest.timeWindow! / 1_000} s; retry after ${resetSeconds} s`,
    ),
    instance: request.url,
  };
  return reply
    .status(429)
    .header('Retry-After', String(resetSeconds))
    .header('Cache-Control', 'no-store')
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .send(body);
}
