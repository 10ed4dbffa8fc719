import type { EventStore } from '../../event-store/event-store.port.js';
import { readWholeStream } from '../../event-store/read-whole-stream.js';
import type { Actor } from '../../kernel/actor.js';
import { notFound } from '../../kernel/errors.js';
import { AS_OF_AGGREGATES, AsOfKind } from './as-of-aggregates.js';
import { AsOfPoint, describePoint } from './as-of-point.js';

export interface AggregateAsOf {
  readonly kind: AsOfKind;
  readonly id: string;
  readonly asOf: Record<string, string>;
  /** The last event folded: the state is exactly the one after it. */
  readonly lastEvent: { readonly position: string; readonly revision: string; readonly type: string; readonly recordedAt: string };
  readonly state: Record<string, unknown>;
}

/**
 * One aggregate at a past point. An id with no stream is the live endpoint's 404; an aggregate
 * whose first event came after the point is 404 NOT_YET_CREATED, with when it was created.
 */
export async function aggregateAsOf(store: EventStore, kind: AsOfKind, id: string, point: AsOfPoint, reader: Actor): Promise<AggregateAsOf> {
  const aggregate = AS_OF_AGGREGATES[kind];
  const stream = await readWholeStream(store, aggregate.streamIdOf(id));
  const first = stream[0];
  if (!first) throw notFound(aggregate.notFoundCode, `no ${kind} ${id}`, { kind, id });
  const folded = await aggregate.viewAt(stream, point, reader, store);
  if (!folded.exists) {
    throw notFound('NOT_YET_CREATED', `the ${kind} ${id} did not exist yet at that point: its first event is at position ${first.position}`, {
      kind,
      id,
      ...describePoint(point),
      firstPosition: first.position.toString(),
      firstRecordedAt: first.created.toISOString(),
    });
  }
  const last = folded.lastEvent;
  return {
    kind,
    id,
    asOf: describePoint(point),
    lastEvent: { position: last.position.toString(), revision: last.revision.toString(), type: last.type, recordedAt: last.created.toISOString() },
    state: folded.view,
  };
}
