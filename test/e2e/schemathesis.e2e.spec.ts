import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wibDate } from '../../src/kernel/dates.js';
import { ocidOf } from '../../src/ocds/ocid.js';
import { OCID_PREFIX_DEFAULT } from '../../src/ocds/ocds-publication.js';
import { OPD, type SellingVendor, buyerKey, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { PROJECT_ROOT, TestApp } from '../support/test-app.js';

/** Installing schemathesis from PyPI the first time (scripts/schemathesis/setup.sh). */
const SETUP_WAIT_MS = 5 * 60_000;
/** The whole schemathesis run; beyond it the run is killed and the test fails. */
const RUN_WAIT_MS = 8 * 60_000;
/** Cases per operation and phase: enough to find the edges, small enough for a few minutes on 2 busy cores. */
const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 25);
/** Fixed, so a failure found on CI reproduces locally (override to explore). */
const SEED = process.env.SCHEMATHESIS_SEED ?? '20261130';
/** Each request; the slowest route (a read waiting for a position) answers within 5 s. */
const REQUEST_TIMEOUT_SECONDS = 15;
const CONFIG_FILE = join(PROJECT_ROOT, 'scripts', 'schemathesis', 'schemathesis.toml');
const HOOKS_FILE = join(PROJECT_ROOT, 'scripts', 'schemathesis', 'hooks.py');
/** Kept after the run (JUnit XML), for CI to collect; a fresh folder per run. */
const REPORT_ROOT = join(PROJECT_ROOT, 'test-artifacts', 'schemathesis');

/** Installs (when missing) the pinned schemathesis into .venv/schemathesis; its `st` command. */
function schemathesisCommand(): string {
  const output = execFileSync('bash', [join(PROJECT_ROOT, 'scripts', 'schemathesis', 'setup.sh')], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: SETUP_WAIT_MS,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return output.trim().split('\n').at(-1)!;
}

/** An API key through the CLI, as an operator issues one. */
function cliKey(app: TestApp, args: readonly string[]): string {
  const output = execFileSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli.js'), 'keys', 'issue', ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: app.dataDir, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 30_000,
    // The CLI's reminder to keep the token goes to stderr: not this test's output.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return (JSON.parse(output.trim().split('\n')[0]!) as { token: string }).token;
}

async function placeAuthorisedOrder(app: TestApp, buyer: string, vendor: SellingVendor, cardId: string): Promise<string> {
  const placed = await app.request('POST', '/orders', { token: buyer, body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 2 }]) });
  expect(placed.status).toBe(201);
  await pollUntil(app, buyer, `/orders/${placed.body.orderId}`, (order) => order.status === 'authorised');
  return placed.body.orderId;
}

interface RunResult {
  readonly exitCode: number | null;
  readonly output: string;
}

function run(command: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[schemathesis killed after ${RUN_WAIT_MS} ms]\n`;
      child.kill('SIGKILL');
    }, RUN_WAIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ exitCode: code, output });
    });
  });
}

/**
 * schemathesis (PyPI, pinned in scripts/schemathesis/requirements.txt) against the built service
 * and its own OpenAPI document, with every check, the examples, coverage, fuzzing and stateful
 * (OpenAPI links) phases: no failure, no error.
 */
describe('schemathesis (e2e)', () => {
  let app: TestApp;
  let st: string;
  let workDir: string;

  beforeAll(async () => {
    st = schemathesisCommand();
    // A high public rate limit: thousands of generated requests from one address are the test, not an abuse.
    app = await TestApp.start({ env: { PUBLIC_RATE_LIMIT_MAX: '1000000' } });
    workDir = mkdtempSync(join(tmpdir(), 'bela-schemathesis-'));
  }, SETUP_WAIT_MS + 60_000);
  afterAll(async () => {
    await app?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'finds no failure with every check on',
    async () => {
      const admin = cliKey(app, ['--role', 'admin', '--label', 'schemathesis admin']);
      const auditor = cliKey(app, ['--role', 'auditor', '--label', 'schemathesis auditor']);
      // A small market, so reads, links and examples meet real resources: a paid order and an authorised one.
      const vendor = await sellingVendor(app, admin, [125_000]);
      const cardId = await issueCard(app, admin, 10_000_000);
      const buyer = await buyerKey(app, admin, OPD);
      const paidOrderId = await placeAuthorisedOrder(app, buyer, vendor, cardId);
      expect((await app.request('POST', `/orders/${paidOrderId}/accept`, { token: vendor.vendorToken })).status).toBe(200);
      expect((await app.request('POST', `/orders/${paidOrderId}/ship`, { token: vendor.vendorToken, body: {} })).status).toBe(200);
      // The domain's date (WIB): a UTC date is the day before from 17:00 UTC, and then precedes the order.
      const bastDate = wibDate(new Date());
      const received = await app.request('POST', `/orders/${paidOrderId}/receive`, { token: buyer, body: { bastNumber: 'BAST/001/ST/2026', bastDate } });
      expect(received.status).toBe(200);
      await pollUntil(app, buyer, `/orders/${paidOrderId}`, (order) => order.status === 'paid');
      const authorisedOrderId = await placeAuthorisedOrder(app, buyer, vendor, cardId);
      const seeded = {
        BELA_ADMIN_KEY: admin,
        BELA_AUDITOR_KEY: auditor,
        BELA_BUYER_KEY: buyer,
        BELA_VENDOR_KEY: vendor.vendorToken,
        BELA_VENDOR_ID: vendor.vendorId,
        BELA_LISTING_ID: vendor.listingIds[0]!,
        BELA_AUTHORISED_ORDER_ID: authorisedOrderId,
        BELA_PAID_OCID: ocidOf(OCID_PREFIX_DEFAULT, paidOrderId),
      };

      mkdirSync(REPORT_ROOT, { recursive: true });
      const reportDir = mkdtempSync(join(REPORT_ROOT, 'run-'));
      const args = [
        '--config-file',
        CONFIG_FILE,
        'run',
        `${app.baseUrl}/docs-json`,
        '--checks',
        'all',
        '--max-examples',
        String(MAX_EXAMPLES),
        '--seed',
        SEED,
        // One worker: the service shares 2 cores with other suites, and hypothesis' lambda descriptions are not thread-safe on Python 3.11.
        '--workers',
        '1',
        '--request-timeout',
        String(REQUEST_TIMEOUT_SECONDS),
        '--generation-database',
        'none',
        '--report',
        'junit',
        '--report-dir',
        reportDir,
        '--no-color',
      ];
      process.stdout.write(`\n[schemathesis] ${st} ${args.join(' ')}\n`);
      const started = Date.now();
      const result = await run(st, args, { ...seeded, SCHEMATHESIS_HOOKS: HOOKS_FILE, NO_COLOR: '1' }, workDir);
      const elapsedSeconds = Math.round((Date.now() - started) / 1000);
      const cases = /(\d+) generated/.exec(result.output)?.[1];
      // schemathesis closes with a pytest-style footer ("=== 2 warnings in 70.02s ===") that CI log readers take for a pytest
      // session with no tests; it is dropped from the echo (the exit code and the failure count below carry the verdict).
      const summary = result.output
        .slice(result.output.lastIndexOf('SUMMARY'))
        .split('\n')
        .filter((line) => !/^=+ .* in [\d.]+s =+$/.test(line.trim()))
        .join('\n');
      const junit = readdirSync(reportDir).filter((name) => name.endsWith('.xml'));
      process.stdout.write(
        `\n[schemathesis] ${cases ?? '?'} cases in ${elapsedSeconds} s, exit ${result.exitCode}; JUnit: ${junit.map((name) => join(reportDir, name)).join(', ')}\n`,
      );
      if (result.exitCode !== 0) process.stdout.write(result.output);
      else process.stdout.write(`${summary}\n`);
      expect(Number(cases)).toBeGreaterThan(0);
      expect({ exitCode: result.exitCode, failures: /(\d+) failures?/.exec(summary)?.[1] ?? '0' }).toEqual({ exitCode: 0, failures: '0' });
    },
    RUN_WAIT_MS + 120_000,
  );
});
