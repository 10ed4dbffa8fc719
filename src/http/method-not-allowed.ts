import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

interface RoutePattern {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/**
 * A method the API does not serve on a path it does serve is a 405 with an Allow header
 * (RFC 9110 §15.5.6), not the router's 404: checked at onRequest, before any body is read, so
 * TRACE or QUERY get the same answer as DELETE. A path nobody serves stays a 404.
 * Call before the routes are registered (Nest registers them at init).
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const routes = new Map<string, RoutePattern>();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const known = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) known.methods.add(method.toUpperCase());
    routes.set(route.url, known);
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404) return;
    const path = request.url.split('?', 1)[0]!;
    const allowed = new Set<string>();
    for (const route of routes.values()) if (route.pattern.test(path)) route.methods.forEach((method) => allowed.add(method));
    if (allowed.size === 0 || allowed.has(request.method)) return;
    const allow = [...allowed].sort().join(', ');
    return reply
      .status(405)
      .header('Allow', allow)
      .header('Content-Type', PROBLEM_CONTENT_TYPE)
      .send({
        ...problem(405, 'METHOD_NOT_ALLOWED', `${request.method} is not served here; allowed: ${allow}`, { allowed: [...allowed].sort() }),
        instance: request.url,
      });
  });
}

/** A Fastify route path (`/vendors/:vendorId`, `/log/tile/*`) as a regular expression over a request path. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
