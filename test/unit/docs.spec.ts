import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES } from '../../src/catalog/domain/categories.js';
import { PROJECT_ROOT } from '../support/test-app.js';

/** The documentation lists what the code does: these fail when one changes without the other. */
const read = (path: string): string => readFileSync(join(PROJECT_ROOT, path), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('documentation matches the code (unit)', () => {
  it('docs/api.md lists every problem code thrown in src/ and every code the error filter uses', () => {
    const thrown = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:ruleViolation|notFound|conflict|forbidden|invalid)\(\s*'([A-Z][A-Z_]+)'/g)) thrown.add(match[1]!);
      for (const match of text.matchAll(/DomainError\(\s*'[a-z_]+',\s*'([A-Z][A-Z_]+)'/g)) thrown.add(match[1]!);
      for (const match of text.matchAll(/problem\(\s*\d{3},\s*'([A-Z][A-Z_]+)'/g)) thrown.add(match[1]!);
    }
    for (const match of read('src/http/problem-details.filter.ts').matchAll(/^\s+\d{3}: '([A-Z_]+)'/gm)) thrown.add(match[1]!);
    expect(thrown.size).toBeGreaterThan(30);
    const documented = new Set([...read('docs/api.md').matchAll(/^\| \d{3} \| `([A-Z_]+)` \|/gm)].map((match) => match[1]!));
    expect([...thrown].filter((code) => !documented.has(code)).sort()).toEqual([]);
  });

  it('docs/events.md has a section for every policy, vendor, NIB, OPD and listing event type', () => {
    const unions = ['src/policy/domain/policy.ts', 'src/vendors/domain/vendor.events.ts', 'src/opds/domain/opd.events.ts', 'src/catalog/domain/listing.events.ts'];
    const types = unions.flatMap((path) => [...read(path).matchAll(/type: '([A-Z][A-Za-z]+)';\s*readonly data/g)].map((match) => match[1]!));
    expect(types).toEqual(expect.arrayContaining(['PolicySet', 'VendorRegistered', 'NibReserved', 'NibReleased', 'OpdRegistered', 'OpdRenamed', 'ListingCreated', 'ListingPriceChanged', 'ListingDelisted']));
    const sections = new Set([...read('docs/events.md').matchAll(/^### `([A-Za-z]+)`$/gm)].map((match) => match[1]!));
    expect(types.filter((type) => !sections.has(type))).toEqual([]);
    expect(read('docs/events.md')).toContain('(events-orders-cards.md)');
  });

  it('docs/catalog-categories.md lists every category code with its meaning', () => {
    const doc = read('docs/catalog-categories.md');
    const missing = Object.entries(CATEGORIES).filter(([code, meaning]) => !doc.includes(`| \`${code}\` | ${meaning} |`));
    expect(missing).toEqual([]);
  });
});
