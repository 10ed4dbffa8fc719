import type { SchemaObject } from '@nestjs/swagger';
import { PUBLIC_DATA_SCHEMAS } from '../../kafka/event-schemas.js';
import { KNOWN_EVENT_TYPES } from '../../kafka/public-contract.js';

/** The member that holds an event's public view, before its type narrows it. */
export const PUBLIC_VIEW_SCHEMA = {
  type: ['object', 'null'],
  description: "the event's data as the public Kafka topics carry it (the schema of its `type`, as in docs/asyncapi.yaml); null when nothing of it is public",
} as unknown as SchemaObject;

const NULL: SchemaObject = { type: 'null' } as unknown as SchemaObject;

/**
 * An object with `type` (an event type) and `publicView`: each event type narrows publicView to
 * its public schema (or null), as src/kafka/event-schemas.ts states it for the public topics.
 */
export function withPublicViewByType(schema: SchemaObject): SchemaObject {
  const published = PUBLIC_DATA_SCHEMAS as Readonly<Record<string, SchemaObject | undefined>>;
  return {
    ...schema,
    allOf: KNOWN_EVENT_TYPES.map((type) => {
      const view = published[type];
      return {
        if: { required: ['type'], properties: { type: { const: type } } },
        then: { properties: { publicView: view ? { anyOf: [view, NULL] } : NULL } },
      } as unknown as SchemaObject;
    }),
  };
}
