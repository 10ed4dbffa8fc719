import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { READ_MODEL_WAIT_MS_MAX } from '../../src/read-models/read-model-query.service.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { generateHistory } from '../support/generated-history.js';
import { allChecksums, rebuildInto, trialBalanceOf } from '../support/read-model-fixture.js';
import { TestApp } from '../support/test-app.js';

// Projections catch up in one pass over $all, committing pages of thousands of events: the history
// must be long enough that each of the kills still finds them part-way. New read models are built
// beside the served (empty) ones and swapped in at the end: a kill mid-way leaves a scratch file,
// which the next start deletes before it builds again.
const HISTORY_EVENTS = Number(process.env.PROJECTION_CRASH_EVENTS ?? 60_000);
const KILLS = 3;
const STATUS_POLLS_MAX = 10_000;
/** The longest wait a read grants; a 503 READ_MODEL_STALE is asked again, up to CATCH_UP_ROUNDS_MAX times. */
const WAIT_MS = READ_MODEL_WAIT_MS_MAX;
const CATCH_UP_ROUNDS_MAX = 80;
const STEP_MS = 10 * 60_000;

interface ProjectionStatus {
  readonly name: string;
  readonly position: string;
  readonly lagEvents: number;
  readonly pass?: { readonly position: string };
}

/** How far a projection has got: its served rows, or the catch-up pass building them beside. */
function reached(status: ProjectionStatus): bigint {
  const served = BigInt(status.position);
  const pass = status.pass === undefined ? served : BigInt(status.pass.position);
  return pass > served ? pass : served;
}

/** Polls the status until some projection has applied something but not everything: mid-projection. */
async function untilMidProjection(app: TestApp, token: string, head: bigint): Promise<ProjectionStatus[]> {
  for (let poll = 0; poll < STATUS_POLLS_MAX; poll += 1) {
    // Without row counts: a poll that counts every table would let the pass finish between two polls.
    const response = await app.request('GET', '/admin/projections?rows=false', { token });
    const statuses = response.body.projections as ProjectionStatus[];
    if (statuses.some((status) => reached(status) > 0n && reached(status) < head)) return statuses;
    if (statuses.every((status) => BigInt(status.position) >= head))
      throw new Error('every projection caught up before the kill: use a larger PROJECTION_CRASH_EVENTS');
  }
  throw new Error(`no projection was mid-way after ${STATUS_POLLS_MAX} polls`);
}

describe('killing the service during projection (fault)', () => {
  let dataDir: string;
  let head: bigint;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bela-projection-crash-'));
    const history = await generateHistory(dataDir, { seed: 'projection-crash', targetEvents: HISTORY_EVENTS, vendorCount: 120 });
    head = BigInt(history.headPosition);
  }, STEP_MS);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `SIGKILL mid-projection (${KILLS} times), restart: every projection equals a rebuild from the events`,
    async () => {
      const killedAt: ProjectionStatus[][] = [];
      for (let kill = 0; kill < KILLS; kill += 1) {
        const app = await TestApp.start({ dataDir });
        try {
          killedAt.push(await untilMidProjection(app, app.issueKey('admin'), head));
          await app.kill();
        } finally {
          // A failed poll still stops the service: close terminates it when it is still running.
          await app.close();
        }
      }
      // Each kill left some projection part-way.
      expect(killedAt.every((statuses) => statuses.some((status) => BigInt(status.position) < head))).toBe(true);

      const app = await TestApp.start({ dataDir });
      const admin = app.issueKey('admin');
      for (let round = 0; round < CATCH_UP_ROUNDS_MAX; round += 1) {
        const probe = await app.request('GET', `/admin/journal/trial-balance?waitForPosition=${head}&waitMs=${WAIT_MS}`, { token: admin });
        const statuses = (await app.request('GET', '/admin/projections', { token: admin })).body.projections as ProjectionStatus[];
        if (probe.status === 200 && statuses.every((status) => BigInt(status.position) >= head)) break;
      }
      const finalHead = await app.store.headPosition();
      await app.close();
      // The service wrote nothing new (its process manager replays the generated history as no-ops).
      expect(finalHead).toBe(head);

      const live = new Database(join(dataDir, 'read-models.db'));
      const store = SqliteEventStore.open(join(dataDir, 'events.db'));
      const scratch = await rebuildInto(join(dataDir, 'scratch-rebuild.db'), store);
      try {
        const liveEngine = new ProjectionEngine(live, ALL_PROJECTIONS);
        for (const projection of ALL_PROJECTIONS) expect(liveEngine.loadCheckpoint(projection.name)).toBe(head);
        expect(allChecksums(liveEngine)).toEqual(allChecksums(scratch.engine));
        expect(trialBalanceOf(live).netRupiah).toBe(0);
      } finally {
        live.close();
        scratch.db.close();
        await store.close();
      }
    },
    STEP_MS,
  );
});
