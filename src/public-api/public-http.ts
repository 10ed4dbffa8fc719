import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { isPublicRead } from '../http/rate-limits.js';

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
 * Public reads (rate limited per address by src/http/rate-limits.ts): every 200 carries an ETag
 * over its body and a short Cache-Control; If-None-Match answers 304.
 */
export async function registerPublicHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
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
