import type { SnapshotCodec } from '../../kernel/decider.js';
import { PersistentMap } from '../../kernel/persistent-map.js';
import { RecentWindow } from '../../kernel/recent-window.js';
import { DECLINE_REASONS } from './card.events.js';
import { CardState, EndedHold, OpenHold, RECENT_HOLDS_KEPT, SETTLED_STATEMENTS_KEPT } from './card.state.js';

/** Bump when CardState's shape or evolveCard's meaning changes: older snapshots are then ignored. */
export const CARD_STATE_SCHEMA_VERSION = 1;

const CARD_STATUSES = ['active', 'suspended', 'closed'] as const;
const ENDED_STATUSES = ['captured', 'voided', 'expired', 'declined'] as const;

class SnapshotShapeError extends Error {}

export const cardSnapshotCodec: SnapshotCodec<CardState> = {
  stateSchemaVersion: CARD_STATE_SCHEMA_VERSION,
  encode(state) {
    if (state.status === 'absent') return { status: 'absent' };
    const { openHolds, recentHolds, settledStatements, ...account } = state;
    return {
      ...account,
      openHolds: openHolds.values(),
      recentHolds: recentHolds.entries().map(([, hold]) => hold),
      settledStatements: settledStatements.entries(),
    };
  },
  decode(json) {
    const o = record(json);
    if (o.status === 'absent') return { status: 'absent' };
    const status = oneOf(o.status, CARD_STATUSES);
    const openHolds = array(o.openHolds).map(openHold);
    const heldRupiah = integer(o.heldRupiah);
    // The running total must agree with the holds it sums, or the snapshot is not a card's.
    if (heldRupiah !== openHolds.reduce((sum, hold) => sum + hold.amountRupiah, 0)) throw new SnapshotShapeError('heldRupiah');
    const account = {
      cardId: text(o.cardId),
      opdCode: text(o.opdCode),
      opdName: text(o.opdName),
      holderName: text(o.holderName),
      cardLast4: text(o.cardLast4),
      limitRupiah: integer(o.limitRupiah),
      expiresOn: text(o.expiresOn),
      heldRupiah,
      capturedUnsettledRupiah: integer(o.capturedUnsettledRupiah),
      openHolds: PersistentMap.of(openHolds.map((hold) => [hold.orderId, hold] as const)),
      recentHolds: RecentWindow.of(
        RECENT_HOLDS_KEPT,
        array(o.recentHolds)
          .map(endedHold)
          .map((hold) => [hold.orderId, hold] as const),
      ),
      settledStatements: RecentWindow.of(SETTLED_STATEMENTS_KEPT, array(o.settledStatements).map(settled)),
    };
    return status === 'active' ? { status, ...account } : { status, reason: text(o.reason), ...account };
  },
};

function openHold(json: unknown): OpenHold {
  const o = record(json);
  return { orderId: text(o.orderId), amountRupiah: integer(o.amountRupiah), expiresAt: text(o.expiresAt) };
}

function endedHold(json: unknown): EndedHold {
  const o = record(json);
  const base = { orderId: text(o.orderId), amountRupiah: integer(o.amountRupiah) };
  const status = oneOf(o.status, ENDED_STATUSES);
  if (status === 'captured') return { status, ...base, capturedRupiah: integer(o.capturedRupiah) };
  if (status === 'declined') return { status, ...base, reason: oneOf(o.reason, DECLINE_REASONS) };
  return { status, ...base };
}

function settled(json: unknown): readonly [string, number] {
  const [reference, amountRupiah] = array(json);
  return [text(reference), integer(amountRupiah)];
}

function record(json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SnapshotShapeError('object');
  return json as Record<string, unknown>;
}

function array(json: unknown): unknown[] {
  if (!Array.isArray(json)) throw new SnapshotShapeError('array');
  return json;
}

function text(json: unknown): string {
  if (typeof json !== 'string') throw new SnapshotShapeError('string');
  return json;
}

function integer(json: unknown): number {
  if (!Number.isSafeInteger(json) || (json as number) < 0) throw new SnapshotShapeError('integer');
  return json as number;
}

function oneOf<T extends string>(json: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(json as T)) throw new SnapshotShapeError(`one of ${allowed.join(', ')}`);
  return json as T;
}
