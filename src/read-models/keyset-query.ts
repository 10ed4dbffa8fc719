import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { SqlValue } from '../../projections/projection.js';
import { assert } from '../kernel/assert.js';
import { invalid } from '../kernel/errors.js';

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 500;
/** A CSV export pages like JSON, with larger pages. */
export const CSV_PAGE_SIZE_MAX = 10_000;
export const CURSOR_LENGTH_MAX = 2_048;
/** A sort parameter: a field name, - in front for descending. */
export const SORT_PATTERN = /^-?[a-zA-Z]{1,40}$/;
/** A search text longer than this finds nothing useful and costs a scan. */
export const SEARCH_TEXT_LENGTH_MAX = 100;

export type FilterOp = '=' | '>=' | '<=' | 'prefix' | 'contains';

export interface FilterSpec {
  readonly column: string;
  readonly op: FilterOp;
}

/** One listable read model: what may be filtered and sorted, and how rows are shown. */
export interface ListSpec {
  readonly name: string;
  /** A table, or a parenthesised subquery with its own `?` parameters. */
  readonly source: string;
  readonly sourceParams?: readonly SqlValue[];
  /** Output field -> SQL column (or expression over the source's columns). */
  readonly fields: Readonly<Record<string, string>>;
  readonly filters: Readonly<Record<string, FilterSpec>>;
  /** Sort name -> NOT NULL column. */
  readonly sorts: Readonly<Record<string, string>>;
  readonly defaultSort: string;
  /** Columns that make a row unique: the tie-break of every sort. */
  readonly uniqueKey: readonly string[];
  /** Fields stored as 0/1 and shown as booleans. */
  readonly booleanFields?: readonly string[];
}

export interface ListRequest {
  readonly filters: Readonly<Record<string, SqlValue | boolean | undefined>>;
  /** `name` ascending or `-name` descending. */
  readonly sort?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly pageSizeMax?: number;
}

export interface Page {
  readonly items: Record<string, SqlValue | boolean>[];
  readonly nextCursor: string | null;
  readonly limit: number;
  readonly sort: string;
}

interface Cursor {
  readonly sort: string;
  readonly filters: string;
  readonly after: SqlValue[];
}

/**
 * Keyset pagination: ORDER BY the sort column then the unique key; the opaque cursor carries
 * the last row's values (and a fingerprint of sort and filters, so it is refused elsewhere).
 * Every page costs an index seek, however deep.
 */
export function listPage(db: Database.Database, spec: ListSpec, request: ListRequest): Page {
  const sortParam = request.sort ?? spec.defaultSort;
  const descending = sortParam.startsWith('-');
  const sortName = descending ? sortParam.slice(1) : sortParam;
  const sortColumn = spec.sorts[sortName];
  if (!sortColumn) {
    throw invalid('INVALID_SORT', `sort must be one of ${Object.keys(spec.sorts).join(', ')} (prefix - for descending)`, [
      {
        field: 'sort',
        messages: [
          `one of ${Object.keys(spec.sorts)
            .flatMap((name) => [name, `-${name}`])
            .join(', ')}`,
        ],
      },
    ]);
  }
  const limit = request.limit ?? PAGE_SIZE_DEFAULT;
  const pageSizeMax = request.pageSizeMax ?? PAGE_SIZE_MAX;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > pageSizeMax) {
    throw invalid('INVALID_LIMIT', `limit must be 1..${pageSizeMax}`, [{ field: 'limit', messages: [`1..${pageSizeMax}`] }]);
  }
  const orderColumns = [sortColumn, ...spec.uniqueKey.filter((column) => column !== sortColumn)];
  const where: string[] = [];
  const params: SqlValue[] = [...(spec.sourceParams ?? [])];
  const activeFilters: Record<string, SqlValue> = {};
  for (const [name, value] of Object.entries(request.filters)) {
    if (value === undefined) continue;
    const filter = spec.filters[name];
    assert(filter, `${spec.name} has no filter ${name}`);
    const bound = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    activeFilters[name] = bound;
    switch (filter.op) {
      case 'prefix':
        where.push(`${filter.column} LIKE ? ESCAPE '\\'`);
        params.push(`${escapeLike(String(bound))}%`);
        break;
      case 'contains':
        where.push(`${filter.column} LIKE ? ESCAPE '\\'`);
        params.push(`%${escapeLike(String(bound))}%`);
        break;
      default:
        where.push(`${filter.column} ${filter.op} ?`);
        params.push(bound);
    }
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([spec.name, sortParam, activeFilters]))
    .digest('base64url')
    .slice(0, 16);
  if (request.cursor !== undefined) {
    const cursor = decodeCursor(request.cursor);
    if (cursor.sort !== sortParam || cursor.filters !== fingerprint || cursor.after.length !== orderColumns.length) {
      throw invalid('INVALID_CURSOR', 'the cursor belongs to another query: keep the same filters and sort while paging', [
        { field: 'cursor', messages: ['from a page of this same query'] },
      ]);
    }
    where.push(`(${orderColumns.join(', ')}) ${descending ? '<' : '>'} (${orderColumns.map(() => '?').join(', ')})`);
    params.push(...cursor.after);
  }
  const direction = descending ? 'DESC' : 'ASC';
  const selectFields = Object.entries(spec.fields).map(([field, column]) => `${column} AS "${field}"`);
  const orderAliases = orderColumns.map((column, index) => `${column} AS "__order${index}"`);
  const sql =
    `SELECT ${[...selectFields, ...orderAliases].join(', ')} FROM ${spec.source}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${orderColumns.map((column) => `${column} ${direction}`).join(', ')} LIMIT ?`;
  const rows = db.prepare(sql).all(...params, limit + 1) as Record<string, SqlValue>[];
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const nextCursor =
    hasMore && last ? encodeCursor({ sort: sortParam, filters: fingerprint, after: orderColumns.map((_, index) => last[`__order${index}`]!) }) : null;
  const booleans = new Set(spec.booleanFields ?? []);
  const items = pageRows.map((row) => {
    const item: Record<string, SqlValue | boolean> = {};
    for (const field of Object.keys(spec.fields)) item[field] = booleans.has(field) ? row[field] === 1 : row[field]!;
    return item;
  });
  return { items, nextCursor, limit, sort: sortParam };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.filters, cursor.after])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  const refuse = (): never => {
    throw invalid('INVALID_CURSOR', 'the cursor is not one this API issued', [{ field: 'cursor', messages: ['an opaque cursor from nextCursor'] }]);
  };
  if (text.length > CURSOR_LENGTH_MAX || !/^[A-Za-z0-9_-]+$/.test(text)) return refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return refuse();
  const [sort, filters, after] = parsed as unknown[];
  if (typeof sort !== 'string' || typeof filters !== 'string' || !Array.isArray(after)) return refuse();
  if (!after.every((value) => value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) return refuse();
  return { sort, filters, after: after as SqlValue[] };
}

/** RFC 4180 CSV: quote fields with commas, quotes or line breaks; CRLF line ends. */
export function toCsv(fields: readonly string[], items: readonly Record<string, SqlValue | boolean>[]): string {
  const cell = (value: SqlValue | boolean | undefined): string => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
    const guarded = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
    return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
  };
  const lines = [fields.join(','), ...items.map((item) => fields.map((field) => cell(item[field])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
