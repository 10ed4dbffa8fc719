import type { SchemaObject } from '@nestjs/swagger';
import { LAG_EVENTS_COUNTED_MAX, type ConsumerStatus } from '../event-store/subscription-runner.js';
import { INTEGER, REVISION_SCHEMA, STRING } from './openapi/api-responses.js';

const COUNT: SchemaObject = { ...INTEGER, minimum: 0 };

/** A checkpointed consumer's status as /health and /admin/projections show it. */
export const CONSUMER_STATUS_PROPERTIES = {
  name: STRING,
  state: { type: 'string', enum: ['stopped', 'running', 'failing'] satisfies ConsumerStatus['state'][] },
  position: { ...REVISION_SCHEMA, description: 'the last position handled, -1 when none' },
  headPosition: REVISION_SCHEMA,
  lagEvents: { ...COUNT, maximum: LAG_EVENTS_COUNTED_MAX, description: `events in $all not yet handled, counted up to ${LAG_EVENTS_COUNTED_MAX}` },
  eventsHandled: COUNT,
  lastError: STRING,
  consecutiveFailures: COUNT,
  deadLettersOpen: COUNT,
} satisfies Record<keyof ConsumerStatus, SchemaObject>;
