import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { CATEGORIES } from '../../src/catalog/domain/categories.js';
import { PROJECT_ROOT } from '../support/test-app.js';

/** The documentation lists what the code does: these fail when one changes without the other. */
const read = (path: string): string => readFileSync(join(PROJECT_ROOT, path), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** README.md and every page in docs/: the documentation a reader of the repository gets. */
const DOC_PAGES = [
  'README.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
/** Paths the docs name that a command writes (git ignores them), so they are not in a fresh clone. */
const GENERATED_PATHS = new Set(['bench/results.json']);
const REPO_FOLDERS = ['src', 'test', 'docs', 'scripts', 'bench', 'projections', '.ci'];

/** Relative link targets and paths named in the text (`src/...`) that are not in the repository (or lead out of it). */
function missingPaths(page: string): string[] {
  const text = read(page);
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z][a-z+.-]*:/i.test(target))
    .map((target) => normalize(join(dirname(page), target)));
  const named = [...text.matchAll(new RegExp(`(?<![\\w/.<-])((?:${REPO_FOLDERS.map((folder) => folder.replace('.', '\\.')).join('|')})/[\\w./<>*-]*)`, 'g'))]
    .map((match) => match[1]!.replace(/[.,;:]+$/, ''))
    .filter((path) => !/[<>*]/.test(path));
  return [...links, ...named]
    .filter((path) => path.startsWith('..') || (!GENERATED_PATHS.has(path) && !existsSync(join(PROJECT_ROOT, path))))
    .map((path) => `${page}: ${path}`);
}

describe('documentation matches the code (unit)', () => {
  it('README.md and docs/*.md link and name only files that are in the repository', () => {
    expect(DOC_PAGES.length).toBeGreaterThan(10);
    expect(DOC_PAGES.flatMap(missingPaths)).toEqual([]);
  });

  it('the docs stand alone: no design notes kept elsewhere, no path out of the repository', () => {
    const outside = DOC_PAGES.flatMap((page) => {
      const prose = read(page).replace(/\]\([^)\s]*\)/g, ']()');
      return [...prose.matchAll(/DESIGN\.md|(?<![.\w])\.\.\/[\w.-]+/g)].map((match) => `${page}: ${match[0]}`);
    });
    expect(outside).toEqual([]);
  });

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
    const unions = [
      'src/policy/domain/policy.ts',
      'src/vendors/domain/vendor.events.ts',
      'src/opds/domain/opd.events.ts',
      'src/catalog/domain/listing.events.ts',
    ];
    const types = unions.flatMap((path) => [...read(path).matchAll(/type: '([A-Z][A-Za-z]+)';\s*readonly data/g)].map((match) => match[1]!));
    expect(types).toEqual(
      expect.arrayContaining([
        'PolicySet',
        'VendorRegistered',
        'NibReserved',
        'NibReleased',
        'OpdRegistered',
        'OpdRenamed',
        'ListingCreated',
        'ListingPriceChanged',
        'ListingDelisted',
      ]),
    );
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
