import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { assert, assertNever } from '../../src/kernel/assert.js';
import { Projection, ProjectedEvent, RowChange, eventOf } from '../projection.js';

/**
 * The journal: double-entry postings for every movement of a card's credit line. Accounts are
 * per card; each balance is debits minus credits:
 *
 * | event                         | debit                        | credit                       |
 * | ----------------------------- | ---------------------------- | ---------------------------- |
 * | CardIssued (limit L)          | card-available L             | card-limit L                 |
 * | CardLimitChanged (+d / -d)    | card-available d / card-limit d | card-limit d / card-available d |
 * | AuthorisationApproved (A)     | card-held A                  | card-available A             |
 * | AuthorisationCaptured (C of H)| card-captured-unsettled C    | card-held C                  |
 * |                               | card-available H-C           | card-held H-C                |
 * | AuthorisationVoided/Expired A | card-available A             | card-held A                  |
 * | StatementSettled (S)          | card-available S             | card-captured-unsettled S    |
 * |                               | bank-settled S               | opd-treasury S               |
 *
 * So card-available's balance is limit - held - captured-unsettled, every entry's debits equal
 * its credits, and the trial balance (all balances summed) is zero.
 */
export const JOURNAL_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS journal_entries (
  position     INTEGER PRIMARY KEY,
  card_id      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  order_id     TEXT,
  reference    TEXT,
  amount_rupiah INTEGER NOT NULL,
  debit_rupiah  INTEGER NOT NULL,
  credit_rupiah INTEGER NOT NULL,
  occurred_at  TEXT NOT NULL,
  event_type   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_entries_by_card ON journal_entries (card_id, position);
CREATE INDEX IF NOT EXISTS journal_entries_by_time ON journal_entries (occurred_at, position);
CREATE TABLE IF NOT EXISTS journal_lines (
  position      INTEGER NOT NULL,
  line_no       INTEGER NOT NULL,
  card_id       TEXT NOT NULL,
  account       TEXT NOT NULL,
  debit_rupiah  INTEGER NOT NULL,
  credit_rupiah INTEGER NOT NULL,
  occurred_at   TEXT NOT NULL,
  PRIMARY KEY (position, line_no)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS journal_lines_by_account ON journal_lines (card_id, account, position);
CREATE TABLE IF NOT EXISTS journal_balances (
  card_id        TEXT NOT NULL,
  account        TEXT NOT NULL,
  debit_rupiah   INTEGER NOT NULL,
  credit_rupiah  INTEGER NOT NULL,
  balance_rupiah INTEGER NOT NULL,
  PRIMARY KEY (card_id, account)
) WITHOUT ROWID;
`;

export const ACCOUNTS = ['card-limit', 'card-available', 'card-held', 'card-captured-unsettled', 'bank-settled', 'opd-treasury'] as const;
export type Account = (typeof ACCOUNTS)[number];

export interface Posting {
  readonly debit: Account;
  readonly credit: Account;
  readonly amountRupiah: number;
}

const ENTRIES = 'journal_entries';
const LINES = 'journal_lines';
const BALANCES = 'journal_balances';

type PostedEvent = Exclude<CardEvent, { type: 'CardSuspended' | 'CardReinstated' | 'CardClosed' | 'AuthorisationDeclined' }>;

export const JOURNAL_EVENT_TYPES: readonly PostedEvent['type'][] = [
  'CardIssued',
  'CardLimitChanged',
  'AuthorisationApproved',
  'AuthorisationCaptured',
  'AuthorisationVoided',
  'AuthorisationExpired',
  'StatementSettled',
];

export const journalProjection: Projection = {
  name: 'journal',
  version: 1,
  description: 'Double-entry journal of every hold, capture, void, expiry and settlement; balances per card and account',
  eventTypes: JOURNAL_EVENT_TYPES,
  tables: [
    { name: ENTRIES, primaryKey: ['position'] },
    { name: LINES, primaryKey: ['position', 'line_no'] },
    { name: BALANCES, primaryKey: ['card_id', 'account'] },
  ],
  schemaSql: JOURNAL_SCHEMA_SQL,
  project: (recorded) => {
    const event = eventOf<PostedEvent>(recorded);
    const postings = postingsOf(event).filter((posting) => posting.amountRupiah !== 0);
    if (postings.length === 0) return [];
    return entryChanges(event, postings);
  },
};

/** The postings one card event makes (amounts may be zero; they are then left out). */
export function postingsOf(event: PostedEvent): Posting[] {
  switch (event.type) {
    case 'CardIssued':
      return [{ debit: 'card-available', credit: 'card-limit', amountRupiah: event.data.limitRupiah }];
    case 'CardLimitChanged': {
      const delta = event.data.limitRupiah - event.data.previousLimitRupiah;
      return delta >= 0
        ? [{ debit: 'card-available', credit: 'card-limit', amountRupiah: delta }]
        : [{ debit: 'card-limit', credit: 'card-available', amountRupiah: -delta }];
    }
    case 'AuthorisationApproved':
      return [{ debit: 'card-held', credit: 'card-available', amountRupiah: event.data.amountRupiah }];
    case 'AuthorisationCaptured':
      return [
        { debit: 'card-captured-unsettled', credit: 'card-held', amountRupiah: event.data.amountRupiah },
        { debit: 'card-available', credit: 'card-held', amountRupiah: event.data.heldRupiah - event.data.amountRupiah },
      ];
    case 'AuthorisationVoided':
    case 'AuthorisationExpired':
      return [{ debit: 'card-available', credit: 'card-held', amountRupiah: event.data.amountRupiah }];
    case 'StatementSettled':
      return [
        { debit: 'card-available', credit: 'card-captured-unsettled', amountRupiah: event.data.amountRupiah },
        { debit: 'bank-settled', credit: 'opd-treasury', amountRupiah: event.data.amountRupiah },
      ];
    default:
      return assertNever(event, 'journal event');
  }
}

const KIND: Readonly<Record<PostedEvent['type'], string>> = {
  CardIssued: 'issue',
  CardLimitChanged: 'limit-change',
  AuthorisationApproved: 'hold',
  AuthorisationCaptured: 'capture',
  AuthorisationVoided: 'void',
  AuthorisationExpired: 'expiry',
  StatementSettled: 'settlement',
};

function entryChanges(event: ProjectedEvent & PostedEvent, postings: readonly Posting[]): RowChange[] {
  const cardId = event.data.cardId;
  const at = event.metadata.occurredAt;
  let total = 0;
  const changes: RowChange[] = [];
  postings.forEach((posting, index) => {
    assert(Number.isSafeInteger(posting.amountRupiah) && posting.amountRupiah > 0, `a posting moves a positive whole amount, got ${posting.amountRupiah}`);
    total += posting.amountRupiah;
    const lineNo = index * 2 + 1;
    changes.push(
      {
        op: 'insert',
        table: LINES,
        values: {
          position: event.position,
          line_no: lineNo,
          card_id: cardId,
          account: posting.debit,
          debit_rupiah: posting.amountRupiah,
          credit_rupiah: 0,
          occurred_at: at,
        },
      },
      {
        op: 'insert',
        table: LINES,
        values: {
          position: event.position,
          line_no: lineNo + 1,
          card_id: cardId,
          account: posting.credit,
          debit_rupiah: 0,
          credit_rupiah: posting.amountRupiah,
          occurred_at: at,
        },
      },
      balance(cardId, posting.debit, posting.amountRupiah, 0),
      balance(cardId, posting.credit, 0, posting.amountRupiah),
    );
  });
  const orderId = 'orderId' in event.data ? event.data.orderId : null;
  const reference = event.type === 'StatementSettled' ? event.data.statementReference : event.type === 'AuthorisationCaptured' ? event.data.bastNumber : null;
  changes.unshift({
    op: 'insert',
    table: ENTRIES,
    values: {
      position: event.position,
      card_id: cardId,
      kind: KIND[event.type],
      order_id: orderId,
      reference,
      amount_rupiah: postings[0]!.amountRupiah,
      debit_rupiah: total,
      credit_rupiah: total,
      occurred_at: at,
      event_type: event.type,
    },
  });
  return changes;
}

function balance(cardId: string, account: Account, debitRupiah: number, creditRupiah: number): RowChange {
  return {
    op: 'increment',
    table: BALANCES,
    key: { card_id: cardId, account },
    add: { debit_rupiah: debitRupiah, credit_rupiah: creditRupiah, balance_rupiah: debitRupiah - creditRupiah },
  };
}
