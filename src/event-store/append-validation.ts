import { UUID_PATTERN } from '../kernel/ids.js';
import type { EventData } from './event-store.port.js';

const STREAM_ID_LENGTH_MAX = 200;

/** Checks every adapter applies before it writes: these are programming errors, not user errors. */
export function validateAppend(streamId: string, events: readonly EventData[], eventsMax: number): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > STREAM_ID_LENGTH_MAX) {
    throw new RangeError(`stream id must be 1..${STREAM_ID_LENGTH_MAX} characters`);
  }
  if (streamId.startsWith('$')) throw new RangeError(`stream id ${streamId} is reserved`);
  if (events.length > eventsMax) throw new RangeError(`at most ${eventsMax} events per append, got ${events.length}`);
  for (const event of events) {
    if (!UUID_PATTERN.test(event.id)) throw new RangeError(`event id must be a lowercase uuid, got ${event.id}`);
    if (!event.type) throw new RangeError('event type is required');
  }
}
