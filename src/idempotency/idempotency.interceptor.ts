import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { Observable, catchError, finalize, from, mergeMap, of, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { requireActor } from '../auth/scope.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import { ProblemDetailsFilter } from '../http/problem-details.filter.js';
import { PROBLEM_CONTENT_TYPE } from '../http/problem.js';
import { checkCommandHeaders } from '../http/request-context.js';
import type { Clock } from '../kernel/clock.js';
import { DomainError } from '../kernel/errors.js';
import { idempotencyKeyOf, idempotencyKeyRequired, requestHash } from './idempotency-key.js';
import { IdempotencyStore, IN_FLIGHT_LEASE_MS, Reservation, StoredResponse } from './idempotency-store.js';
import { IdempotencyWriteQueue } from './idempotency-write-queue.js';
import { IDEMPOTENCY_MODE_KEY, IdempotencyMode } from './idempotent.decorator.js';

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
/** Marks an answer that was stored for an earlier request with the same key, not computed now. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** A duplicate of a request still running waits for it this long before answering 409 IDEMPOTENCY_KEY_IN_FLIGHT. */
export const IN_FLIGHT_WAIT_MS_MAX = 10_000;
export const IN_FLIGHT_POLL_MS = 25;
const IN_FLIGHT_POLLS_MAX = IN_FLIGHT_WAIT_MS_MAX / IN_FLIGHT_POLL_MS;
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;
/** The response headers a replay repeats (the ones a client acts on). */
const STORED_HEADERS = ['location', 'etag'] as const;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The Idempotency-Key rules for every endpoint marked @Idempotent(), once, at the edge (after
 * the auth guard, before validation): the key is reserved per API key with the request's
 * canonical hash; the first request runs and its answer is stored; a retry gets that answer
 * back; another request under the key is 409 whatever it would touch. 5xx, 429 and
 * concurrency conflicts release the key, so the client may retry; other 4xx answers are kept.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly problems = new ProblemDetailsFilter();
  private readonly logger = new Logger('http.idempotency');
  /** Reservations and outcomes of concurrent requests share one commit of the store. */
  private readonly writes: IdempotencyWriteQueue;

  constructor(
    private readonly reflector: Reflector,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.writes = new IdempotencyWriteQueue(store);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const mode = this.reflector.get<IdempotencyMode | undefined>(IDEMPOTENCY_MODE_KEY, context.getHandler());
    if (mode === undefined) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = idempotencyKeyOf(request);
    if (key === undefined) {
      if (mode === 'required') throw idempotencyKeyRequired();
      return next.handle();
    }
    checkCommandHeaders(request);
    const apiKeyId = requireActor(request.actor).id;
    const reservation = await this.reserve(apiKeyId, key, requestHash(request));
    switch (reservation.kind) {
      case 'reused':
        throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', {
          idempotencyKey: key,
        });
      case 'in_flight':
        void reply.header('Retry-After', String(IN_FLIGHT_RETRY_AFTER_SECONDS));
        throw new DomainError('conflict', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'the first request with this Idempotency-Key is still running; retry later', {
          idempotencyKey: key,
          waitedMs: IN_FLIGHT_WAIT_MS_MAX,
        });
      case 'completed':
        return of(replay(reservation.response));
      case 'reserved':
        return this.run(next, { apiKeyId, key, token: reservation.token }, context, reply);
    }
  }

  /** Reserves the key; a duplicate of a request in flight polls until it finishes, within a bound. */
  private async reserve(apiKeyId: string, key: string, hash: string): Promise<Reservation> {
    let reservation = await this.writes.reserve(apiKeyId, key, hash, this.clock.now().getTime());
    for (let poll = 0; reservation.kind === 'in_flight' && poll < IN_FLIGHT_POLLS_MAX; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
      // Waiting only reads; the write transaction runs once the first request is done.
      if (!this.store.inFlight(apiKeyId, key, this.clock.now().getTime()))
        reservation = await this.writes.reserve(apiKeyId, key, hash, this.clock.now().getTime());
    }
    return reservation;
  }

  private run(next: CallHandler, owned: { apiKeyId: string; key: string; token: string }, context: ExecutionContext, reply: FastifyReply): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    let settled = false;
    /** Records the outcome (undefined: release the key); the answer leaves only once that is durable. */
    const settle = async (response: StoredResponse | undefined): Promise<void> => {
      settled = true;
      try {
        if (response === undefined) await this.writes.release(owned.apiKeyId, owned.key, owned.token);
        else await this.writes.complete(owned.apiKeyId, owned.key, owned.token, response, this.clock.now().getTime());
      } catch (error) {
        // The client still gets its answer; the reservation lapses after IN_FLIGHT_LEASE_MS.
        this.logger.warn(`could not record the outcome of ${request.method} ${request.url} (lapses in ${IN_FLIGHT_LEASE_MS} ms): ${String(error)}`);
      }
    };
    return next.handle().pipe(
      mergeMap((body) =>
        from(
          settle({ status: this.successStatus(context, request.method), headers: storedHeaders(reply), body: JSON.stringify(body ?? null) }).then(() => body),
        ),
      ),
      catchError((error: unknown) => {
        const problem = this.problems.toProblem(error);
        const retryable = problem.status >= 500 || problem.status === 429 || problem.code === 'CONCURRENCY_CONFLICT';
        const outcome = retryable
          ? undefined
          : { status: problem.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify({ ...problem, instance: request.url }) };
        return from(settle(outcome)).pipe(mergeMap(() => throwError(() => error)));
      }),
      // A client that went away mid-request: nothing was answered, so nothing is kept.
      finalize(() => {
        if (!settled) void settle(undefined);
      }),
    );
  }

  private successStatus(context: ExecutionContext, method: string): number {
    return this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (method === 'POST' ? 201 : 200);
  }
}

function storedHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE };
  for (const name of STORED_HEADERS) {
    const value = reply.getHeader(name);
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** The stored answer again; a command response's `replayed` flag says that it is a retry's. */
function replay(response: StoredResponse): Response {
  return new Response(markReplayed(response), { status: response.status, headers: { ...response.headers, [REPLAYED_HEADER]: 'true' } });
}

function markReplayed(response: StoredResponse): string {
  if (response.status >= 300) return response.body;
  const body: unknown = JSON.parse(response.body);
  if (body === null || typeof body !== 'object' || typeof (body as { replayed?: unknown }).replayed !== 'boolean') return response.body;
  return JSON.stringify({ ...body, replayed: true });
}
