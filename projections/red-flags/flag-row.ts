import type { RedFlagRule } from '../../src/red-flags/domain/red-flag-rules.js';
import type { RowChange } from '../projection.js';
import { RED_FLAGS } from './red-flags.tables.js';

/** An event that raised a flag, as the flag names it. */
export interface EventRef {
  readonly type: string;
  readonly streamId: string;
  readonly position: number;
}

export interface Flag {
  readonly flagId: string;
  readonly rule: RedFlagRule;
  readonly opdCode: string;
  readonly vendorId: string;
  readonly amountRupiah: number;
  readonly summary: string;
  readonly orderIds: readonly string[];
  readonly events: readonly EventRef[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly policyRevision: number;
  readonly raisedAt: string;
  readonly raisedPosition: number;
  readonly outcome?: 'flagged' | 'refused';
}

/** A new flag row: open, not yet reviewed. */
export function flagRow(flag: Flag): RowChange {
  return {
    op: 'insert',
    table: RED_FLAGS,
    values: {
      flag_id: flag.flagId,
      rule: flag.rule,
      outcome: flag.outcome ?? 'flagged',
      status: 'open',
      opd_code: flag.opdCode,
      vendor_id: flag.vendorId,
      amount_rupiah: flag.amountRupiah,
      summary: flag.summary,
      order_ids: JSON.stringify(flag.orderIds),
      events: JSON.stringify(flag.events),
      parameters: JSON.stringify(flag.parameters),
      policy_revision: flag.policyRevision,
      raised_at: flag.raisedAt,
      raised_position: flag.raisedPosition,
      review_reason: null,
      reviewed_by: null,
      reviewed_role: null,
      reviewed_at: null,
      review_position: null,
      review_count: 0,
    },
  };
}
