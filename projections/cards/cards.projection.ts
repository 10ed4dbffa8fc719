import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { assertNever } from '../../src/kernel/assert.js';
import { Projection, ProjectedEvent, Row, RowChange, eventOf } from '../projection.js';

/**
 * KKP cards: limit, held, captured-but-unsettled and available (= limit - held - unsettled)
 * per card, kept by adding each event's amounts, and one row per authorisation (hold). Holds the
 * cardholder's name and last four digits: admin and auditor endpoints only.
 */
export const CARDS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS card_accounts (
  card_id                   TEXT PRIMARY KEY,
  opd_code                  TEXT NOT NULL,
  opd_name                  TEXT NOT NULL,
  holder_name               TEXT NOT NULL,
  card_last4                TEXT NOT NULL,
  status                    TEXT NOT NULL,
  status_reason             TEXT,
  expires_on                TEXT NOT NULL,
  limit_rupiah              INTEGER NOT NULL,
  held_rupiah               INTEGER NOT NULL,
  captured_unsettled_rupiah INTEGER NOT NULL,
  available_rupiah          INTEGER NOT NULL,
  captured_total_rupiah     INTEGER NOT NULL,
  settled_total_rupiah      INTEGER NOT NULL,
  authorisation_count       INTEGER NOT NULL,
  decline_count             INTEGER NOT NULL,
  issued_at                 TEXT NOT NULL,
  updated_at                TEXT NOT NULL,
  revision                  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS card_accounts_by_opd ON card_accounts (opd_code, card_id);
CREATE TABLE IF NOT EXISTS card_holds (
  card_id          TEXT NOT NULL,
  order_id         TEXT NOT NULL,
  status           TEXT NOT NULL,
  payee_vendor_id  TEXT NOT NULL,
  amount_rupiah    INTEGER NOT NULL,
  captured_rupiah  INTEGER NOT NULL,
  decline_reason   TEXT,
  expires_at       TEXT,
  authorised_at    TEXT NOT NULL,
  ended_at         TEXT,
  policy_revision  INTEGER NOT NULL,
  PRIMARY KEY (card_id, order_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS card_holds_by_status ON card_holds (status, authorised_at);
`;

const ACCOUNTS = 'card_accounts';
const HOLDS = 'card_holds';

export const CARD_EVENT_TYPES: readonly CardEvent['type'][] = [
  'CardIssued',
  'CardLimitChanged',
  'CardSuspended',
  'CardReinstated',
  'CardClosed',
  'AuthorisationApproved',
  'AuthorisationDeclined',
  'AuthorisationCaptured',
  'AuthorisationVoided',
  'AuthorisationExpired',
  'StatementSettled',
];

export const cardsProjection: Projection = {
  name: 'cards',
  version: 1,
  description: 'KKP cards: limit, held, captured-unsettled and available; one row per authorisation',
  eventTypes: CARD_EVENT_TYPES,
  tables: [
    { name: ACCOUNTS, primaryKey: ['card_id'] },
    { name: HOLDS, primaryKey: ['card_id', 'order_id'] },
  ],
  schemaSql: CARDS_SCHEMA_SQL,
  project: (recorded) => projectCard(eventOf<CardEvent>(recorded)),
};

function projectCard(event: ProjectedEvent & CardEvent): RowChange[] {
  const at = event.metadata.occurredAt;
  const key = { card_id: event.data.cardId };
  const account = (set: Row, add?: Readonly<Record<string, number>>): RowChange => ({
    op: 'update',
    table: ACCOUNTS,
    key,
    set: { ...set, updated_at: at, revision: event.revision },
    ...(add ? { add } : {}),
  });
  switch (event.type) {
    case 'CardIssued': {
      const data = event.data;
      return [
        {
          op: 'insert',
          table: ACCOUNTS,
          values: {
            card_id: data.cardId,
            opd_code: data.opdCode,
            opd_name: data.opdName,
            holder_name: data.holderName,
            card_last4: data.cardLast4,
            status: 'active',
            status_reason: null,
            expires_on: data.expiresOn,
            limit_rupiah: data.limitRupiah,
            held_rupiah: 0,
            captured_unsettled_rupiah: 0,
            available_rupiah: data.limitRupiah,
            captured_total_rupiah: 0,
            settled_total_rupiah: 0,
            authorisation_count: 0,
            decline_count: 0,
            issued_at: at,
            updated_at: at,
            revision: event.revision,
          },
        },
      ];
    }
    case 'CardLimitChanged':
      return [account({ limit_rupiah: event.data.limitRupiah }, { available_rupiah: event.data.limitRupiah - event.data.previousLimitRupiah })];
    case 'CardSuspended':
      return [account({ status: 'suspended', status_reason: event.data.reason })];
    case 'CardReinstated':
      return [account({ status: 'active', status_reason: null })];
    case 'CardClosed':
      return [account({ status: 'closed', status_reason: event.data.reason })];
    case 'AuthorisationApproved': {
      const amount = event.data.amountRupiah;
      return [
        account({}, { held_rupiah: amount, available_rupiah: -amount, authorisation_count: 1 }),
        hold(event, {
          status: 'held',
          amount_rupiah: amount,
          decline_reason: null,
          expires_at: event.data.expiresAt,
          payee_vendor_id: event.data.payeeVendorId,
        }),
      ];
    }
    case 'AuthorisationDeclined':
      return [
        account({}, { decline_count: 1 }),
        hold(event, {
          status: 'declined',
          amount_rupiah: event.data.amountRupiah,
          decline_reason: event.data.reason,
          expires_at: null,
          payee_vendor_id: event.data.payeeVendorId,
        }),
      ];
    case 'AuthorisationCaptured': {
      const { amountRupiah, heldRupiah } = event.data;
      return [
        account(
          {},
          {
            held_rupiah: -heldRupiah,
            captured_unsettled_rupiah: amountRupiah,
            available_rupiah: heldRupiah - amountRupiah,
            captured_total_rupiah: amountRupiah,
          },
        ),
        endHold(event, 'captured', amountRupiah),
      ];
    }
    case 'AuthorisationVoided':
    case 'AuthorisationExpired': {
      const amount = event.data.amountRupiah;
      return [account({}, { held_rupiah: -amount, available_rupiah: amount }), endHold(event, event.type === 'AuthorisationVoided' ? 'voided' : 'expired', 0)];
    }
    case 'StatementSettled': {
      const amount = event.data.amountRupiah;
      return [account({}, { captured_unsettled_rupiah: -amount, available_rupiah: amount, settled_total_rupiah: amount })];
    }
    default:
      return assertNever(event, 'card event');
  }
}

function hold(event: ProjectedEvent & { data: { cardId: string; orderId: string; policyRevision: number } }, values: Row): RowChange {
  return {
    op: 'upsert',
    table: HOLDS,
    key: { card_id: event.data.cardId, order_id: event.data.orderId },
    values: { ...values, captured_rupiah: 0, authorised_at: event.metadata.occurredAt, ended_at: null, policy_revision: event.data.policyRevision },
  };
}

function endHold(event: ProjectedEvent & { data: { cardId: string; orderId: string } }, status: string, capturedRupiah: number): RowChange {
  return {
    op: 'update',
    table: HOLDS,
    key: { card_id: event.data.cardId, order_id: event.data.orderId },
    set: { status, captured_rupiah: capturedRupiah, ended_at: event.metadata.occurredAt },
  };
}
