import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/test-app.js';

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** Runs dependency-cruiser with the project's layer rules and returns its violations. */
function cruise(paths: string[]): { violations: Violation[]; modules: number } {
  let output: string;
  try {
    output = execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
        ...paths,
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'json',
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    // depcruise exits non-zero when it finds violations; its JSON is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  const result = JSON.parse(output) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: result.summary.violations, modules: result.summary.totalCruised };
}

describe('architecture: layer rules (dependency-cruiser)', () => {
  it('keeps every domain folder, the kernel and the projections free of Nest, class-validator and I/O', () => {
    // projections/ arrives with the read models; a checkout without it has nothing there to check.
    const { violations, modules } = cruise(['src', 'projections'].filter((path) => existsSync(join(PROJECT_ROOT, path))));
    expect(modules).toBeGreaterThan(50);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('catches a domain that imports Nest, node:fs and random ids (the rules are not vacuous)', () => {
    const { violations } = cruise(['test/fixtures/layer-violation']);
    const found = violations.map((v) => `${v.rule.name} -> ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^domain-is-pure -> .*@nestjs\/common/),
        expect.stringMatching(/^domain-is-pure -> .*fs$/),
        expect.stringMatching(/^domain-has-no-ids-or-clock -> .*crypto$/),
      ]),
    );
  });

  it('catches a verifier that imports node:crypto or server code (the browser bundle would break)', () => {
    const { violations } = cruise(['test/fixtures/layer-violation']);
    const found = violations.map((v) => `${v.rule.name} -> ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^verifier-is-standalone -> .*crypto$/),
        expect.stringMatching(/^verifier-is-standalone -> src\/kernel\/errors\.ts$/),
      ]),
    );
  });

  it('catches the HTTP edge importing the Kafka relay, and the cycle it closes (src/ops reads both instead)', () => {
    const { violations } = cruise(['test/fixtures/layer-violation']);
    const found = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http-is-below-its-users: .*src\/http\/metrics-text\.ts -> .*src\/kafka\/relay-counters\.ts$/),
        expect.stringMatching(/^no-circular: .*src\/(http|kafka)\//),
      ]),
    );
  });
});
