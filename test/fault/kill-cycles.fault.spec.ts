import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { IN_FLIGHT_LEASE_MS } from '../../src/idempotency/idempotency-store.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { verifyCheckpointConsistency } from '../../src/verifier/index.js';
import {
  AcknowledgedLoad,
  type SeededLedger,
  type SentCommand,
  effectMismatches,
  eventIdsByIdempotencyKey,
  seedLedger,
  sendCommand,
  settle,
} from '../support/acknowledged-load.js';
import { allChecksums, rebuildInto } from '../support/read-model-fixture.js';
import { TestApp } from '../support/test-app.js';

const CYCLES = Number(process.env.KILL_CYCLES ?? 20);
const WORKERS = 3;
/** Load per cycle before the SIGKILL: 1 to 2 s, varied so the kill meets different steps of the flows. */
const LOAD_MS_MIN = 1_000;
const LOAD_MS_SPREAD = 1_000;
/**
 * An unanswered command is retried once its first attempt's Idempotency-Key reservation has
 * lapsed (the process that held it was killed): then the retry runs or replays, never waits.
 */
const RETRY_AFTER_KILL_MS = IN_FLIGHT_LEASE_MS + 1_000;
/** Acknowledged commands of the cycle before sent again after the restart, as a client that lost the answer would. */
const ACKNOWLEDGED_RESENDS_PER_CYCLE = 5;
const STEP_MS = 10 * 60_000;

interface PendingRetry {
  readonly command: SentCommand;
  readonly killedAtMs: number;
}

interface LogKey {
  readonly origin: string;
  readonly verifierKey: string;
}

function treeSizeOf(note: string): number {
  return Number(note.split('\n')[1]);
}

/** The live read models (a consistent copy) against an offline rebuild from the events: every table's checksum. */
async function liveAndRebuilt(dataDir: string, scratchDir: string, cycle: number): Promise<{ live: unknown; rebuilt: unknown; checkpointsAtHead: boolean }> {
  const liveCopyPath = join(scratchDir, `live-${cycle}.db`);
  const live = new Database(join(dataDir, 'read-models.db'), { fileMustExist: true });
  live.prepare('VACUUM INTO ?').run(liveCopyPath);
  live.close();
  const store = SqliteEventStore.open(join(dataDir, 'events.db'));
  const liveCopy = new Database(liveCopyPath);
  const rebuilt = await rebuildInto(join(scratchDir, `rebuild-${cycle}.db`), store);
  try {
    const head = await store.headPosition();
    const liveEngine = new ProjectionEngine(liveCopy, ALL_PROJECTIONS);
    return {
      live: allChecksums(liveEngine),
      rebuilt: allChecksums(rebuilt.engine),
      checkpointsAtHead: ALL_PROJECTIONS.every((projection) => liveEngine.loadCheckpoint(projection.name) === head),
    };
  } finally {
    liveCopy.close();
    rebuilt.db.close();
    await store.close();
  }
}

describe('SIGKILL cycles under a write load (fault, the built service)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-kill-cycles-'));
  const dataDir = join(scratch, 'data');
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    `${CYCLES} kills: nothing acknowledged lost, nothing doubled, projections equal a rebuild, the log extends its last checkpoint`,
    async () => {
      let ledger: SeededLedger | undefined;
      let load: AcknowledgedLoad | undefined;
      let pending: PendingRetry[] = [];
      let checkpointBeforeKill: string | undefined;
      const figures = {
        cycles: 0,
        retried: 0,
        retriedWithEffect: 0,
        retriedReplayed: 0,
        acknowledgedResent: 0,
        consistencyProofsVerified: 0,
        largestTreeSize: 0,
      };

      let acknowledgedBeforeCycle = 0;
      const afterRestart = async (restarted: TestApp, cycle: number, retryDue: (retry: PendingRetry) => boolean): Promise<void> => {
        // An acknowledged command sent again gets the same answer and writes nothing new.
        for (const command of load!.acknowledged.slice(acknowledgedBeforeCycle).slice(-ACKNOWLEDGED_RESENDS_PER_CYCLE)) {
          const again: SentCommand = { key: command.key, path: command.path, token: command.token, body: command.body };
          await sendCommand(restarted.baseUrl, again);
          expect({ status: again.acknowledged?.status, eventIds: again.acknowledged?.eventIds }).toEqual({
            status: command.acknowledged!.status,
            eventIds: command.acknowledged!.eventIds,
          });
          figures.acknowledgedResent += 1;
        }
        acknowledgedBeforeCycle = load!.acknowledged.length;
        // Unanswered commands whose reservation lapsed: resend with the same Idempotency-Key.
        const due = pending.filter(retryDue);
        pending = pending.filter((retry) => !retryDue(retry));
        for (const { command } of due) {
          const answer = await sendCommand(restarted.baseUrl, command);
          if (answer === 'unanswered') throw new Error(`retry of ${command.path} (key ${command.key}) went unanswered`);
          figures.retried += 1;
          if (command.acknowledged !== undefined) figures.retriedWithEffect += 1;
          // The first attempt had written before the kill: the retry answers with those events.
          if (command.acknowledged?.body.replayed === true) figures.retriedReplayed += 1;
        }
        await settle(restarted);
        // Nothing acknowledged is missing and nothing is doubled: each key's events are exactly the answered ones.
        expect(effectMismatches(load!.commands, eventIdsByIdempotencyKey(dataDir))).toEqual([]);
        // The projections the service serves equal a rebuild from the events.
        const { live, rebuilt, checkpointsAtHead } = await liveAndRebuilt(dataDir, scratch, cycle);
        expect(checkpointsAtHead).toBe(true);
        expect(live).toEqual(rebuilt);
        // The log after the restart extends the checkpoint it signed before the kill.
        if (checkpointBeforeKill !== undefined) {
          const key = (await restarted.request<LogKey>('GET', '/log/key')).body;
          const latest = (await restarted.request<string>('GET', '/log/checkpoint')).body;
          const [from, to] = [treeSizeOf(checkpointBeforeKill), treeSizeOf(latest)];
          const proof = await restarted.request('GET', `/log/proofs/consistency?from=${from}&to=${to}`);
          expect(proof.status).toBe(200);
          await verifyCheckpointConsistency(checkpointBeforeKill, latest, proof.body, key.verifierKey, key.origin);
          figures.consistencyProofsVerified += 1;
          figures.largestTreeSize = Math.max(figures.largestTreeSize, to);
        }
      };

      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        const running = await TestApp.start({ dataDir });
        app = running;
        if (ledger === undefined) {
          ledger = await seedLedger(running);
          load = new AcknowledgedLoad(ledger);
        } else {
          const nowMs = Date.now();
          await afterRestart(running, cycle, (retry) => nowMs - retry.killedAtMs >= RETRY_AFTER_KILL_MS);
        }

        const loadMs = LOAD_MS_MIN + ((cycle * 7) % 10) * (LOAD_MS_SPREAD / 10);
        const unansweredBefore = new Set(load!.unanswered);
        const flows = load!.run(running.baseUrl, WORKERS, () => false);
        await new Promise((resolve) => setTimeout(resolve, loadMs));
        checkpointBeforeKill = (await running.request<string>('GET', '/log/checkpoint')).body;
        await running.kill();
        const killedAtMs = Date.now();
        await flows;
        await running.close();
        for (const command of load!.unanswered) if (!unansweredBefore.has(command)) pending.push({ command, killedAtMs });
        figures.cycles += 1;
      }

      // The last kills' reservations lapse, then every command ever left unanswered has been retried.
      const lastKillMs = Math.max(0, ...pending.map((retry) => retry.killedAtMs));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastKillMs + RETRY_AFTER_KILL_MS - Date.now())));
      const final = await TestApp.start({ dataDir });
      app = final;
      await afterRestart(final, CYCLES, () => true);
      expect(pending).toEqual([]);
      expect(load!.unanswered).toEqual([]);

      const acknowledged = load!.acknowledged.length;
      const duplicates = effectMismatches(load!.commands, eventIdsByIdempotencyKey(dataDir)).length;
      process.stderr.write(
        `kill cycles: ${figures.cycles} SIGKILLs, ${load!.commands.length} commands sent, ${acknowledged} acknowledged and verified, ` +
          `${figures.retried} unanswered retried (${figures.retriedWithEffect} then acknowledged, ${figures.retriedReplayed} of them replaying events written before the kill), ` +
          `${figures.acknowledgedResent} acknowledged commands sent again (same answer), ${duplicates} duplicates, ` +
          `${figures.consistencyProofsVerified} log consistency proofs verified (largest tree ${figures.largestTreeSize})\n`,
      );
      expect(figures.cycles).toBe(CYCLES);
      expect(duplicates).toBe(0);
      // Every acknowledged command wrote at least one event, and every event is a leaf of the log.
      expect(figures.largestTreeSize).toBeGreaterThanOrEqual(acknowledged);
      expect(acknowledged).toBeGreaterThan(CYCLES * WORKERS);
      expect(figures.retried).toBeGreaterThan(0);
      expect(figures.acknowledgedResent).toBeGreaterThan(0);
    },
    STEP_MS,
  );
});
