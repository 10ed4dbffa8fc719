import type { SchemaObject } from '@nestjs/swagger';
import type { RetryResult } from '../event-store/dead-letter-admin.js';
import { DEAD_LETTER_ERROR_LENGTH_MAX, DEAD_LETTER_PAGE_SIZE_MAX, DEAD_LETTER_STATUSES, type DeadLetter } from '../event-store/dead-letter-store.js';
import { BOOLEAN, DATE_TIME, INTEGER, REVISION_SCHEMA, STRING, UUID, arrayOf, nullable, objectSchema } from './openapi/api-responses.js';

export const DEAD_LETTER_SCHEMA: SchemaObject = objectSchema<DeadLetter>(
  {
    id: { ...INTEGER, minimum: 1 },
    consumer: { ...STRING, description: 'the subscription that parked the event' },
    position: REVISION_SCHEMA,
    eventId: UUID,
    streamId: STRING,
    eventType: STRING,
    error: { ...STRING, maxLength: DEAD_LETTER_ERROR_LENGTH_MAX },
    attempts: { ...INTEGER, minimum: 1 },
    firstFailedAt: DATE_TIME,
    lastFailedAt: DATE_TIME,
    status: { type: 'string', enum: [...DEAD_LETTER_STATUSES] },
    closedReason: { ...STRING, description: 'once closed: the dismissal reason, or why it was retried' },
    closedBy: { ...STRING, description: 'once closed: who closed it' },
    closedAt: DATE_TIME,
  },
  { optional: ['closedReason', 'closedBy', 'closedAt'] },
);

export const DEAD_LETTER_PAGE_SCHEMA = objectSchema<{ items: unknown; nextCursor: unknown; limit: number }>({
  items: arrayOf(DEAD_LETTER_SCHEMA),
  nextCursor: nullable({ ...STRING, pattern: '^\\d+$', description: 'pass as cursor for the next page; null on the last page' }),
  limit: { ...INTEGER, minimum: 1, maximum: DEAD_LETTER_PAGE_SIZE_MAX },
});

export const DEAD_LETTER_RETRY_SCHEMA = objectSchema<RetryResult>({
  deadLetter: DEAD_LETTER_SCHEMA,
  handled: { ...BOOLEAN, description: 'the consumer handled the event this time (the record is now retried)' },
});
