import type { SchemaObject } from '@nestjs/swagger';
import { ALL_PROJECTIONS } from '../../../projections/index.js';
import { DEAD_LETTER_ID_PATTERN } from '../../event-store/dead-letter-store.js';
import { UUID_PATTERN } from '../../kernel/ids.js';
import { OPD_CODE_EXAMPLE, OPD_CODE_LENGTH_MAX, OPD_CODE_PATTERN } from '../../opds/domain/opd-code.js';
import { NIB_PATTERN } from '../../vendors/domain/vendor-rules.js';

const UUID: SchemaObject = { type: 'string', format: 'uuid', pattern: UUID_PATTERN.source };

/**
 * The schema of every path parameter, by name, from the patterns the path pipes check: one
 * place, so that a new parameter without one fails test/e2e/openapi-contract.e2e.spec.ts.
 */
export const PATH_PARAMETER_SCHEMAS: Readonly<Record<string, SchemaObject>> = {
  vendorId: UUID,
  listingId: UUID,
  orderId: UUID,
  cardId: UUID,
  flagId: UUID,
  opdCode: { type: 'string', pattern: OPD_CODE_PATTERN.source, maxLength: OPD_CODE_LENGTH_MAX, example: OPD_CODE_EXAMPLE },
  nib: { type: 'string', pattern: NIB_PATTERN.source, example: '8120301234567' },
  id: { type: 'string', pattern: DEAD_LETTER_ID_PATTERN.source, description: 'a dead letter id' },
  name: { type: 'string', enum: ALL_PROJECTIONS.map((projection) => projection.name) },
  ocid: {
    type: 'string',
    pattern: '^[a-z0-9-]{1,64}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    description: 'the publisher prefix and an order id',
  },
  path: {
    type: 'string',
    pattern: '^(?:0|[1-9][0-9]?|entries)/(?:x[0-9]{3}/){0,5}[0-9]{3}(?:\\.p/[1-9][0-9]{0,2})?$',
    description: 'the rest of the path, slashes included, not percent-encoded: <L>/<N>[.p/<W>] or entries/<N>[.p/<W>], N in groups of three digits (x001/234)',
  },
};
