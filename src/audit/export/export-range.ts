import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { ParamErrors } from '../params/audit-params.js';

/**
 * Which events an export holds: a position range and a range of recorded times, all bounds
 * inclusive. Time is the store's recorded time (`recordedAt`), the one the hash chain and the
 * log commit to, never the command's claimed `occurredAt`.
 */
export interface ExportRange {
  readonly fromPosition: bigint;
  readonly toPosition?: bigint;
  readonly from?: Date;
  readonly to?: Date;
}

export interface RawExportRange {
  readonly fromPosition?: string;
  readonly toPosition?: string;
  readonly from?: string;
  readonly to?: string;
}

export type RangeVerdict = 'skip' | 'take' | 'stop';

/** Bad bounds are one 400 (INVALID_EXPORT_RANGE) naming each; an empty range is an error, not an empty answer. */
export function parseExportRange(raw: RawExportRange): ExportRange {
  const errors = new ParamErrors();
  const fromPosition = errors.position('fromPosition', raw.fromPosition) ?? 0n;
  const toPosition = errors.position('toPosition', raw.toPosition);
  const from = errors.instant('from', raw.from);
  const to = errors.instant('to', raw.to);
  if (toPosition !== undefined && toPosition < fromPosition) errors.add('toPosition', 'toPosition must not be before fromPosition');
  if (from && to && to.getTime() < from.getTime()) errors.add('to', 'to must not be before from');
  errors.throwIfAny('INVALID_EXPORT_RANGE', 'the export range is invalid');
  return { fromPosition, ...(toPosition !== undefined ? { toPosition } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/**
 * Events come in position order. The scan stops at the first event past `toPosition` or
 * recorded after `to` (the store stamps events in order, so nothing later can be in range);
 * events recorded before `from` are skipped.
 */
export function verdictOf(range: ExportRange, event: Pick<RecordedEvent, 'position' | 'created'>): RangeVerdict {
  if (range.toPosition !== undefined && event.position > range.toPosition) return 'stop';
  if (range.to && event.created.getTime() > range.to.getTime()) return 'stop';
  if (event.position < range.fromPosition) return 'skip';
  if (range.from && event.created.getTime() < range.from.getTime()) return 'skip';
  return 'take';
}

/** The same range, resumed after the last position already written. */
export function resumedAfter(range: ExportRange, lastWritten: bigint): ExportRange {
  const next = lastWritten + 1n;
  return { ...range, fromPosition: next > range.fromPosition ? next : range.fromPosition };
}
