import type { SchemaObject } from '@nestjs/swagger';
import { CARD_VIEW_SCHEMA } from '../../cards/http/card.view.js';
import { LISTING_VIEW_SCHEMA } from '../../catalog/http/listing.view.js';
import { DATE_TIME, INTEGER, REVISION_SCHEMA, RUPIAH, STRING, UUID, arrayOf, nullable, objectSchema } from '../../http/openapi/api-responses.js';
import { ORDER_VIEW_SCHEMA } from '../../orders/http/order.view.js';
import { TRIAL_BALANCE_SCHEMA } from '../../read-models/http/trial-balance.schema.js';
import { VENDOR_VIEW_SCHEMA } from '../../vendors/http/vendor.view.js';
import type { AggregateAsOf } from '../as-of/aggregate-as-of.js';
import type { AsOfKind } from '../as-of/as-of-aggregates.js';
import type { BalancesAsOf, CardBalanceAsOf } from '../as-of/balances-as-of.js';

/** The point asked for, as given: one of at and position (describePoint). */
const AS_OF_POINT_SCHEMA: SchemaObject = {
  type: 'object',
  oneOf: [
    { type: 'object', required: ['at'], properties: { at: DATE_TIME }, additionalProperties: false },
    { type: 'object', required: ['position'], properties: { position: REVISION_SCHEMA }, additionalProperties: false },
  ],
};

const STATE_SCHEMAS: Readonly<Record<AsOfKind, SchemaObject>> = {
  card: CARD_VIEW_SCHEMA,
  order: ORDER_VIEW_SCHEMA,
  vendor: VENDOR_VIEW_SCHEMA,
  listing: LISTING_VIEW_SCHEMA,
};

/** One aggregate as of a point: the live GET endpoint's view of it then, and the last event folded. */
export function aggregateAsOfSchema(kind: AsOfKind): SchemaObject {
  return objectSchema<AggregateAsOf>({
    kind: { type: 'string', enum: [kind] },
    id: UUID,
    asOf: AS_OF_POINT_SCHEMA,
    lastEvent: objectSchema<AggregateAsOf['lastEvent']>(
      { position: REVISION_SCHEMA, revision: REVISION_SCHEMA, type: STRING, recordedAt: DATE_TIME },
      { description: 'the last event folded: the state is exactly the one after it' },
    ),
    state: { ...STATE_SCHEMAS[kind], description: `the ${kind} as its live endpoint shows it, at the point` },
  });
}

const CARD_BALANCE_AS_OF_SCHEMA = objectSchema<CardBalanceAsOf>({
  cardId: UUID,
  opdCode: STRING,
  status: STRING,
  limitRupiah: RUPIAH,
  heldRupiah: RUPIAH,
  capturedUnsettledRupiah: RUPIAH,
  availableRupiah: { ...INTEGER, description: 'whole rupiah' },
});

export const BALANCES_AS_OF_SCHEMA = objectSchema<BalancesAsOf & { asOf: unknown }>({
  asOf: AS_OF_POINT_SCHEMA,
  lastEvent: nullable({
    ...objectSchema<NonNullable<BalancesAsOf['lastEvent']>>({ position: REVISION_SCHEMA, recordedAt: DATE_TIME }),
    description: 'the last event replayed; null when no event was within the point',
  }),
  eventsReplayed: { ...INTEGER, minimum: 0 },
  trialBalance: TRIAL_BALANCE_SCHEMA,
  cards: arrayOf(CARD_BALANCE_AS_OF_SCHEMA),
  nextAfterCardId: nullable({ ...UUID, description: 'pass as afterCardId for the next cards; null after the last' }),
});
