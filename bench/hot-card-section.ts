/**
 * The report's hot-card section: when bench/hot-card.bench.ts is in the tree, it runs as its own
 * process (so the report does not depend on its exports) and its output, and its last JSON
 * line when it prints one, go into the report.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './support/service.js';

const HOT_CARD_BENCH = join(PROJECT_ROOT, 'bench', 'hot-card.bench.ts');
const HOT_CARD_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_BYTES_MAX = 16 * 1024 * 1024;

export type HotCardSection =
  { readonly status: 'absent' } | { readonly status: 'ran'; readonly output: string; readonly json?: unknown; readonly elapsedMs: number };

export async function runHotCardSection(): Promise<HotCardSection> {
  if (!existsSync(HOT_CARD_BENCH)) return { status: 'absent' };
  const startedMs = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', HOT_CARD_BENCH], {
    cwd: PROJECT_ROOT,
    timeout: HOT_CARD_TIMEOUT_MS,
    maxBuffer: OUTPUT_BYTES_MAX,
  });
  const jsonLine = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((line) => line.trim().startsWith('{'));
  let json: unknown;
  try {
    json = jsonLine ? JSON.parse(jsonLine) : undefined;
  } catch {
    json = undefined;
  }
  return { status: 'ran', output: stdout, ...(json === undefined ? {} : { json }), elapsedMs: Math.round(performance.now() - startedMs) };
}
