import { DomainError } from '../kernel/errors.js';

/**
 * Serialises work per key inside this process (one stream's commands run one at a time), so
 * concurrent requests for one aggregate queue instead of burning optimistic-concurrency retries.
 * Other processes are still kept honest by the expected revision on append.
 */
export class KeyedLock {
  private readonly tails = new Map<string, { tail: Promise<void>; waiting: number }>();

  constructor(private readonly waitersMax: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const entry = this.tails.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (entry.waiting >= this.waitersMax) {
      throw new DomainError('rate_limited', 'STREAM_BUSY', `too many concurrent commands for ${key}; retry later`, {
        waitersMax: this.waitersMax,
      });
    }
    entry.waiting += 1;
    const previous = entry.tail;
    let release!: () => void;
    entry.tail = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(key, entry);
    await previous;
    try {
      return await work();
    } finally {
      entry.waiting -= 1;
      if (entry.waiting === 0) this.tails.delete(key);
      release();
    }
  }
}
