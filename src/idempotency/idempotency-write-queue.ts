import type { IdempotencyStore, IdempotencyWrite, IdempotencyWriteResult, Reservation, StoredResponse } from './idempotency-store.js';

/** Writes queued in one turn of the event loop share one transaction, at most this many per transaction. */
export const IDEMPOTENCY_WRITES_PER_COMMIT_MAX = 512;

interface Queued {
  readonly write: IdempotencyWrite;
  readonly resolve: (result: IdempotencyWriteResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for the idempotency store: the reservations and outcomes of the requests that
 * arrive together are written in arrival order in one IMMEDIATE transaction, so concurrent
 * requests share one durable commit instead of paying two each. Each promise settles only
 * after its transaction committed (or failed): nothing is answered on a write not yet durable.
 */
export class IdempotencyWriteQueue {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly store: Pick<IdempotencyStore, 'applyDurably'>) {}

  reserve(apiKeyId: string, key: string, hash: string, nowMs: number): Promise<Reservation> {
    return this.enqueue({ kind: 'reserve', apiKeyId, key, hash, nowMs }) as Promise<Reservation>;
  }

  async complete(apiKeyId: string, key: string, token: string, response: StoredResponse, nowMs: number): Promise<void> {
    await this.enqueue({ kind: 'complete', apiKeyId, key, token, response, nowMs });
  }

  async release(apiKeyId: string, key: string, token: string): Promise<void> {
    await this.enqueue({ kind: 'release', apiKeyId, key, token });
  }

  private enqueue(write: IdempotencyWrite): Promise<IdempotencyWriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the poll phase: every request read in this turn has queued its write by then.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const pending = this.queue;
    this.queue = [];
    for (let start = 0; start < pending.length; start += IDEMPOTENCY_WRITES_PER_COMMIT_MAX) {
      const batch = pending.slice(start, start + IDEMPOTENCY_WRITES_PER_COMMIT_MAX);
      let results: IdempotencyWriteResult[];
      try {
        results = await this.store.applyDurably(batch.map((queued) => queued.write));
      } catch (error) {
        for (const queued of batch) queued.reject(error);
        continue;
      }
      batch.forEach((queued, index) => queued.resolve(results[index]));
    }
  }
}
