import type { Hold, IssuedCard } from '../domain/card.state.js';
import { availableRupiah } from '../domain/card.state.js';
import type { SchemaObject } from '@nestjs/swagger';
import { REVISION_SCHEMA, objectSchema } from '../../http/openapi/api-responses.js';

/**
 * A card as admins, auditors and its own OPD see it: masked number, balances, its open holds and
 * its most recent ended or declined ones (every hold is in the card_holds read model).
 */
export function cardView(card: IssuedCard, revision: bigint): Record<string, unknown> {
  const holds: Hold[] = [
    ...card.openHolds.values().map((hold) => ({ status: 'held' as const, ...hold })),
    ...card.recentHolds.entries().map(([, hold]) => hold),
  ];
  return {
    cardId: card.cardId,
    status: card.status,
    ...(card.status !== 'active' ? { reason: card.reason } : {}),
    opdCode: card.opdCode,
    opdName: card.opdName,
    holderName: card.holderName,
    maskedNumber: `**** **** **** ${card.cardLast4}`,
    expiresOn: card.expiresOn,
    limitRupiah: card.limitRupiah,
    heldRupiah: card.heldRupiah,
    capturedUnsettledRupiah: card.capturedUnsettledRupiah,
    availableRupiah: availableRupiah(card),
    holds,
    settledStatements: card.settledStatements.entries().map(([statementReference]) => statementReference),
    revision: revision.toString(),
  };
}

const HOLD_BASE = { orderId: { type: 'string', format: 'uuid' }, amountRupiah: { type: 'integer', minimum: 0 } } satisfies Record<
  'orderId' | 'amountRupiah',
  SchemaObject
>;
const holdStatus = (...statuses: Hold['status'][]): SchemaObject => ({ type: 'string', enum: statuses });

/** A hold by its status: open (held), or one of the card's recent ended or declined ones. */
const HOLD_SCHEMA: SchemaObject = {
  type: 'object',
  oneOf: [
    objectSchema<Extract<Hold, { status: 'held' }>>({ status: holdStatus('held'), ...HOLD_BASE, expiresAt: { type: 'string', format: 'date-time' } }),
    objectSchema<Extract<Hold, { status: 'captured' }>>({ status: holdStatus('captured'), ...HOLD_BASE, capturedRupiah: { type: 'integer', minimum: 0 } }),
    objectSchema<Extract<Hold, { status: 'voided' | 'expired' }>>({ status: holdStatus('voided', 'expired'), ...HOLD_BASE }),
    objectSchema<Extract<Hold, { status: 'declined' }>>({ status: holdStatus('declined'), ...HOLD_BASE, reason: { type: 'string' } }),
  ],
};

/** The OpenAPI schema of cardView's answer. */
export const CARD_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'cardId',
    'status',
    'opdCode',
    'opdName',
    'holderName',
    'maskedNumber',
    'expiresOn',
    'limitRupiah',
    'heldRupiah',
    'capturedUnsettledRupiah',
    'availableRupiah',
    'holds',
    'settledStatements',
    'revision',
  ],
  properties: {
    cardId: { type: 'string', format: 'uuid' },
    status: { type: 'string' },
    reason: { type: 'string' },
    opdCode: { type: 'string' },
    opdName: { type: 'string' },
    holderName: { type: 'string' },
    maskedNumber: { type: 'string', pattern: '^\\*{4} \\*{4} \\*{4} \\d{4}$' },
    expiresOn: { type: 'string', format: 'date' },
    limitRupiah: { type: 'integer' },
    heldRupiah: { type: 'integer' },
    capturedUnsettledRupiah: { type: 'integer' },
    availableRupiah: { type: 'integer' },
    holds: { type: 'array', items: HOLD_SCHEMA },
    settledStatements: { type: 'array', items: { type: 'string' } },
    revision: REVISION_SCHEMA,
  },
};
