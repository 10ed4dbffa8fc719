import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { INSTANT_FORMAT, ParamErrors } from '../params/audit-params.js';

/**
 * A past point of the log: a position (inclusive) or a time. A time means the store's
 * recorded time: the state at `at` is the fold of the events up to the last one recorded at
 * or before `at`, which is what the ledger itself held at that instant (a command's
 * `occurredAt` is the client's claim, and a process manager's may be earlier than when it
 * wrote). The recorded time is also what the hash chain and the log commit to.
 */
export type AsOfPoint = { readonly kind: 'position'; readonly position: bigint } | { readonly kind: 'time'; readonly at: Date };

export interface RawAsOfPoint {
  readonly at?: string;
  readonly position?: string;
}

/** Exactly one of `at` and `position`; anything else is a 400 INVALID_AS_OF naming the parameter. */
export function parseAsOfPoint(raw: RawAsOfPoint): AsOfPoint {
  const errors = new ParamErrors();
  if (raw.at !== undefined && raw.position !== undefined) errors.add('at', 'give either at or position, not both');
  if (raw.at === undefined && raw.position === undefined) errors.add('at', `give at (${INSTANT_FORMAT}) or position`);
  const position = errors.position('position', raw.position);
  const at = errors.instant('at', raw.at);
  errors.throwIfAny('INVALID_AS_OF', 'the as-of point is invalid');
  return at ? { kind: 'time', at } : { kind: 'position', position: position! };
}

/**
 * Whether an event is within the point. Events are taken in order and the first one outside
 * ends the fold, so the state is always that of a prefix of the log (should the clock ever
 * step back, the cut is still the first event recorded after `at`).
 */
export function isWithin(point: AsOfPoint, event: Pick<RecordedEvent, 'position' | 'created'>): boolean {
  return point.kind === 'position' ? event.position <= point.position : event.created.getTime() <= point.at.getTime();
}

/** The leading events within the point. */
export function prefixWithin<E extends Pick<RecordedEvent, 'position' | 'created'>>(point: AsOfPoint, events: readonly E[]): E[] {
  const cut = events.findIndex((event) => !isWithin(point, event));
  return cut < 0 ? [...events] : events.slice(0, cut);
}

export function describePoint(point: AsOfPoint): Record<string, string> {
  return point.kind === 'position' ? { position: point.position.toString() } : { at: point.at.toISOString() };
}
