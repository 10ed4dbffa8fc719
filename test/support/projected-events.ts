import type { ProjectedEvent, ProjectionLookup, Row } from '../../projections/projection.js';

let nextPosition = 1;

/** A recorded event as a projection sees it; positions increase across calls unless given. */
export function projected<Data>(
  type: string,
  data: Data,
  options: { position?: number; revision?: number; at?: string; streamId?: string; actorId?: string } = {},
): ProjectedEvent<string, Data> {
  const position = options.position ?? nextPosition++;
  return {
    type,
    data,
    streamId: options.streamId ?? 'test-1',
    revision: options.revision ?? 0,
    position,
    metadata: { occurredAt: options.at ?? '2025-03-14T03:00:00.000Z', actor: { id: options.actorId ?? 'key:0123456789abcdef', role: 'admin' } },
  };
}

/** A lookup over fixed rows: `table` -> rows; a row matches when every key column is equal. */
export function lookupOf(tables: Record<string, Row[]>): ProjectionLookup {
  return {
    get: (table, key) => (tables[table] ?? []).find((row) => Object.entries(key).every(([column, value]) => row[column] === value)),
  };
}

export const noLookup: ProjectionLookup = lookupOf({});
