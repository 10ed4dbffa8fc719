import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHistory } from '../../support/generated-history.js';
import { projectionsCaughtUp } from '../../support/projections-caught-up.js';
import { TestApp } from '../../support/test-app.js';

/** A small demo market: about 1,500 events (30 vendors, 60 OPD, a few hundred orders). */
export const SEED_EVENTS = 1_500;
const SEED_VENDORS = 30;
const SEED_ORDERS_PER_DAY = 30;

export interface SeededApp {
  readonly app: TestApp;
  readonly head: string;
  close(): Promise<void>;
}

/**
 * The built service over a ledger the demo generator filled (through the same command handlers
 * as the API), every projection caught up. Public rate limits are raised: a browser session
 * makes many requests from one address.
 */
export async function startSeededApp(seed: string, env: Record<string, string> = {}): Promise<SeededApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-browser-'));
  const history = await generateHistory(dataDir, { seed, targetEvents: SEED_EVENTS, vendorCount: SEED_VENDORS, ordersPerDay: SEED_ORDERS_PER_DAY });
  const app = await TestApp.start({ dataDir, env: { PUBLIC_RATE_LIMIT_MAX: '100000', ...env } });
  await projectionsCaughtUp(app, app.issueKey('admin'), history.headPosition);
  return {
    app,
    head: history.headPosition,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
