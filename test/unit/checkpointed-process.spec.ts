import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import type { SubscriptionRegistry } from '../../src/event-store/subscription-registry.js';
import { DomainError } from '../../src/kernel/errors.js';
import { CHECKPOINT_UNSAVED_TRIGGERS_MAX, CheckpointedProcess, REACTIONS_IN_FLIGHT_MAX, WINDOW_ENTRIES_MAX } from '../../src/process/checkpointed-process.js';
import { ProcessRefusalMetrics } from '../../src/process/process-refusal-metrics.js';
import { testMetadata } from '../support/events.js';

/** What a test trigger asks of its reaction: its ordering keys (none: the default, one at a time) and whether it fails or is refused. */
interface TriggerData {
  readonly keys?: readonly string[];
  readonly outcome?: 'fail' | 'refused';
}

function trigger(position: number, data: TriggerData = {}): RecordedEvent<TriggerData> {
  return {
    id: `trigger-${position}`,
    type: 'Triggered',
    streamId: 'test-1',
    revision: BigInt(position),
    position: BigInt(position),
    data,
    metadata: testMetadata,
    created: new Date(0),
  };
}

class Deferred {
  resolve!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.resolve = resolve));
}

/** Records when each reaction starts and ends; a reaction waits until the test releases it. */
class RecordingProcess extends CheckpointedProcess {
  readonly name = 'process.test';
  readonly filter = { eventTypes: ['Triggered'] };
  protected readonly process = 'test';
  readonly trace: string[] = [];
  readonly refused: string[] = [];
  readonly releases = new Map<string, Deferred>();

  constructor(checkpoints: SqliteCheckpointStore) {
    super({ register: () => undefined } as unknown as SubscriptionRegistry, checkpoints, new ProcessRefusalMetrics());
  }

  release(id: string): void {
    this.gate(id).resolve();
  }

  protected override orderingKeys(trigger: RecordedEvent): readonly string[] {
    return (trigger.data as TriggerData).keys ?? (super.orderingKeys(trigger) as readonly string[]);
  }

  protected async react(trigger: RecordedEvent): Promise<void> {
    this.trace.push(`start ${trigger.id}`);
    await this.gate(trigger.id).promise;
    this.trace.push(`end ${trigger.id}`);
    const { outcome } = trigger.data as TriggerData;
    if (outcome === 'fail') throw new Error(`${trigger.id} failed`);
    if (outcome === 'refused') throw new DomainError('business_rule', 'TEST_REFUSED', 'refused');
  }

  protected async recordRefusal(trigger: RecordedEvent): Promise<void> {
    this.refused.push(trigger.id);
  }

  private gate(id: string): Deferred {
    let gate = this.releases.get(id);
    if (!gate) {
      gate = new Deferred();
      this.releases.set(id, gate);
    }
    return gate;
  }
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CheckpointedProcess: a batch of reactions', () => {
  let db: Database.Database;
  let checkpoints: SqliteCheckpointStore;
  let process: RecordingProcess;
  beforeEach(() => {
    db = new Database(':memory:');
    checkpoints = new SqliteCheckpointStore(db);
    process = new RecordingProcess(checkpoints);
  });
  afterEach(() => db.close());

  it('runs reactions with different keys at the same time, and those sharing a key one after another in $all order', async () => {
    const batch = [
      trigger(1, { keys: ['order-a', 'card-x'] }),
      trigger(2, { keys: ['order-b', 'card-y'] }),
      trigger(3, { keys: ['order-a'] }),
      trigger(4, { keys: ['order-c', 'card-x'] }),
    ];
    const handled = process.handleBatch(batch, 4n);
    await settle();
    // 1 and 2 share nothing: both started; 3 waits for 1 (order-a), 4 for 1 (card-x).
    expect(process.trace).toEqual(['start trigger-1', 'start trigger-2']);
    process.release('trigger-2');
    await settle();
    expect(process.trace).toEqual(['start trigger-1', 'start trigger-2', 'end trigger-2']);
    expect(checkpoints.load('process.test')).toBe('start');
    process.release('trigger-1');
    await settle();
    expect(process.trace.slice(3)).toEqual(['end trigger-1', 'start trigger-3', 'start trigger-4']);
    process.release('trigger-4');
    process.release('trigger-3');
    await handled;
    expect(checkpoints.load('process.test')).toBe(4n);
  });

  it('by default reacts to one trigger after another', async () => {
    const handled = process.handleBatch([trigger(1), trigger(2), trigger(3)], 7n);
    for (const id of ['trigger-1', 'trigger-2', 'trigger-3']) {
      await settle();
      expect(process.trace[process.trace.length - 1]).toBe(`start ${id}`);
      process.release(id);
    }
    await handled;
    expect(process.trace).toEqual(['start trigger-1', 'end trigger-1', 'start trigger-2', 'end trigger-2', 'start trigger-3', 'end trigger-3']);
    expect(checkpoints.load('process.test')).toBe(7n);
  });

  it('on a failure stores the checkpoint at the last trigger before it, skips the later reactions on its keys, and rethrows it', async () => {
    const batch = [trigger(1, { keys: ['a'] }), trigger(2, { keys: ['b'], outcome: 'fail' }), trigger(3, { keys: ['b'] }), trigger(4, { keys: ['c'] })];
    for (const event of batch) process.release(event.id);
    await expect(process.handleBatch(batch, 4n)).rejects.toThrow('trigger-2 failed');
    expect(checkpoints.load('process.test')).toBe(1n);
    // 3 shares b with the failed reaction: never run; 4 ran and runs again, as a no-op, on the retry.
    expect(process.trace).not.toContain('start trigger-3');
    expect(process.trace).toContain('end trigger-4');
  });

  it('stores nothing when the first reaction fails, and never moves a checkpoint back', async () => {
    checkpoints.save('process.test', 10n);
    process.release('trigger-12');
    await expect(process.handleBatch([trigger(12, { outcome: 'fail' })], 10n)).rejects.toThrow('trigger-12 failed');
    expect(checkpoints.load('process.test')).toBe(10n);
  });

  it('records a refusal instead of failing, and goes on', async () => {
    const batch = [trigger(1, { keys: ['a'], outcome: 'refused' }), trigger(2, { keys: ['a'] })];
    for (const event of batch) process.release(event.id);
    await process.handleBatch(batch, 2n);
    expect(process.refused).toEqual(['trigger-1']);
    expect(process.trace).toContain('end trigger-2');
    expect(checkpoints.load('process.test')).toBe(2n);
  });

  it(`keeps at most ${REACTIONS_IN_FLIGHT_MAX} reactions in flight`, async () => {
    const batch = Array.from({ length: REACTIONS_IN_FLIGHT_MAX + 5 }, (_, index) => trigger(index + 1, { keys: [`order-${index}`] }));
    const handled = process.handleBatch(batch, BigInt(batch.length));
    await settle();
    expect(process.trace.filter((line) => line.startsWith('start'))).toHaveLength(REACTIONS_IN_FLIGHT_MAX);
    process.release('trigger-1');
    await settle();
    expect(process.trace).toContain(`start trigger-${REACTIONS_IN_FLIGHT_MAX + 1}`);
    for (const event of batch) process.release(event.id);
    await handled;
    expect(process.trace.filter((line) => line.startsWith('end'))).toHaveLength(batch.length);
    expect(checkpoints.load('process.test')).toBe(BigInt(batch.length));
  });
});

describe('CheckpointedProcess: the sliding window over batches', () => {
  let db: Database.Database;
  let checkpoints: SqliteCheckpointStore;
  let process: RecordingProcess;
  let handled: bigint[];
  let failuresReported: number;
  const report = {
    handled: (position: bigint): void => {
      handled.push(position);
    },
    failed: (): void => {
      failuresReported += 1;
    },
  };
  beforeEach(() => {
    db = new Database(':memory:');
    checkpoints = new SqliteCheckpointStore(db);
    process = new RecordingProcess(checkpoints);
    handled = [];
    failuresReported = 0;
  });
  afterEach(() => db.close());

  it('admits the next batch while an earlier reaction is in flight, and never stores a checkpoint past an unfinished trigger', async () => {
    await process.admitBatch([trigger(1, { keys: ['a'] }), trigger(2, { keys: ['b'] })], 2n, report);
    await process.admitBatch([trigger(4, { keys: ['c'] })], 6n, report);
    await settle();
    expect(process.trace).toEqual(['start trigger-1', 'start trigger-2', 'start trigger-4']);
    process.release('trigger-2');
    process.release('trigger-4');
    await settle();
    expect(checkpoints.load('process.test')).toBe('start');
    expect(handled).toEqual([]);
    process.release('trigger-1');
    await process.idle();
    expect(checkpoints.load('process.test')).toBe(6n);
    expect(handled).toEqual([6n]);
  });

  it('moves the checkpoint to the position before the lowest unfinished trigger', async () => {
    await process.admitBatch([trigger(1, { keys: ['a'] }), trigger(2, { keys: ['b'] })], 3n, report);
    await process.admitBatch([trigger(5, { keys: ['c'] })], 5n, report);
    process.release('trigger-1');
    await settle();
    expect(checkpoints.load('process.test')).toBe(1n);
    process.release('trigger-5');
    await settle();
    expect(checkpoints.load('process.test')).toBe(1n);
    process.release('trigger-2');
    await process.idle();
    expect(checkpoints.load('process.test')).toBe(5n);
    expect(handled).toEqual([1n, 5n]);
  });

  it('keeps the order of the reactions on one key across batches', async () => {
    await process.admitBatch([trigger(1, { keys: ['order-a', 'card-x'] })], 1n, report);
    await process.admitBatch([trigger(2, { keys: ['order-b', 'card-x'] }), trigger(3, { keys: ['order-c'] })], 3n, report);
    await process.admitBatch([trigger(4, { keys: ['order-b'] })], 4n, report);
    await settle();
    expect(process.trace).toEqual(['start trigger-1', 'start trigger-3']);
    process.release('trigger-1');
    await settle();
    expect(process.trace.slice(2)).toEqual(['end trigger-1', 'start trigger-2']);
    process.release('trigger-2');
    await settle();
    expect(process.trace.slice(4)).toEqual(['end trigger-2', 'start trigger-4']);
    process.release('trigger-4');
    process.release('trigger-3');
    await process.idle();
    expect(checkpoints.load('process.test')).toBe(4n);
  });

  it(`keeps at most ${REACTIONS_IN_FLIGHT_MAX} reactions in flight over all admitted batches`, async () => {
    const first = Array.from({ length: REACTIONS_IN_FLIGHT_MAX - 2 }, (_, index) => trigger(index + 1, { keys: [`order-${index}`] }));
    const second = Array.from({ length: 5 }, (_, index) => trigger(first.length + index + 1, { keys: [`order-${first.length + index}`] }));
    await process.admitBatch(first, BigInt(first.length), report);
    await process.admitBatch(second, BigInt(first.length + second.length), report);
    await settle();
    expect(process.trace.filter((line) => line.startsWith('start'))).toHaveLength(REACTIONS_IN_FLIGHT_MAX);
    process.release('trigger-1');
    await settle();
    expect(process.trace.filter((line) => line.startsWith('start'))).toHaveLength(REACTIONS_IN_FLIGHT_MAX + 1);
    for (const event of [...first, ...second]) process.release(event.id);
    await process.idle();
    expect(checkpoints.load('process.test')).toBe(BigInt(first.length + second.length));
  });

  it(`admits a batch only while the window holds fewer than ${WINDOW_ENTRIES_MAX} entries`, async () => {
    const full = Array.from({ length: WINDOW_ENTRIES_MAX - 1 }, (_, index) => trigger(index + 1, { keys: [`order-${index}`] }));
    await process.admitBatch(full, BigInt(full.length), report);
    for (const event of full.slice(1)) process.release(event.id);
    await settle();
    let admitted = false;
    const next = process.admitBatch([trigger(WINDOW_ENTRIES_MAX, { keys: ['order-next'] })], BigInt(WINDOW_ENTRIES_MAX), report).then(() => (admitted = true));
    await settle();
    expect(admitted).toBe(false);
    expect(process.trace).not.toContain(`start trigger-${WINDOW_ENTRIES_MAX}`);
    process.release('trigger-1');
    await next;
    process.release(`trigger-${WINDOW_ENTRIES_MAX}`);
    await process.idle();
    expect(checkpoints.load('process.test')).toBe(BigInt(WINDOW_ENTRIES_MAX));
  });

  it('after a failure skips the later reactions on its key, lets the others finish, keeps the checkpoint before it and rejects the next batch', async () => {
    await process.admitBatch([trigger(1, { keys: ['a'] }), trigger(2, { keys: ['b'], outcome: 'fail' })], 2n, report);
    await process.admitBatch([trigger(3, { keys: ['b'] }), trigger(4, { keys: ['c'] })], 4n, report);
    process.release('trigger-1');
    process.release('trigger-2');
    await settle();
    // Reported at once (trigger 2, and trigger 3 skipped behind it), so the runner need not wait for another batch.
    expect(failuresReported).toBe(2);
    let rejected: unknown;
    const next = process.admitBatch([trigger(5, { keys: ['d'] })], 5n, report).catch((error: unknown) => (rejected = error));
    await settle();
    // The batch after the failure waits for trigger 4, still in flight, and is never started.
    expect(rejected).toBeUndefined();
    process.release('trigger-4');
    await next;
    expect(rejected).toEqual(new Error('trigger-2 failed'));
    expect(process.trace).not.toContain('start trigger-3');
    expect(process.trace).not.toContain('start trigger-5');
    expect(process.trace).toContain('end trigger-4');
    expect(checkpoints.load('process.test')).toBe(1n);
    // The runner resumes from the checkpoint: the window starts afresh.
    process.releases.delete('trigger-2');
    process.release('trigger-3');
    await process.admitBatch([trigger(3, { keys: ['b'] })], 3n, report);
    await process.idle();
    expect(checkpoints.load('process.test')).toBe(3n);
  });
});

/** A checkpoint store that counts what it stores, and stores nothing more once its process has "crashed". */
class CrashableCheckpoints extends SqliteCheckpointStore {
  saves: bigint[] = [];
  crashed = false;
  override save(consumer: string, position: bigint): void {
    if (this.crashed) return;
    this.saves.push(position);
    super.save(consumer, position);
  }
}

/** Reacts at once, writing its effect only when it is not already there (as a command with a deterministic id does). */
class EffectProcess extends CheckpointedProcess {
  readonly name = 'process.effects';
  readonly filter = { eventTypes: ['Triggered'] };
  protected readonly process = 'effects';
  readonly reacted: string[] = [];

  constructor(
    checkpoints: SqliteCheckpointStore,
    private readonly effects: Map<string, number>,
  ) {
    super({ register: () => undefined } as unknown as SubscriptionRegistry, checkpoints, new ProcessRefusalMetrics());
  }

  protected override orderingKeys(trigger: RecordedEvent): readonly string[] {
    return [trigger.id];
  }

  protected async react(trigger: RecordedEvent): Promise<void> {
    this.reacted.push(trigger.id);
    if (!this.effects.has(trigger.id)) this.effects.set(trigger.id, (this.effects.get(trigger.id) ?? 0) + 1);
  }

  protected async recordRefusal(): Promise<void> {}
}

/** Enough microtask steps for every reaction of the crash test to settle within one turn. */
const MICROTASK_HOPS = 5_000;

describe('CheckpointedProcess: checkpoints coalesced per turn of the event loop', () => {
  let db: Database.Database;
  let checkpoints: CrashableCheckpoints;
  const handled: Array<{ position: bigint; events: number }> = [];
  const report = { handled: (position: bigint, events: number): number => handled.push({ position, events }), failed: (): void => undefined };
  const triggers = (count: number, from = 1): RecordedEvent[] => Array.from({ length: count }, (_, index) => trigger(from + index));
  beforeEach(() => {
    db = new Database(':memory:');
    checkpoints = new CrashableCheckpoints(db);
    handled.length = 0;
  });
  afterEach(() => db.close());

  it('stores the checkpoint once in the turn the reactions settle and once more in the next, and reports every handled trigger', async () => {
    const process = new EffectProcess(checkpoints, new Map());
    await process.admitBatch(triggers(100), 100n, report);
    await settle();
    await settle();
    expect(checkpoints.saves.length).toBeLessThanOrEqual(2);
    expect(checkpoints.load('process.effects')).toBe(100n);
    expect(handled.reduce((sum, step) => sum + step.events, 0)).toBe(100);
    expect(handled[handled.length - 1]!.position).toBe(100n);
  });

  it(`stores at once when ${CHECKPOINT_UNSAVED_TRIGGERS_MAX} finished triggers wait, and when the window goes idle`, async () => {
    const process = new EffectProcess(checkpoints, new Map());
    const count = 2 * CHECKPOINT_UNSAVED_TRIGGERS_MAX + 10;
    await process.admitBatch(triggers(count), BigInt(count), report);
    await process.idle();
    expect(checkpoints.load('process.effects')).toBe(BigInt(count));
    // Each store covers at most the bound's worth of triggers since the one before.
    for (const step of handled) expect(step.events).toBeLessThanOrEqual(CHECKPOINT_UNSAVED_TRIGGERS_MAX);
    expect(checkpoints.saves).toEqual([...checkpoints.saves].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('after a crash with checkpoints still unsaved, a restart replays at most the bound and writes nothing twice', async () => {
    const effects = new Map<string, number>();
    const first = new EffectProcess(checkpoints, effects);
    const count = 3 * CHECKPOINT_UNSAVED_TRIGGERS_MAX;
    const writtenBeyondCheckpoint = (): number => {
      const stored = checkpoints.load('process.effects');
      return effects.size - (stored === 'start' ? 0 : Number(stored));
    };
    await first.admitBatch(triggers(count), BigInt(count), report);
    // Step through the reactions within this one turn of the event loop (microtask by microtask):
    // at no moment is more written beyond the stored checkpoint than the reactions in flight and the bound.
    let worst = 0;
    for (let hop = 0; hop < MICROTASK_HOPS; hop += 1) {
      await Promise.resolve();
      worst = Math.max(worst, writtenBeyondCheckpoint());
    }
    expect(worst).toBeLessThanOrEqual(REACTIONS_IN_FLIGHT_MAX + CHECKPOINT_UNSAVED_TRIGGERS_MAX);
    // Every reaction has settled, still in the same turn; the process dies before the next turn stores the rest.
    expect(first.reacted).toHaveLength(count);
    checkpoints.crashed = true;
    await settle();
    const stored = checkpoints.load('process.effects');
    const resumeAfter = stored === 'start' ? 0 : Number(stored);
    expect(count - resumeAfter).toBeGreaterThan(0);
    expect(count - resumeAfter).toBeLessThan(CHECKPOINT_UNSAVED_TRIGGERS_MAX);

    checkpoints.crashed = false;
    const restarted = new EffectProcess(checkpoints, effects);
    await restarted.admitBatch(triggers(count - resumeAfter, resumeAfter + 1), BigInt(count), report);
    await restarted.idle();
    expect(restarted.reacted.length).toBe(count - resumeAfter);
    expect(checkpoints.load('process.effects')).toBe(BigInt(count));
    expect(effects.size).toBe(count);
    expect([...effects.values()].every((writes) => writes === 1)).toBe(true);
  });
});
