import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../kernel/errors.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

/** The only request body the API reads; every other Content-Type is a 415 before any handler runs. */
export const JSON_CONTENT_TYPE = 'application/json';
/** Accept ranges beyond this many are not read (a header is at most 16 KB anyway). */
const ACCEPT_RANGES_MAX = 64;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The API's media types, checked at the edge:
 * - request bodies: JSON only (415 otherwise), and only valid UTF-8 (400 INVALID_UTF8, never
 *   decoded to U+FFFD);
 * - Accept: a command answers JSON, so an Accept that admits no JSON is a 406 before anything is
 *   written; a read (GET, HEAD) answers its own type (HTML, CSV, NDJSON, text), and if that type
 *   is not admitted its success becomes a 406. Errors are problem+json whatever Accept says.
 */
export function registerMediaTypes(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_CONTENT_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(invalid('INVALID_UTF8', 'the body is not valid UTF-8', [{ field: 'body', messages: ['must be UTF-8'] }]), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isRead(request) || admitsAnswer(request.headers.accept, JSON_CONTENT_TYPE)) return;
    return reply.status(406).header('Content-Type', PROBLEM_CONTENT_TYPE).send(notAcceptable(request, JSON_CONTENT_TYPE));
  });
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!isRead(request) || reply.statusCode >= 300) return payload;
    const produced = String(reply.getHeader('content-type') ?? JSON_CONTENT_TYPE);
    if (admitsAnswer(request.headers.accept, produced)) return payload;
    void reply.status(406).header('Content-Type', PROBLEM_CONTENT_TYPE).removeHeader('Content-Length').removeHeader('Content-Disposition');
    return JSON.stringify(notAcceptable(request, produced));
  });
}

function isRead(request: FastifyRequest): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

function notAcceptable(request: FastifyRequest, produced: string): Record<string, unknown> {
  const type = mediaType(produced);
  return {
    ...problem(406, 'NOT_ACCEPTABLE', `this route answers ${type}, which the Accept header does not admit`, { produces: type }),
    instance: request.url,
  };
}

/** A client that asks for problem+json reads JSON: a JSON answer is admitted by either. */
function admitsAnswer(accept: string | undefined, produced: string): boolean {
  return admits(accept, produced) || (mediaType(produced) === JSON_CONTENT_TYPE && admits(accept, PROBLEM_CONTENT_TYPE));
}

/** Does an Accept header (RFC 9110 §12.5.1) admit this media type? A missing header admits all; q=0 refuses. */
export function admits(accept: string | undefined, contentType: string): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const [type, subtype] = mediaType(contentType).split('/');
  return accept
    .split(',')
    .slice(0, ACCEPT_RANGES_MAX)
    .some((range) => {
      const [name = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
      if (parameters.some((parameter) => /^q=0(?:\.0{0,3})?$/.test(parameter))) return false;
      const [rangeType, rangeSubtype] = name.split('/');
      return (rangeType === '*' && rangeSubtype === '*') || (rangeType === type && (rangeSubtype === '*' || rangeSubtype === subtype));
    });
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (a header over the size
 * limit, a malformed request line); answer those as problem+json too, then close the socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
        : [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify(problem(status, code, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${problem(status, code, detail).title}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
