import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_BY_KIND } from '../../src/http/problem.js';
import { PROBLEM_CODES_BY_STATUS } from '../../src/http/openapi/problem-codes.js';
import type { ErrorKind } from '../../src/kernel/errors.js';
import { PROJECT_ROOT } from '../support/test-app.js';

const KIND_BY_HELPER: Readonly<Record<string, ErrorKind>> = {
  ruleViolation: 'business_rule',
  notFound: 'not_found',
  conflict: 'conflict',
  forbidden: 'forbidden',
  invalid: 'validation',
};
/** Browser and verifier code raise no HTTP problems. */
const SKIPPED_DIRS = new Set(['web', 'verifier']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRS.has(name) ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every `code` the source raises, with the status it is raised under, read from the ways the code raises them. */
function raisedCodes(): Map<string, Set<number>> {
  const raised = new Map<string, Set<number>>();
  const add = (code: string | undefined, status: number): void => {
    if (code === undefined) return;
    raised.set(code, (raised.get(code) ?? new Set()).add(status));
  };
  for (const file of sourceFiles(join(PROJECT_ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const constants = new Map([...text.matchAll(/const (\w+) = '([A-Z][A-Z0-9_]+)'/g)].map((match) => [match[1]!, match[2]!]));
    for (const match of text.matchAll(/\b(ruleViolation|notFound|conflict|forbidden|invalid)\(\s*(?:'([A-Z][A-Z0-9_]+)'|([A-Z][A-Z0-9_]+)\b)/g)) {
      add(match[2] ?? constants.get(match[3]!), STATUS_BY_KIND[KIND_BY_HELPER[match[1]!]!]);
    }
    for (const match of text.matchAll(/new DomainError\(\s*'(\w+)',\s*'([A-Z][A-Z0-9_]+)'/g)) add(match[2], STATUS_BY_KIND[match[1] as ErrorKind]);
    // A DomainError subclass names its kind and code in its constructor.
    for (const match of text.matchAll(/super\(\s*'(\w+)',\s*'([A-Z][A-Z0-9_]+)'/g)) add(match[2], STATUS_BY_KIND[match[1] as ErrorKind]);
    for (const match of text.matchAll(/problem\(\s*(\d{3}),\s*'([A-Z][A-Z0-9_]+)'/g)) add(match[2], Number(match[1]));
    for (const match of text.matchAll(/\[(\d{3}), '([A-Z][A-Z0-9_]+)'/g)) add(match[2], Number(match[1]));
    for (const match of text.matchAll(/^\s+(\d{3}): '([A-Z][A-Z0-9_]+)',$/gm)) add(match[2], Number(match[1]));
    for (const match of text.matchAll(/notFoundCode: '([A-Z][A-Z0-9_]+)'/g)) add(match[1], STATUS_BY_KIND.not_found);
    for (const match of text.matchAll(/throwIfAny\('([A-Z][A-Z0-9_]+)'/g)) add(match[1], STATUS_BY_KIND.validation);
  }
  return raised;
}

describe('the table of problem codes (src/http/openapi/problem-codes.ts)', () => {
  const tabled = new Map(Object.entries(PROBLEM_CODES_BY_STATUS).flatMap(([status, codes]) => codes.map((code) => [code as string, Number(status)] as const)));

  it('lists each code once', () => {
    const all = Object.values(PROBLEM_CODES_BY_STATUS).flat();
    expect(all.length).toBe(new Set(all).size);
  });

  it('holds every code the source raises, under the status it is raised with, and no code the source never raises', () => {
    const raised = raisedCodes();
    expect(raised.size).toBeGreaterThan(100);
    const wrong = [...raised]
      .filter(([code, statuses]) => statuses.size !== 1 || tabled.get(code) !== [...statuses][0])
      .map(([code, statuses]) => `${code}: raised ${[...statuses].join('/')}, tabled ${tabled.get(code)}`);
    expect(wrong).toEqual([]);
    expect([...tabled.keys()].filter((code) => !raised.has(code))).toEqual([]);
  });

  it('agrees with the error tables of docs/api.md, code by code and status by status', () => {
    const rows = [...readFileSync(join(PROJECT_ROOT, 'docs', 'api.md'), 'utf8').matchAll(/^\| (\d{3}) \| `([A-Z][A-Z0-9_]+)` \|/gm)];
    const documented = new Map(rows.map((match) => [match[2]!, Number(match[1])]));
    expect(rows.filter((match) => documented.get(match[2]!) !== Number(match[1])).map((match) => match[2])).toEqual([]);
    expect([...documented].filter(([code, status]) => tabled.get(code) !== status)).toEqual([]);
    expect([...tabled].filter(([code, status]) => documented.get(code) !== status)).toEqual([]);
  });
});
