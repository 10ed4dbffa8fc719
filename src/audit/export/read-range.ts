import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { READ_COUNT_MAX } from '../../event-store/event-store.port.js';
import { ExportRange, verdictOf } from './export-range.js';

/** An export reads $all in pages of this many events: memory stays bounded whatever the store's size. */
export const EXPORT_PAGE_EVENTS = 1_000;
/** No export reads past this many pages (10^10 events is beyond any store this design serves). */
export const EXPORT_PAGES_MAX = 10_000_000;

export interface ReadRangeOptions {
  /** Stop after this many events (an HTTP page); undefined: to the end of the range. */
  readonly limit?: number;
  readonly pageEvents?: number;
}

/**
 * The events of a range, in position order, read page by page: a consumer that stops pulling
 * (a slow HTTP client, a full disk) stops the reading too.
 */
export async function* readRange(store: EventStore, range: ExportRange, options: ReadRangeOptions = {}): AsyncGenerator<RecordedEvent> {
  const pageEvents = Math.min(options.pageEvents ?? EXPORT_PAGE_EVENTS, READ_COUNT_MAX);
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let from = range.fromPosition;
  for (let page = 0; page < EXPORT_PAGES_MAX; page += 1) {
    if (remaining <= 0) return;
    const events = await store.readAll({ fromPosition: from, maxCount: pageEvents });
    for (const event of events) {
      const verdict = verdictOf(range, event);
      if (verdict === 'stop') return;
      if (verdict === 'skip') continue;
      yield event;
      remaining -= 1;
      if (remaining <= 0) return;
    }
    // Only an empty page is the end: a store may answer a short page before its head.
    if (events.length === 0) return;
    from = events[events.length - 1]!.position + 1n;
  }
  throw new RangeError(`export exceeded ${EXPORT_PAGES_MAX} pages`);
}
