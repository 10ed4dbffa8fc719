import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { events, uniqueStream } from '../support/events.js';

/** The subscriber polls this rarely here, so only the WAL watch can deliver within DELIVERY_WAIT_MS. */
const POLL_MS = 120_000;
/** A bound on the wait for each delivery: generous, since it checks that one happens, not how fast. */
const DELIVERY_WAIT_MS = 20_000;
/** Lets the subscription read the head and wait before the next append is made. */
const SETTLE_MS = 200;

/**
 * Two stores on one file stand for two processes (an HTTP-only instance appending, another
 * running the subscriptions): a commit through one wakes the other's subscriptions through the
 * watch of the WAL file, without waiting for their poll.
 */
describe("another connection's appends reach a waiting subscription through the WAL watch (integration)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bela-wal-watch-'));
  const file = join(dir, 'events.db');
  const watching = SqliteEventStore.open(file, { subscriptionPollMs: POLL_MS });
  const writer = SqliteEventStore.open(file);
  afterAll(async () => {
    await writer.close();
    await watching.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function within<T>(what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${DELIVERY_WAIT_MS} ms`)), DELIVERY_WAIT_MS)),
    );
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('delivers each append made through the other store while the subscription waits at the head', async () => {
    const stream = uniqueStream();
    const subscription = watching.subscribeToAll({ fromPosition: 'start' });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      const seen: RecordedEvent[] = [];
      for (const [index, event] of events(3, 'Watched').entries()) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const next = iterator.next();
        await writer.appendToStream(stream, [event], { expectedRevision: index === 0 ? 'no_stream' : BigInt(index - 1) });
        const delivered = await within(`delivery ${index + 1}`, next);
        expect(delivered.done).toBe(false);
        seen.push(delivered.value as RecordedEvent);
      }
      expect(seen.map((event) => [event.streamId, Number(event.revision), event.type])).toEqual([
        [stream, 0, 'Watched'],
        [stream, 1, 'Watched'],
        [stream, 2, 'Watched'],
      ]);
    } finally {
      await subscription.unsubscribe();
    }
  }, 90_000);
});
