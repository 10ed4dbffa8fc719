import type { HttpResponse } from './test-app.js';

/**
 * Hostile input for the "no 500" sweeps of the e2e suites: values that are invalid wherever
 * they go, by the kind of field they go into, and whole bodies that are not the object an
 * endpoint takes.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const HUGE_TEXT = 'x'.repeat(5_000);

/** Invalid wherever they go. */
export const EVERYWHERE: readonly unknown[] = [
  null,
  [],
  [[[]]],
  {},
  { nested: { deeper: [1, { x: null }] } },
  { $gt: '' },
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53,
  2 ** 64,
  '',
  '   ',
  HUGE_TEXT,
  '😀'.repeat(600),
  '\u0000',
  'a\u0000b',
  'bell\u0007',
  'line\u2028break',
  'lone \ud800 surrogate',
  'bidi \u202e override',
  [{ email: 'a@b.co', phone: '+62 254 123456' }],
];

/** Invalid where a number, a code, a boolean or an object goes (valid text elsewhere). */
export const NOT_TEXT: readonly unknown[] = ['1000', 'NaN', 'Infinity', '١٢٣٤', '0x10', '1e3', '９１２０３０１２３４５６７', 'true'];

export type FieldKind = 'text' | 'code' | 'number' | 'positive' | 'boolean' | 'contact' | 'scales' | 'uuid' | 'date';

export function valuesFor(kind: FieldKind): unknown[] {
  switch (kind) {
    case 'text':
      return [...EVERYWHERE];
    case 'code':
      return [...EVERYWHERE, ...NOT_TEXT, true, 12_345, '3673 ', ' 3673'];
    case 'number':
      return [...EVERYWHERE, ...NOT_TEXT, true, false, Number.MAX_SAFE_INTEGER + 2];
    case 'positive':
      return [...EVERYWHERE, ...NOT_TEXT, true, false, 0, -0.5, 0.1, -1_000_000, 1e-7, Number.MAX_SAFE_INTEGER + 2];
    case 'boolean':
      return [...EVERYWHERE, ...NOT_TEXT, 0, 1, 'false'];
    case 'uuid':
      return [
        ...EVERYWHERE,
        ...NOT_TEXT,
        true,
        12_345,
        '00000000-0000-0000-0000-00000000000G',
        '0A000000-0000-4000-8000-000000000001',
        '{0a000000-0000-4000-8000-000000000001}',
        '0a000000000040008000000000000001',
        '../../etc/passwd',
      ];
    case 'date':
      return [
        ...EVERYWHERE,
        ...NOT_TEXT,
        true,
        20_261_128,
        '2026-02-30',
        '2026-13-01',
        '2026-00-10',
        '2026-1-1',
        '26-11-28',
        '2026/11/28',
        '2026-11-28T00:00:00Z',
        '0000-00-00',
        '２０２６-１１-２８',
      ];
    case 'contact':
      return [
        ...EVERYWHERE,
        'a@b.co',
        true,
        { email: 'bukan-email', phone: '+62 254 123456' },
        { email: 'a@b.co', phone: 'telepon' },
        { email: 'a@b.co', phone: '+62 254 123456', extra: 1 },
        { email: null, phone: null },
      ];
    case 'scales':
      return [...EVERYWHERE, 'mikro', ['mikro', 'mikro'], ['besar-sekali'], [null], [['mikro']], ['__proto__']];
  }
}

/** Whole bodies that are not the object the endpoint takes, or that smuggle prototype keys. */
export function wholeBodies(base: Record<string, unknown>): { label: string; rawBody: string }[] {
  const valid = JSON.stringify(base).slice(1, -1);
  const withValid = (extra: string): string => (valid ? `{${extra},${valid}}` : `{${extra}}`);
  return [
    { label: 'null', rawBody: 'null' },
    { label: 'array', rawBody: '[]' },
    { label: 'array of the valid body', rawBody: `[${JSON.stringify(base)}]` },
    { label: 'nested arrays', rawBody: '['.repeat(500) + ']'.repeat(500) },
    { label: 'string', rawBody: '"hello"' },
    { label: 'number', rawBody: '42' },
    { label: 'true', rawBody: 'true' },
    { label: '__proto__ key', rawBody: withValid('"__proto__":{"polluted":true}') },
    { label: 'constructor.prototype key', rawBody: withValid('"constructor":{"prototype":{"polluted":true}}') },
    { label: 'nested __proto__', rawBody: withValid('"extra":{"__proto__":{"polluted":true}}') },
    { label: 'unknown field', rawBody: withValid('"isAdmin":true') },
    { label: 'truncated JSON', rawBody: `{${valid}` },
    { label: 'number too large for JSON', rawBody: withValid('"n":1e400') },
    { label: 'many unknown fields', rawBody: `{${Array.from({ length: 2_000 }, (_, n) => `"f${n}":${n}`).join(',')}}` },
  ];
}

/** Collects every answer that is not a 4xx application/problem+json. */
export class RefusalCheck {
  readonly failures: string[] = [];
  sent = 0;

  check(label: string, response: HttpResponse): void {
    this.sent += 1;
    const type = response.headers.get('content-type') ?? '';
    if (response.status < 400 || response.status >= 500 || !type.includes(PROBLEM_CONTENT_TYPE) || response.body?.status !== response.status) {
      this.failures.push(`${label}: ${response.status} ${type} ${JSON.stringify(response.body).slice(0, 300)}`);
    }
  }
}

/** Runs `tasks` with at most `parallel` in flight (a bounded queue). */
export async function inBatches<T>(tasks: readonly (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += parallel) {
    results.push(...(await Promise.all(tasks.slice(start, start + parallel).map((task) => task()))));
  }
  return results;
}
