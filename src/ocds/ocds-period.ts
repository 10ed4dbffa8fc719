import { ParamErrors } from '../audit/params/audit-params.js';

/** Releases in one page of a period's release package. */
export const PERIOD_PAGE_RELEASES_MAX = 200;
export const PERIOD_PAGE_RELEASES_DEFAULT = 100;
/** Records in one page of a period's record package (each holds all its releases). */
export const PERIOD_PAGE_RECORDS_MAX = 100;
export const PERIOD_PAGE_RECORDS_DEFAULT = 50;
/** A page size as a query parameter: digits, at least 1 (leading zeros allowed), at most 3 significant digits. */
export const PAGE_LIMIT_PATTERN = /^0*[1-9]\d{0,2}$/;

/** A period of recorded time, both bounds inclusive, and where in it a page starts. */
export interface PeriodPageRequest {
  readonly from?: Date;
  readonly to?: Date;
  /** The position in $all the page starts at (from the previous page's `next` link). */
  readonly cursor?: bigint;
  readonly limit: number;
}

export interface RawPeriodQuery {
  readonly from?: string;
  readonly to?: string;
  readonly cursor?: string;
  readonly limit?: string;
}

/** Bad parameters are one 400 (INVALID_OCDS_PERIOD) naming each. */
export function parsePeriodQuery(raw: RawPeriodQuery, limits: { readonly max: number; readonly fallback: number }): PeriodPageRequest {
  const errors = new ParamErrors();
  const from = errors.instant('from', raw.from);
  const to = errors.instant('to', raw.to);
  const cursor = errors.position('cursor', raw.cursor);
  if (from && to && to.getTime() < from.getTime()) errors.add('to', 'to must not be before from');
  let limit = limits.fallback;
  if (raw.limit !== undefined) {
    limit = PAGE_LIMIT_PATTERN.test(raw.limit) ? Number(raw.limit) : 0;
    if (limit < 1 || limit > limits.max) errors.add('limit', `limit must be an integer from 1 to ${limits.max}`);
  }
  errors.throwIfAny('INVALID_OCDS_PERIOD', 'the OCDS period query is invalid');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cursor !== undefined ? { cursor } : {}), limit };
}

/** The query string of a page of the same period (package `uri`s and `next` links). */
export function periodQueryString(request: PeriodPageRequest, cursor?: bigint): string {
  const params = new URLSearchParams();
  if (request.from) params.set('from', request.from.toISOString());
  if (request.to) params.set('to', request.to.toISOString());
  const start = cursor ?? request.cursor;
  if (start !== undefined) params.set('cursor', start.toString());
  params.set('limit', String(request.limit));
  return params.toString();
}
