import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../http/problem.js';

/** Paths anyone may read without a key: the public API and the transparency log. */
const PUBLIC_PATH = /^\/(public|log)\//;

function isPublicRead(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && PUBLIC_PATH.test(request.url);
}

/** Strong ETag: a digest of the exact body sent. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

/**
 * Public reads: rate limited per client address (429 problem+json with Retry-After), and every
 * 200 carries an ETag over its body and a short Cache-Control; If-None-Match answers 304.
 */
export async function registerPublicHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyRateLimit, { global: false });
  const fastify = app.getHttpAdapter().getInstance();
  const limiter = fastify.createRateLimit({ max: config.publicRateLimitMax, timeWindow: config.publicRateLimitWindowMs });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPublicRead(request)) return;
    const result = await limiter(request);
    if (result.isAllowed) return;
    void reply.header('X-RateLimit-Limit', String(result.max)).header('X-RateLimit-Remaining', String(Math.max(result.remaining, 0)));
    if (!result.isExceeded) return;
    const retryAfterSeconds = Math.max(result.ttlInSeconds, 1);
    const body = {
      ...problem(429, 'RATE_LIMITED', `too many requests from this address: at most ${result.max} per ${result.timeWindow / 1000} s; retry after ${retryAfterSeconds} s`),
      instance: request.url,
    };
    return reply.status(429).header('Retry-After', String(retryAfterSeconds)).header('Cache-Control', 'no-store').header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
  });
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!isPublicRead(request) || reply.statusCode === 429) return payload;
    if (reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
      if (reply.statusCode !== 200) void reply.header('Cache-Control', 'no-store');
      return payload;
    }
    const etag = etagOf(payload);
    void reply.header('ETag', etag);
    // A route that chose its own lifetime keeps it (the log's tiles are immutable, its checkpoint is not).
    if (!reply.hasHeader('Cache-Control')) void reply.header('Cache-Control', `public, max-age=${config.publicCacheMaxAgeSeconds}`);
    if (!matches(request.headers['if-none-match'], etag)) return payload;
    void reply.status(304).removeHeader('Content-Type').removeHeader('Content-Length');
    return '';
  });
}
