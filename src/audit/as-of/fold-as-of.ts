import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { Decider, DomainEvent } from '../../kernel/decider.js';
import { fold } from '../../kernel/decider.js';
import { AsOfPoint, prefixWithin } from './as-of-point.js';

export interface FoldedAsOf<State> {
  readonly state: State;
  /** The events folded (the stream's prefix within the point). */
  readonly events: readonly RecordedEvent[];
  /** The stream revision of the last event folded; -1 when none was. */
  readonly revision: bigint;
}

/** The aggregate's state at the point: its decider's evolve over the stream's events up to it. */
export function foldAsOf<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  stream: readonly RecordedEvent[],
  point: AsOfPoint,
): FoldedAsOf<State> {
  const events = prefixWithin(point, stream);
  return {
    state: fold(decider, events as unknown as Event[]),
    events,
    revision: events.length === 0 ? -1n : events[events.length - 1]!.revision,
  };
}
