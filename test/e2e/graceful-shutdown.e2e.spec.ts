import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcknowledgedLoad, effectMismatches, eventIdsByIdempotencyKey, seedLedger, settle, storedCheckpoints } from '../support/acknowledged-load.js';
import { TestApp } from '../support/test-app.js';

const WORKERS = 4;
/** Acknowledged commands before the SIGTERM, so the stop meets a ledger with history and requests in flight. */
const ACKNOWLEDGED_BEFORE_TERM = 30;
const LOAD_POLL_MS = 1;
const STEP_MS = 120_000;

describe('graceful shutdown on SIGTERM (e2e, the built service)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-shutdown-'));
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'SIGTERM under load: requests in flight are answered, every 2xx is stored, exit 0, and a restart resumes every checkpoint where it was',
    async () => {
      const first = await TestApp.start({ dataDir });
      app = first;
      const load = new AcknowledgedLoad(await seedLedger(first));

      let terminated = false;
      const running = load.run(first.baseUrl, WORKERS, () => terminated);
      // The signal goes at a moment when some command has been sent and not yet answered.
      while (load.acknowledged.length < ACKNOWLEDGED_BEFORE_TERM || load.unanswered.length === 0)
        await new Promise((resolve) => setTimeout(resolve, LOAD_POLL_MS));
      const inFlightAtTerm = load.unanswered;
      const exit = first.terminate();
      terminated = true;
      await running;

      // Exit 0 means the stop finished inside the service's own bound (past it, it exits 1).
      expect(await exit).toBe(0);
      expect(first.output()).toMatch(/SIGTERM: stopping/);
      expect(first.output()).toMatch(/stopped in \d+ ms/);
      // The stop is logged as JSON lines (pino), the last one written before the exit, so none is lost.
      const stopLines = first
        .output()
        .split('\n')
        .filter((line) => /stopping|stopped in/.test(line))
        .map((line) => JSON.parse(line));
      expect(stopLines).toEqual([
        expect.objectContaining({ level: 'info', context: 'bela-ledger', msg: expect.stringMatching(/^SIGTERM: stopping/) }),
        expect.objectContaining({ level: 'info', context: 'bela-ledger', msg: expect.stringMatching(/^stopped in \d+ ms$/) }),
      ]);
      // Requests the service was serving when the signal came were finished, not cut.
      expect(inFlightAtTerm.length).toBeGreaterThan(0);
      expect(inFlightAtTerm.filter((command) => command.acknowledged !== undefined).length).toBeGreaterThan(0);
      // Every 2xx answer is in the store, with exactly the events it named.
      expect(load.acknowledged.length).toBeGreaterThan(ACKNOWLEDGED_BEFORE_TERM);
      expect(effectMismatches(load.acknowledged, eventIdsByIdempotencyKey(dataDir))).toEqual([]);

      const checkpointsAtStop = storedCheckpoints(dataDir);
      const restarted = await TestApp.start({ dataDir });
      app = restarted;
      const { headPosition, subscriptions } = await settle(restarted);
      // The projections stopped after a committed batch, with history behind them.
      for (const name of ['vendors', 'orders']) expect(checkpointsAtStop.get(name) ?? -1n).toBeGreaterThan(0n);
      for (const status of subscriptions) {
        const stored = checkpointsAtStop.get(status.name);
        if (stored === undefined) continue;
        // Resumed from its checkpoint: it handled at most the events after it, none before.
        expect(BigInt(status.eventsHandled)).toBeLessThanOrEqual(headPosition - stored);
        expect(BigInt(status.position)).toBeGreaterThanOrEqual(stored);
      }
    },
    STEP_MS,
  );
});
