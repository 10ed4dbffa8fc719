import { Module } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import { pino, stdTimeFunctions, type Logger as PinoLogger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { loggableUrl } from '../http/logged-url.js';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming X-Request-Id is kept only when it is a short plain token; anything else gets a fresh UUID. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Anything that may carry a credential, wherever a log call puts it. Serializers already leave headers out. */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  'apiKey',
  '*.token',
  '*.apiKey',
];
/** Probes and scrapes that succeed are logged at debug: polled every few seconds, they would drown the rest. */
const QUIET_PATH = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The id of the request being handled, for every line logged while it is: entered by
 * registerRequestLogging's first hook, it follows the request through the rest of its hooks,
 * its handler and whatever they await.
 */
const requestIds = new AsyncLocalStorage<string>();

/** pino's mixin: a line logged inside a request carries its id (a fresh object each time: pino merges into it). */
function requestIdField(): { reqId?: string } {
  const reqId = requestIds.getStore();
  return reqId === undefined ? {} : { reqId };
}

/** The one pino logger of the process: JSON lines on stdout; pino flushes what is pending at exit, so nothing is lost. */
export function createRootLogger(config: Pick<AppConfig, 'logLevel'>): PinoLogger {
  return pino({
    level: config.logLevel,
    base: { service: 'bela-ledger' },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: requestIdField,
  });
}

/**
 * nestjs-pino over the root logger: Nest's Logger writes through it. Its per-request middleware
 * (pino-http, run by @fastify/middie) is left out (no routes): it built two child loggers per
 * request, one serialising the whole request, only to bind the request id, which the root
 * logger's mixin now adds from `requestIds`.
 */
export function nestLoggerParams(root: PinoLogger): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      logger: root,
      // The request line is written by an onResponse hook (registerRequestLogging), which also sees answers sent by earlier hooks (429, 406).
      autoLogging: false,
      quietReqLogger: true,
      genReqId: (request: IncomingMessage) => requestIdOf(request),
    },
  };
}

/** Fastify's genReqId: the caller's X-Request-Id when it is a safe token, else a new UUID; kept on the raw request for nestjs-pino. */
export function requestIdOf(request: IncomingMessage): string {
  const known = (request as IncomingMessage & { id?: unknown }).id;
  if (typeof known === 'string') return known;
  const offered = request.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
  (request as IncomingMessage & { id?: string }).id = id;
  return id;
}

/**
 * Echoes the request id in X-Request-Id on every answer and logs one line per request once it is
 * answered: request id, method, URL (secret-looking query values replaced), status, duration.
 * Registered first, so it covers what other hooks answer; from its first hook on, every line
 * logged for the request carries its id.
 */
export function registerRequestLogging(fastify: FastifyInstance, root: PinoLogger): void {
  const log = root.child({ context: 'http' });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    requestIds.run(request.id, done);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    // A 5xx is a warning here: expected unavailability (a busy store, a stale read model) is not a bug, and a bug's 500 is logged at error with its stack by the problem filter.
    const level = status >= 500 ? 'warn' : status < 400 && QUIET_PATH.test(request.url) ? 'debug' : 'info';
    log[level](
      { reqId: request.id, method: request.method, url: loggableUrl(request.url), status, durationMs: Math.round(reply.elapsedTime * 100) / 100 },
      'request completed',
    );
  });
}

export const ROOT_LOGGER = Symbol('RootLogger');

/** Provides the root pino logger, built from the configuration (LOG_LEVEL). */
@Module({ providers: [{ provide: ROOT_LOGGER, inject: [APP_CONFIG], useFactory: createRootLogger }], exports: [ROOT_LOGGER] })
export class RootLoggerModule {}
