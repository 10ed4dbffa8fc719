import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';
import { IdempotencyInterceptor, REPLAYED_HEADER } from '../../src/idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from '../../src/idempotency/idempotency-store.js';
import { IDEMPOTENCY_MODE_KEY } from '../../src/idempotency/idempotent.decorator.js';
import { DomainError, ruleViolation } from '../../src/kernel/errors.js';

const ACTOR = { id: 'key:0123456789abcdef', role: 'admin' as const };

/** One POST as the interceptor sees it: the request, a reply that keeps headers, a handler marked required. */
function httpContext(key: string | undefined, body: unknown): ExecutionContext {
  const headers: Record<string, string> = key === undefined ? {} : { 'idempotency-key': key };
  const replyHeaders = new Map<string, string>([
    ['location', '/cards/1'],
    ['etag', '"0"'],
  ]);
  const reply = {
    header: (name: string, value: string) => (replyHeaders.set(name.toLowerCase(), value), reply),
    getHeader: (name: string) => replyHeaders.get(name),
  };
  const handler = (): void => undefined;
  Reflect.defineMetadata(IDEMPOTENCY_MODE_KEY, 'required', handler);
  return {
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => ({ method: 'POST', url: '/cards', headers, body, actor: ACTOR }), getResponse: () => reply }),
  } as unknown as ExecutionContext;
}

describe('idempotency interceptor (unit)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-idempotency-interceptor-'));
  const store = IdempotencyStore.open(join(scratch, 'idempotency.db'));
  const interceptor = new IdempotencyInterceptor(new Reflector(), store, { now: () => new Date() });
  let handled = 0;
  const answering = (result: () => Observable<unknown>): CallHandler => ({
    handle: () => {
      handled += 1;
      return result();
    },
  });
  const run = async (key: string | undefined, body: unknown, result: () => Observable<unknown>): Promise<unknown> =>
    lastValueFrom(await interceptor.intercept(httpContext(key, body), answering(result)));
  afterAll(() => {
    store.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(() => (handled = 0));

  it('refuses a required request without a key before the handler runs', async () => {
    await expect(run(undefined, { limitRupiah: 1 }, () => of({}))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED' });
    expect(handled).toBe(0);
  });

  it('releases the key after a 5xx, so the retry runs again', async () => {
    await expect(run('k-503', { limitRupiah: 1 }, () => throwError(() => new DomainError('unavailable', 'STORE_BUSY', 'busy')))).rejects.toMatchObject({
      code: 'STORE_BUSY',
    });
    await expect(run('k-503', { limitRupiah: 1 }, () => of({ cardId: '1', replayed: false }))).resolves.toEqual({ cardId: '1', replayed: false });
    expect(handled).toBe(2);
  });

  it('keeps a 4xx refusal and answers the retry with it, marked as a replay, without running the handler', async () => {
    await expect(run('k-422', { limitRupiah: 1 }, () => throwError(() => ruleViolation('CARD_LIMIT_TOO_HIGH', 'too high')))).rejects.toMatchObject({
      code: 'CARD_LIMIT_TOO_HIGH',
    });
    const replay = (await run('k-422', { limitRupiah: 1 }, () => of({}))) as Response;
    expect(handled).toBe(1);
    expect(replay.status).toBe(422);
    expect(replay.headers.get(REPLAYED_HEADER)).toBe('true');
    expect(replay.headers.get('content-type')).toBe('application/problem+json');
    expect(await replay.json()).toMatchObject({ status: 422, code: 'CARD_LIMIT_TOO_HIGH', instance: '/cards' });
  });

  it('replays a success with its status, Location and ETag, and `replayed` set', async () => {
    await run('k-201', { limitRupiah: 2 }, () => of({ cardId: '1', replayed: false, events: [] }));
    const replay = (await run('k-201', { limitRupiah: 2 }, () => of({}))) as Response;
    expect(handled).toBe(1);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('location')).toBe('/cards/1');
    expect(replay.headers.get('etag')).toBe('"0"');
    expect(await replay.json()).toEqual({ cardId: '1', replayed: true, events: [] });
  });

  it('refuses the key for another body with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    await run('k-reused', { limitRupiah: 3 }, () => of({ cardId: '1', replayed: false }));
    await expect(run('k-reused', { limitRupiah: 4 }, () => of({}))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(handled).toBe(1);
  });
});
