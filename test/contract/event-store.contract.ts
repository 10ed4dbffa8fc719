import { EventStore, RecordedEvent, StreamNotFoundError, WrongExpectedVersionError } from '../../src/event-store/event-store.port.js';
import { privateDigest } from '../../src/audit/event-commitment.js';
import { anEvent, events, uniqueStream, withTimeout } from '../support/events.js';

const SUBSCRIPTION_WAIT_MS = 10_000;

/** The behaviour every EventStore adapter must share (EventStoreDB's semantics). */
export function eventStoreContract(name: string, open: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    describe('expected revision', () => {
      it('no_stream creates a stream and refuses an existing one', async () => {
        const stream = uniqueStream();
        const first = await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });
        expect(first.nextExpectedRevision).toBe(0n);
        const error = await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error.streamId).toBe(stream);
        expect(error.actualRevision).toBe(0n);
      });

      it('stream_exists refuses an absent stream and accepts an existing one', async () => {
        const stream = uniqueStream();
        const error = await store.appendToStream(stream, [anEvent()], { expectedRevision: 'stream_exists' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error.actualRevision).toBe('no_stream');
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(stream, [anEvent()], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('an exact revision must match the last revision', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' });
        const stale = await store.appendToStream(stream, [anEvent()], { expectedRevision: 0n }).catch((e) => e);
        expect(stale).toBeInstanceOf(WrongExpectedVersionError);
        expect(stale.expectedRevision).toBe(0n);
        expect(stale.actualRevision).toBe(1n);
        const ahead = await store.appendToStream(stream, [anEvent()], { expectedRevision: 5n }).catch((e) => e);
        expect(ahead).toBeInstanceOf(WrongExpectedVersionError);
        const ok = await store.appendToStream(stream, [anEvent()], { expectedRevision: 1n });
        expect(ok.nextExpectedRevision).toBe(2n);
      });

      it('any appends whatever the stream holds', async () => {
        const stream = uniqueStream();
        expect((await store.appendToStream(stream, [anEvent()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store.appendToStream(stream, [anEvent()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
      });

      it('an exact revision on an absent stream is a conflict', async () => {
        const error = await store.appendToStream(uniqueStream(), [anEvent()], { expectedRevision: 0n }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error.actualRevision).toBe('no_stream');
      });
    });

    describe('atomic appends', () => {
      it('appends several events as one unit with consecutive revisions and increasing positions', async () => {
        const stream = uniqueStream();
        const batch = events(3);
        const result = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(2n);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
        expect(read[0]!.metadata).toEqual(batch[0]!.metadata);
        expect(read[2]!.streamId).toBe(stream);
        expect(read[2]!.created).toBeInstanceOf(Date);
      });

      it('a refused multi-event append writes none of its events', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const error = await store.appendToStream(stream, events(3), { expectedRevision: 7n }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('idempotence', () => {
      it('re-appending the same event ids at the same expected revision writes nothing and succeeds', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream(stream)).toHaveLength(2);

        const more = [anEvent()];
        const third = await store.appendToStream(stream, more, { expectedRevision: 1n });
        const thirdAgain = await store.appendToStream(stream, more, { expectedRevision: 1n });
        expect(thirdAgain.nextExpectedRevision).toBe(third.nextExpectedRevision);
        const anyAgain = await store.appendToStream(stream, more, { expectedRevision: 'any' });
        expect(anyAgain.nextExpectedRevision).toBe(2n);
        expect(await store.readStream(stream)).toHaveLength(3);
      });
    });

    describe('concurrency', () => {
      it('of 50 concurrent appends at the same expected revision exactly one wins', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => store.appendToStream(stream, events(2), { expectedRevision: 0n })));
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const loss of lost) expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(stream)).toHaveLength(3);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a revision with a max count', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, events(10), { expectedRevision: 'no_stream' });
        const forwards = await store.readStream(stream, { fromRevision: 3n, maxCount: 4 });
        expect(forwards.map((e) => e.revision)).toEqual([3n, 4n, 5n, 6n]);
        const backwards = await store.readStream(stream, { direction: 'backwards', fromRevision: 5n, maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([5n, 4n, 3n]);
        const fromEnd = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
        expect(fromEnd.map((e) => e.revision)).toEqual([9n, 8n]);
      });

      it('reading an absent stream is StreamNotFoundError', async () => {
        await expect(store.readStream(uniqueStream())).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('readStreamIfExists, where the store offers it, reads an absent stream as empty and a present one as readStream does', async () => {
        if (store.readStreamIfExists === undefined) return;
        expect(await store.readStreamIfExists(uniqueStream())).toEqual([]);
        const stream = uniqueStream();
        await store.appendToStream(stream, [anEvent(), anEvent()], { expectedRevision: 'no_stream' });
        expect(await store.readStreamIfExists(stream, { fromRevision: 1n })).toEqual(await store.readStream(stream, { fromRevision: 1n }));
      });

      it('findEventRevision, where the store offers it, finds an event of the stream by id and nothing of other streams', async () => {
        if (store.findEventRevision === undefined) return;
        const stream = uniqueStream();
        const written = events(5);
        await store.appendToStream(stream, written, { expectedRevision: 'no_stream' });
        expect(await store.findEventRevision(stream, written[3]!.id)).toBe(3n);
        expect(await store.findEventRevision(uniqueStream(), written[3]!.id)).toBeUndefined();
        expect(await store.findEventRevision(stream, anEvent().id)).toBeUndefined();
      });

      it('containsEvent, where the store offers it, agrees with findEventRevision: the stream holds the id, or not', async () => {
        if (store.containsEvent === undefined) return;
        const stream = uniqueStream();
        const written = events(5);
        await store.appendToStream(stream, written, { expectedRevision: 'no_stream' });
        expect(await store.containsEvent(stream, written[3]!.id)).toBe(true);
        expect(await store.containsEvent(uniqueStream(), written[3]!.id)).toBe(false);
        expect(await store.containsEvent(stream, anEvent().id)).toBe(false);
      });

      it('readAll returns events in append order with increasing positions', async () => {
        const before = await store.headPosition();
        const a = uniqueStream('alpha');
        const b = uniqueStream('beta');
        const first = await store.appendToStream(a, events(2), { expectedRevision: 'no_stream' });
        const second = await store.appendToStream(b, events(1), { expectedRevision: 'no_stream' });
        const third = await store.appendToStream(a, events(1), { expectedRevision: 1n });
        expect(first.position < second.position && second.position < third.position).toBe(true);
        const all = (await store.readAll({ fromPosition: before < 0n ? 'start' : before, maxCount: 1000 })).filter((e) => e.streamId === a || e.streamId === b);
        expect(all.map((e) => `${e.streamId}@${e.revision}`)).toEqual([`${a}@0`, `${a}@1`, `${b}@0`, `${a}@2`]);
        for (let i = 1; i < all.length; i += 1) expect(all[i]!.position >= all[i - 1]!.position).toBe(true);
        expect(all[2]!.position).toBe(second.position);
        expect(all[3]!.position).toBe(third.position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(third.position);
        const backwards = await store.readAll({ direction: 'backwards', maxCount: 1 });
        expect(backwards).toHaveLength(1);
      });

      it('hands out each event with its commitment: a salt of its own and the salted digest of its data and metadata', async () => {
        const stream = uniqueStream();
        const written = events(2);
        await store.appendToStream(stream, written, { expectedRevision: 'no_stream' });
        const read = await store.readStream(stream);
        const fromAll = (await store.readAll({ direction: 'backwards', maxCount: 10 })).filter((e) => e.streamId === stream).reverse();
        expect(fromAll.map((e) => e.commitment)).toEqual(read.map((e) => e.commitment));
        for (const [index, event] of read.entries()) {
          expect(event.metadata).toEqual(written[index]!.metadata);
          const { saltHex, privateDigest: digest } = event.commitment!;
          expect(saltHex).toMatch(/^[0-9a-f]{64}$/);
          expect(digest).toBe(privateDigest(saltHex, written[index]!.data, written[index]!.metadata));
        }
        expect(read[0]!.commitment!.saltHex).not.toBe(read[1]!.commitment!.saltHex);
      });

      it('counts the events of $all after a position', async () => {
        const before = await store.headPosition();
        await store.appendToStream(uniqueStream(), events(3), { expectedRevision: 'no_stream' });
        expect(await store.countEventsAfter(before, 1_000)).toBe(3);
        expect(await store.countEventsAfter(before, 2)).toBe(2);
        expect(await store.countEventsAfter(await store.headPosition(), 1_000)).toBe(0);
      });
    });

    describe('subscribeToAll', () => {
      async function collect(
        fromPosition: bigint | 'start',
        until: (seen: RecordedEvent[]) => boolean,
        filter?: { streamPrefixes?: string[]; eventTypes?: string[] },
      ): Promise<RecordedEvent[]> {
        const subscription = store.subscribeToAll({ fromPosition, ...(filter ? { filter } : {}) });
        const seen: RecordedEvent[] = [];
        try {
          await withTimeout(
            (async () => {
              for await (const event of subscription) {
                seen.push(event);
                if (until(seen)) return;
              }
            })(),
            SUBSCRIPTION_WAIT_MS,
            'subscription',
          );
        } finally {
          await subscription.unsubscribe();
        }
        return seen;
      }

      it('from a checkpoint delivers every later event exactly once, including those appended while catching up', async () => {
        const stream = uniqueStream('sub');
        await store.appendToStream(stream, events(20), { expectedRevision: 'no_stream' });
        const checkpoint = (await store.readStream(stream, { fromRevision: 9n, maxCount: 1 }))[0]!.position;
        const subscription = store.subscribeToAll({ fromPosition: checkpoint });
        const seen: RecordedEvent[] = [];
        let appendedWhileCatchingUp = false;
        try {
          await withTimeout(
            (async () => {
              for await (const event of subscription) {
                if (event.streamId !== stream) continue;
                seen.push(event);
                if (!appendedWhileCatchingUp) {
                  appendedWhileCatchingUp = true;
                  await store.appendToStream(stream, events(15), { expectedRevision: 19n });
                }
                if (seen.length >= 25) break;
              }
            })(),
            SUBSCRIPTION_WAIT_MS,
            'catch-up and live subscription',
          );
          // Live: one more event after catching up, and nothing else arrives twice.
          await store.appendToStream(stream, events(1), { expectedRevision: 34n });
        } finally {
          await subscription.unsubscribe();
        }
        expect(seen.map((e) => e.revision)).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i + 10)));
        const live = await collect(seen[seen.length - 1]!.position, (s) => s.some((e) => e.streamId === stream));
        expect(live.filter((e) => e.streamId === stream).map((e) => e.revision)).toEqual([35n]);
      });

      it('filters by stream prefix and by event type', async () => {
        const before = await store.headPosition();
        const from = before < 0n ? 'start' : before;
        const wanted = uniqueStream('wanted');
        const other = uniqueStream('other');
        await store.appendToStream(other, [anEvent('Ignored')], { expectedRevision: 'no_stream' });
        await store.appendToStream(wanted, [anEvent('Kept'), anEvent('AlsoKept')], { expectedRevision: 'no_stream' });
        await store.appendToStream(other, [anEvent('Kept')], { expectedRevision: 0n });
        const byPrefix = await collect(from, (s) => s.length >= 2, { streamPrefixes: [wanted] });
        expect(byPrefix.map((e) => e.type)).toEqual(['Kept', 'AlsoKept']);
        const byType = await collect(from, (s) => s.filter((e) => e.streamId === other).length >= 1, {
          eventTypes: ['Kept'],
        });
        expect(byType.filter((e) => e.streamId === wanted || e.streamId === other).map((e) => `${e.streamId}:${e.type}`)).toEqual([
          `${wanted}:Kept`,
          `${other}:Kept`,
        ]);
      });

      it('unsubscribe ends a live subscription', async () => {
        const subscription = store.subscribeToAll({ fromPosition: await store.headPosition() });
        const ended = (async () => {
          for await (const _event of subscription) void _event;
          return 'ended';
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await subscription.unsubscribe();
        await expect(withTimeout(ended, SUBSCRIPTION_WAIT_MS, 'unsubscribe')).resolves.toBe('ended');
      });
    });
  });
}
