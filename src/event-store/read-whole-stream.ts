import { EventStore, READ_COUNT_MAX, RecordedEvent, StreamNotFoundError } from './event-store.port.js';

/** No aggregate may grow past this; beyond it the design needs a snapshot or a closed-books stream. */
export const STREAM_EVENTS_MAX = 1_000_000;

/** All events of a stream, paged; an absent stream is empty. */
export async function readWholeStream(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let fromRevision = 0n;
  for (;;) {
    let page: RecordedEvent[];
    try {
      page = await store.readStream(streamId, { fromRevision, maxCount: READ_COUNT_MAX });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return events;
      throw error;
    }
    events.push(...page);
    if (events.length > STREAM_EVENTS_MAX) throw new RangeError(`stream ${streamId} exceeds ${STREAM_EVENTS_MAX} events`);
    if (page.length < READ_COUNT_MAX) return events;
    fromRevision = page[page.length - 1]!.revision + 1n;
  }
}
