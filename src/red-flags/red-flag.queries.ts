import type { ListSpec } from '../read-models/keyset-query.js';

const FILTERS: ListSpec['filters'] = {
  rule: { column: 'rule', op: '=' },
  status: { column: 'status', op: '=' },
  outcome: { column: 'outcome', op: '=' },
  opdCode: { column: 'opd_code', op: '=' },
  vendorId: { column: 'vendor_id', op: '=' },
  from: { column: 'raised_at', op: '>=' },
  to: { column: 'raised_at', op: '<=' },
};

/** What anyone may see of a flag: the finding and its status; the reviewer and the reason typed by an official stay internal. */
const PUBLIC_FIELDS = {
  flagId: 'flag_id',
  rule: 'rule',
  outcome: 'outcome',
  status: 'status',
  opdCode: 'opd_code',
  vendorId: 'vendor_id',
  amountRupiah: 'amount_rupiah',
  summary: 'summary',
  orderIds: 'order_ids',
  events: 'events',
  parameters: 'parameters',
  policyRevision: 'policy_revision',
  raisedAt: 'raised_at',
  raisedPosition: 'raised_position',
  reviewedAt: 'reviewed_at',
};

const LIST_BASE = {
  source: 'red_flags',
  filters: FILTERS,
  sorts: { raisedAt: 'raised_at', amountRupiah: 'amount_rupiah', flagId: 'flag_id' },
  defaultSort: '-raisedAt',
  uniqueKey: ['flag_id'],
} as const;

export const RED_FLAG_LIST: ListSpec = {
  ...LIST_BASE,
  name: 'red-flags',
  fields: {
    ...PUBLIC_FIELDS,
    reviewReason: 'review_reason',
    reviewedBy: 'reviewed_by',
    reviewedRole: 'reviewed_role',
    reviewPosition: 'review_position',
    reviewCount: 'review_count',
  },
};

export const PUBLIC_RED_FLAG_LIST: ListSpec = { ...LIST_BASE, name: 'public-red-flags', fields: PUBLIC_FIELDS };

/** Columns holding JSON text, shown as JSON in JSON answers (CSV keeps the text). */
export const RED_FLAG_JSON_FIELDS: readonly string[] = ['orderIds', 'events', 'parameters'];
