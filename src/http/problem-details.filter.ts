import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../kernel/errors.js';
import { StoreBusyError, StreamNotFoundError, WrongExpectedVersionError } from '../event-store/event-store.port.js';
import { loggableUrl } from './logged-url.js';
import { PROBLEM_CONTENT_TYPE, Problem, STATUS_BY_KIND, problem } from './problem.js';

/** Codes for errors raised by Nest or Fastify themselves (not by our code). */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Every error leaves as application/problem+json; only a bug is a 500, and it leaks nothing. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = { ...this.toProblem(exception), instance: request.url };
    // The logged URL hides secret-looking query values; the answer's `instance` is the caller's own URL.
    const logged = `${request.method} ${loggableUrl(request.url)}`;
    // Expected unavailability (a busy store, a read model still catching up) is a warning, not a bug.
    if (exception instanceof StoreBusyError || (exception instanceof DomainError && exception.kind === 'unavailable')) {
      this.logger.warn(`${logged}: ${exception.message}`);
    } else if (body.status >= 500) this.logger.error(`${logged}: ${describe(exception)}`);
    if (body.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="bela-ledger"');
    if (exception instanceof StoreBusyError) void reply.header('Retry-After', String(exception.retryAfterSeconds));
    void reply.status(body.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      return problem(STATUS_BY_KIND[exception.kind], exception.code, exception.message, { ...exception.details });
    }
    if (exception instanceof StreamNotFoundError) {
      return problem(404, 'NOT_FOUND', `${exception.streamId} does not exist`);
    }
    if (exception instanceof StoreBusyError) {
      // Other processes held the store's write lock past its bounded wait: nothing was written.
      return problem(503, 'STORE_BUSY', 'the event store is busy with other writers; nothing was written, retry after the Retry-After delay', {
        retryAfterSeconds: exception.retryAfterSeconds,
      });
    }
    if (exception instanceof WrongExpectedVersionError) {
      return problem(409, 'CONCURRENCY_CONFLICT', 'the resource changed concurrently; retry the request');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR');
      return problem(status, code, status < 500 ? exception.message : 'internal error');
    }
    const fastifyStatus = fastifyErrorStatus(exception);
    if (fastifyStatus !== undefined) {
      const code = CODE_BY_STATUS[fastifyStatus] ?? 'BAD_REQUEST';
      return problem(fastifyStatus, code, (exception as Error).message);
    }
    return problem(500, 'INTERNAL_ERROR', 'internal error; it has been logged');
  }
}

/** Fastify's own client errors (malformed JSON, body too large, bad content type) carry a 4xx statusCode. */
function fastifyErrorStatus(exception: unknown): number | undefined {
  if (!(exception instanceof Error)) return undefined;
  const status = (exception as Error & { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function describe(exception: unknown): string {
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}
