import { publicViewOf } from '../audit/event-commitment.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';

/**
 * What the OCDS builder sees of a recorded event: only its public view, the same allow-list
 * the public Kafka topics carry (src/kafka/public-contract.ts). Names of officials, reasons,
 * notes, contacts and card digits are gone before any mapping runs.
 */
export interface PublicEvent {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  /** The store's recorded time (ISO 8601 UTC), never the command's claimed time. */
  readonly recordedAt: string;
  readonly view: Readonly<Record<string, unknown>>;
}

/** The public event, or null when the event has no public view (internal-only, unknown, malformed). */
export function publicEventOf(
  event: Pick<RecordedEvent, 'id' | 'type' | 'streamId' | 'revision' | 'position' | 'created' | 'data' | 'metadata'>,
): PublicEvent | null {
  const view = publicViewOf(event);
  if (view === null) return null;
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    recordedAt: event.created.toISOString(),
    view,
  };
}

export function publicEventsOf(
  events: readonly Pick<RecordedEvent, 'id' | 'type' | 'streamId' | 'revision' | 'position' | 'created' | 'data' | 'metadata'>[],
): PublicEvent[] {
  return events.map(publicEventOf).filter((event): event is PublicEvent => event !== null);
}
