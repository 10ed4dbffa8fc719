import { EventStore, READ_COUNT_MAX, RecordedEvent, StreamNotFoundError } from './event-store.port.js';

/** No aggregate may grow past this; long-lived ones are read from a snapshot (snapshot-store.port.ts). */
export const STREAM_EVENTS_MAX = 1_000_000;

/** All events of a stream, paged; an absent stream is empty. */
export function readWholeStream(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  return readStreamFrom(store, streamId, 0n);
}

/** The events of a stream from `fromRevision` (inclusive) to its end, paged; an absent stream is empty. */
export async function readStreamFrom(store: EventStore, streamId: string, fromRevision: bigint): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let from = fromRevision;
  for (;;) {
    const page = await readStreamPage(store, streamId, from, READ_COUNT_MAX);
    events.push(...page);
    if (events.length > STREAM_EVENTS_MAX) throw new RangeError(`stream ${streamId} exceeds ${STREAM_EVENTS_MAX} events`);
    if (page.length < READ_COUNT_MAX) return events;
    from = page[page.length - 1]!.revision + 1n;
  }
}

/** Up to `maxCount` events from `from` (inclusive); an absent stream is an empty page. */
export async function readStreamPage(store: EventStore, streamId: string, from: bigint, maxCount: number): Promise<RecordedEvent[]> {
  const options = { fromRevision: from, maxCount };
  if (store.readStreamIfExists !== undefined) return store.readStreamIfExists(streamId, options);
  try {
    return await store.readStream(streamId, options);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}
