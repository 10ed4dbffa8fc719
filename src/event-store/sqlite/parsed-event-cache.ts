import type { RecordedEvent } from '../event-store.port.js';

/**
 * Events the SQLite store has already read and parsed, kept for the next reader: the same card,
 * vendor or listing stream is read by several commands a second (placement, its authorisation,
 * the next order on the card), and every subscriber of $all (projections, the transparency log,
 * process managers) reads each new event. Stored events never change, so a cached copy is only
 * ever behind: the store asks SQLite for the current revision or the head and reads the rest.
 * The events are deep-frozen, because every reader gets the same objects.
 */

/** Parsed events kept for stream reads, in all streams together (least recently read streams go first). */
export const STREAM_CACHE_EVENTS_MAX = 4_096;
/** The latest events of $all kept for the subscriptions that follow the head. */
export const RECENT_EVENTS_MAX = 2_048;

interface CachedStream {
  /** The revision of events[0]. */
  readonly base: number;
  readonly events: RecordedEvent[];
}

/** Parts of streams, each contiguous from some revision to the last one read, bounded by STREAM_CACHE_EVENTS_MAX in all. */
export class StreamEventCache {
  /** Least recently read first (a Map keeps insertion order). */
  private readonly streams = new Map<string, CachedStream>();
  private eventsCached = 0;

  constructor(private readonly eventsMax = STREAM_CACHE_EVENTS_MAX) {}

  /**
   * Events of `streamId` from revision `from`, at most `maxCount`, up to `currentRevision` (the
   * stream's revision now, from SQLite): cached ones, plus the rows `readFrom` returns for the
   * revisions not cached yet, which are kept for the next read.
   */
  read(streamId: string, from: number, maxCount: number, currentRevision: number, readFrom: (revision: number) => RecordedEvent[]): RecordedEvent[] {
    const cached = this.streams.get(streamId);
    const lastCached = cached === undefined ? -1 : cached.base + cached.events.length - 1;
    if (cached === undefined || from < cached.base || from > lastCached + 1 || lastCached > currentRevision) {
      this.forget(streamId);
      const read = readFrom(from);
      this.keep(streamId, from, read);
      return read;
    }
    // Most recently read last.
    this.streams.delete(streamId);
    this.streams.set(streamId, cached);
    if (lastCached < Math.min(currentRevision, from + maxCount - 1)) {
      const tail = readFrom(lastCached + 1);
      if (tail.length === 0 || Number(tail[0]!.revision) !== lastCached + 1) {
        // Not the continuation of this copy: read the stream afresh.
        this.forget(streamId);
        return readFrom(from);
      }
      cached.events.push(...tail);
      this.eventsCached += tail.length;
    }
    const events = cached.events.slice(from - cached.base, from - cached.base + maxCount);
    this.evictOverBound();
    return events;
  }

  private keep(streamId: string, base: number, events: RecordedEvent[]): void {
    if (events.length === 0 || events.length > this.eventsMax || Number(events[0]!.revision) !== base) return;
    this.streams.set(streamId, { base, events: [...events] });
    this.eventsCached += events.length;
    this.evictOverBound();
  }

  private forget(streamId: string): void {
    const cached = this.streams.get(streamId);
    if (cached === undefined) return;
    this.streams.delete(streamId);
    this.eventsCached -= cached.events.length;
  }

  /** Drops the least recently read streams (the one just read is the last candidate). */
  private evictOverBound(): void {
    for (const streamId of this.streams.keys()) {
      if (this.eventsCached <= this.eventsMax) return;
      this.forget(streamId);
    }
  }
}

/**
 * The latest events of $all: every row after `coveredAfter` up to the last one kept, in order.
 * The subscriptions at the head all read the same new events: the first one reads and parses
 * them, the others take them from here.
 */
export class RecentEvents {
  private events: RecordedEvent[] = [];
  /** Every row with a position above this and at most the last kept one is in `events`. */
  private coveredAfter = 0;

  constructor(private readonly eventsMax = RECENT_EVENTS_MAX) {}

  /**
   * Up to `maxCount` events after `checkpoint`: the kept ones, then what `readAfter` reads
   * beyond them (kept in turn when it continues what is kept).
   */
  after(checkpoint: number, maxCount: number, readAfter: (position: number, maxCount: number) => RecordedEvent[]): RecordedEvent[] {
    const last = this.lastPosition();
    if (checkpoint < this.coveredAfter || checkpoint >= last) {
      const read = readAfter(checkpoint, maxCount);
      if (checkpoint >= last) this.keep(checkpoint, read);
      return read;
    }
    const start = this.firstAfter(checkpoint);
    const kept = this.events.slice(start, start + maxCount);
    if (kept.length === maxCount) return kept;
    const more = readAfter(last, maxCount - kept.length);
    this.keep(last, more);
    return more.length === 0 ? kept : kept.concat(more);
  }

  /**
   * False when a read after `checkpoint` starts below the kept events: such a read is neither
   * answered from them nor kept (a subscription catching up far behind the head).
   */
  covers(checkpoint: number): boolean {
    return checkpoint >= this.coveredAfter;
  }

  private lastPosition(): number {
    return this.events.length === 0 ? this.coveredAfter : Number(this.events[this.events.length - 1]!.position);
  }

  /** Rows read after `after`: appended when they continue what is kept, else they start it afresh. */
  private keep(after: number, read: readonly RecordedEvent[]): void {
    if (read.length === 0) return;
    if (after !== this.lastPosition()) {
      this.events = [];
      this.coveredAfter = after;
    }
    this.events.push(...read);
    const excess = this.events.length - this.eventsMax;
    if (excess > 0) {
      this.coveredAfter = Number(this.events[excess - 1]!.position);
      this.events.splice(0, excess);
    }
  }

  /** Index of the first kept event after `position` (binary search: positions ascend). */
  private firstAfter(position: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Number(this.events[middle]!.position) <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
