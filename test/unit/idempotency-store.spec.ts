import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDEMPOTENCY_RETENTION_MS, IN_FLIGHT_LEASE_MS, IdempotencyStore, SWEEP_BATCH_MAX, StoredResponse } from '../../src/idempotency/idempotency-store.js';
import { requestHash } from '../../src/idempotency/idempotency-key.js';
import { IdempotencyWriteQueue } from '../../src/idempotency/idempotency-write-queue.js';
import { withTimeout } from '../support/events.js';

const NOW_MS = Date.UTC(2026, 10, 30, 8, 0, 0);
const API_KEY = 'key:0123456789abcdef';
const CREATED: StoredResponse = { status: 201, headers: { location: '/orders/1' }, body: '{"orderId":"1"}' };
const RACING_PROCESSES = 4;
const RACED_KEYS = 300;
const RACE_START_DELAY_MS = 1_500;
const RACE_WAIT_MS = 60_000;

describe('idempotency store (unit)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-idempotency-'));
  let fileIndex = 0;
  const freshFile = (): string => join(scratch, `idempotency-${(fileIndex += 1)}.db`);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reserves a key once: a duplicate is in flight, another request under it is reused, a completed one is answered', () => {
    const store = IdempotencyStore.open(freshFile());
    const first = store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS);
    expect(first.kind).toBe('reserved');
    expect(store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + 1).kind).toBe('in_flight');
    expect(store.reserve(API_KEY, 'k1', 'hash-b', NOW_MS + 1).kind).toBe('reused');
    expect(store.inFlight(API_KEY, 'k1', NOW_MS + 1)).toBe(true);
    expect(store.inFlight(API_KEY, 'k1', NOW_MS + IN_FLIGHT_LEASE_MS)).toBe(false);
    store.complete(API_KEY, 'k1', (first as { token: string }).token, CREATED, NOW_MS + 2);
    expect(store.inFlight(API_KEY, 'k1', NOW_MS + 3)).toBe(false);
    expect(store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + 3)).toEqual({ kind: 'completed', response: CREATED });
    expect(store.reserve(API_KEY, 'k1', 'hash-b', NOW_MS + 3).kind).toBe('reused');
    // The same key string under another API key is another key.
    expect(store.reserve('key:fedcba9876543210', 'k1', 'hash-b', NOW_MS + 3).kind).toBe('reserved');
    store.close();
  });

  it('forgets a released reservation, so a retry runs again', () => {
    const store = IdempotencyStore.open(freshFile());
    const first = store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS) as { kind: 'reserved'; token: string };
    store.release(API_KEY, 'k1', first.token);
    expect(store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + 1).kind).toBe('reserved');
    store.close();
  });

  it('lets a retry take over a reservation whose process died, and the late owner can no longer store its answer', () => {
    const store = IdempotencyStore.open(freshFile());
    const stale = store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS) as { kind: 'reserved'; token: string };
    expect(store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + IN_FLIGHT_LEASE_MS - 1).kind).toBe('in_flight');
    const takeover = store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + IN_FLIGHT_LEASE_MS) as { kind: 'reserved'; token: string };
    expect(takeover.kind).toBe('reserved');
    store.complete(API_KEY, 'k1', stale.token, { ...CREATED, body: 'late' }, NOW_MS + IN_FLIGHT_LEASE_MS + 1);
    expect(store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + IN_FLIGHT_LEASE_MS + 2).kind).toBe('in_flight');
    store.complete(API_KEY, 'k1', takeover.token, CREATED, NOW_MS + IN_FLIGHT_LEASE_MS + 3);
    expect(store.reserve(API_KEY, 'k1', 'hash-a', NOW_MS + IN_FLIGHT_LEASE_MS + 4)).toEqual({ kind: 'completed', response: CREATED });
    store.close();
  });

  it('expires records after the retention, and sweeps at most SWEEP_BATCH_MAX of them per reservation', () => {
    const file = freshFile();
    const store = IdempotencyStore.open(file);
    const expiring = SWEEP_BATCH_MAX + 5;
    for (let index = 0; index < expiring; index += 1) {
      const reserved = store.reserve(API_KEY, `old-${index}`, 'hash-a', NOW_MS) as { token: string };
      store.complete(API_KEY, `old-${index}`, reserved.token, CREATED, NOW_MS);
    }
    const later = NOW_MS + IDEMPOTENCY_RETENTION_MS;
    // Past the retention the key is free again, even for another request.
    expect(store.reserve(API_KEY, 'old-0', 'hash-b', later).kind).toBe('reserved');
    store.close();
    const rows = (): number => {
      const db = new Database(file, { readonly: true });
      const count = db.prepare('SELECT count(*) FROM idempotency_keys').pluck().get() as number;
      db.close();
      return count;
    };
    // One sweep deleted SWEEP_BATCH_MAX expired rows; old-0 was then reserved anew.
    expect(rows()).toBe(expiring - SWEEP_BATCH_MAX + 1);
  });

  it("sees another connection's reservation on the same file", () => {
    const file = freshFile();
    const one = IdempotencyStore.open(file);
    const two = IdempotencyStore.open(file);
    expect(one.reserve(API_KEY, 'k1', 'hash-a', NOW_MS).kind).toBe('reserved');
    expect(two.reserve(API_KEY, 'k1', 'hash-a', NOW_MS).kind).toBe('in_flight');
    expect(two.reserve(API_KEY, 'k1', 'hash-b', NOW_MS).kind).toBe('reused');
    one.close();
    two.close();
  });

  it(
    "gives each key to exactly one of several processes racing for it, and stores only the winner's answer",
    async () => {
      const file = freshFile();
      IdempotencyStore.open(file).close();
      const startAt = Date.now() + RACE_START_DELAY_MS;
      const workers = Array.from({ length: RACING_PROCESSES }, (_, index) => ({ name: `worker-${index}`, hash: index % 2 === 0 ? 'hash-a' : 'hash-b' }));
      const results = await withTimeout(
        Promise.all(
          workers.map(
            (worker) =>
              new Promise<Record<string, string>>((resolve, reject) => {
                const child = spawn(
                  process.execPath,
                  [
                    '--import',
                    'tsx',
                    join(import.meta.dirname, 'support', 'idempotency-race-worker.ts'),
                    file,
                    worker.name,
                    worker.hash,
                    String(RACED_KEYS),
                    String(startAt),
                  ],
                  { stdio: ['ignore', 'pipe', 'pipe'] },
                );
                let stdout = '';
                let stderr = '';
                child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
                child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
                child.on('exit', (code) =>
                  code === 0 ? resolve(JSON.parse(stdout) as Record<string, string>) : reject(new Error(`${worker.name} exited ${code}: ${stderr}`)),
                );
              }),
          ),
        ),
        RACE_WAIT_MS,
        'racing processes',
      );
      const store = IdempotencyStore.open(file);
      const wrongCounts: string[] = [];
      for (let index = 0; index < RACED_KEYS; index += 1) {
        const key = `key-${index}`;
        const winners = workers.filter((_, workerIndex) => results[workerIndex]![key] === 'reserved');
        if (winners.length !== 1) {
          wrongCounts.push(`${key}: ${winners.length} winners`);
          continue;
        }
        const winner = winners[0]!;
        // Every loser saw the winner's claim: its own request's (in flight or done) or another request's.
        workers.forEach((worker, workerIndex) => {
          const seen = results[workerIndex]![key];
          if (worker === winner) return;
          const expected = worker.hash === winner.hash ? ['in_flight', 'completed'] : ['reused'];
          if (!expected.includes(seen!)) wrongCounts.push(`${key}: ${worker.name} saw ${seen}`);
        });
        const answer = store.reserve('key:shared', key, winner.hash, Date.now());
        if (answer.kind !== 'completed' || answer.response.body !== winner.name) wrongCounts.push(`${key}: stored ${JSON.stringify(answer)}`);
      }
      store.close();
      expect(wrongCounts).toEqual([]);
    },
    RACE_WAIT_MS + 10_000,
  );
});

describe('request hash (unit)', () => {
  const request = (body: unknown, url = '/orders') => ({ method: 'POST', url, body });

  it('is the same for the same JSON with members in another order, and differs for another body, path or method', () => {
    const hash = requestHash(request({ cardId: 'c1', lines: [{ listingId: 'l1', quantity: 2 }] }));
    expect(requestHash(request({ lines: [{ quantity: 2, listingId: 'l1' }], cardId: 'c1' }))).toBe(hash);
    expect(requestHash(request({ cardId: 'c1', lines: [{ listingId: 'l1', quantity: 3 }] }))).not.toBe(hash);
    expect(requestHash(request({ cardId: 'c1', lines: [{ listingId: 'l1', quantity: 2 }] }, '/cards'))).not.toBe(hash);
    expect(requestHash({ ...request({ cardId: 'c1', lines: [{ listingId: 'l1', quantity: 2 }] }), method: 'PATCH' })).not.toBe(hash);
  });

  it('is computed once per request (the interceptor and the command context share it), afresh when the request was given another body', () => {
    const same = request({ cardId: 'c1' });
    const hash = requestHash(same);
    expect(requestHash(same)).toBe(hash);
    const reparsed = Object.assign(same, { body: { cardId: 'c2' } });
    expect(requestHash(reparsed)).toBe(requestHash(request({ cardId: 'c2' })));
    expect(requestHash(reparsed)).not.toBe(hash);
  });

  it('gives a body RFC 8785 cannot express (lone surrogate, number beyond JSON) a stable fingerprint of its own', () => {
    const loneSurrogate = request({ name: 'a\ud800b' });
    expect(requestHash(loneSurrogate)).toBe(requestHash(request({ name: 'a\ud800b' })));
    expect(requestHash(loneSurrogate)).not.toBe(requestHash(request({ name: 'a\ud801b' })));
    const tooLarge = request({ priceRupiah: Infinity });
    expect(requestHash(tooLarge)).toBe(requestHash(request({ priceRupiah: Infinity })));
    expect(requestHash(tooLarge)).not.toBe(requestHash(request({ priceRupiah: null })));
    expect(requestHash(tooLarge)).not.toBe(requestHash(request({ priceRupiah: -Infinity })));
  });
});

describe('idempotency write queue (unit)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-idempotency-queue-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes the reservations and outcomes of requests arriving together in one transaction, in arrival order', async () => {
    const store = IdempotencyStore.open(join(scratch, 'queue.db'));
    let transactions = 0;
    const queue = new IdempotencyWriteQueue({ applyDurably: (writes) => ((transactions += 1), store.applyDurably(writes)) });
    const keys = Array.from({ length: 50 }, (_, index) => `k-${index}`);
    const [first, duplicate, reused, ...others] = await Promise.all([
      queue.reserve(API_KEY, 'k-0', 'hash-a', NOW_MS),
      queue.reserve(API_KEY, 'k-0', 'hash-a', NOW_MS),
      queue.reserve(API_KEY, 'k-0', 'hash-b', NOW_MS),
      ...keys.slice(1).map((key) => queue.reserve(API_KEY, key, 'hash-a', NOW_MS)),
    ]);
    expect(transactions).toBe(1);
    expect([first!.kind, duplicate!.kind, reused!.kind]).toEqual(['reserved', 'in_flight', 'reused']);
    expect(others.every((reservation) => reservation.kind === 'reserved')).toBe(true);
    const tokens = [first!, ...others].map((reservation) => (reservation as { token: string }).token);
    await Promise.all([queue.complete(API_KEY, 'k-0', tokens[0]!, CREATED, NOW_MS + 1), queue.release(API_KEY, 'k-1', tokens[1]!)]);
    expect(transactions).toBe(2);
    expect(store.reserve(API_KEY, 'k-0', 'hash-a', NOW_MS + 2)).toEqual({ kind: 'completed', response: CREATED });
    expect(store.reserve(API_KEY, 'k-1', 'hash-a', NOW_MS + 2).kind).toBe('reserved');
    expect(store.reserve(API_KEY, 'k-2', 'hash-a', NOW_MS + 2).kind).toBe('in_flight');
    store.close();
  });

  it('fails every write of a transaction that could not commit, and the next transaction runs anew', async () => {
    const store = IdempotencyStore.open(join(scratch, 'failing.db'));
    let failNext = true;
    const queue = new IdempotencyWriteQueue({
      applyDurably: async (writes) => {
        if (!failNext) return store.applyDurably(writes);
        failNext = false;
        throw new Error('disk I/O error');
      },
    });
    const failed = await Promise.allSettled([queue.reserve(API_KEY, 'k-a', 'hash-a', NOW_MS), queue.reserve(API_KEY, 'k-b', 'hash-a', NOW_MS)]);
    expect(failed.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((await queue.reserve(API_KEY, 'k-a', 'hash-a', NOW_MS)).kind).toBe('reserved');
    store.close();
  });
});
