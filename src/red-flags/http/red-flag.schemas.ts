import type { SchemaObject } from '@nestjs/swagger';
import type { EventRef } from '../../../projections/red-flags/flag-row.js';
import { FREE_FORM, INTEGER, STRING, UUID, arrayOf, listItemSchema, objectSchema } from '../../http/openapi/api-responses.js';
import type { ListSpec } from '../../read-models/keyset-query.js';
import { RED_FLAG_RULES, RED_FLAG_STATUSES } from '../domain/red-flag-rules.js';
import { PUBLIC_RED_FLAG_LIST, RED_FLAG_LIST } from '../red-flag.queries.js';

const EVENT_REF_SCHEMA = objectSchema<EventRef>(
  { type: STRING, streamId: STRING, position: { ...INTEGER, minimum: 0 } },
  { description: 'an event that raised the flag' },
);

/** The members the answers parse from JSON text (RED_FLAG_JSON_FIELDS), and the enums and formats of others. */
const SHAPED: Readonly<Record<string, SchemaObject>> = {
  rule: { type: 'string', enum: [...RED_FLAG_RULES] },
  status: { type: 'string', enum: [...RED_FLAG_STATUSES] },
  flagId: UUID,
  orderIds: arrayOf(UUID),
  events: arrayOf(EVENT_REF_SCHEMA),
  parameters: { ...FREE_FORM, description: "the rule's policy values and findings that raised the flag: their members depend on the rule (docs/red-flags.md)" },
};

/** A red flag row as the answers give it: the list's fields, with its JSON fields parsed. */
function redFlagSchema(spec: ListSpec): SchemaObject {
  const row = listItemSchema(spec);
  const properties = Object.fromEntries(Object.entries(row.properties ?? {}).map(([name, schema]) => [name, SHAPED[name] ?? schema]));
  return { ...row, properties };
}

export const RED_FLAG_SCHEMA = redFlagSchema(RED_FLAG_LIST);
export const PUBLIC_RED_FLAG_SCHEMA = redFlagSchema(PUBLIC_RED_FLAG_LIST);
