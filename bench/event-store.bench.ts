/**
 * Event store append throughput against the machine's raw baseline, measured in the same run:
 * raw better-sqlite3 inserts with the same durability (WAL, synchronous=FULL, one commit per
 * append) versus SqliteEventStore appends, awaited one by one and issued concurrently (group
 * commit), and whole commands through the CommandPipeline.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandPipeline } from '../src/event-store/command-pipeline.js';
import type { EventData } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { counterDecider } from '../test/support/counter-decider.js';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 2_000);
const CONCURRENCY = 64;
const PAYLOAD = { vendorId: randomUUID(), title: 'Nasi kotak rapat', priceRupiah: 35_000, unit: 'kotak' };
const METADATA = {
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: { id: 'bench', role: 'system' as const },
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
};

export interface BenchResult {
  readonly name: string;
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
}

function event(type = 'ListingCreated', data: Record<string, unknown> = PAYLOAD): EventData {
  return { id: randomUUID(), type, data, metadata: METADATA };
}

async function timed(name: string, operations: number, run: () => Promise<void> | void): Promise<BenchResult> {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, operations, seconds, perSecond: operations / seconds };
}

/**
 * The raw baseline: better-sqlite3 with the store's durability (WAL, synchronous=FULL) and row
 * shape, one event per transaction. The HTTP report calls it with each command's own event.
 */
export function rawDurableAppends(dir: string, appends = APPENDS, type = 'ListingCreated', data: Record<string, unknown> = PAYLOAD): Promise<BenchResult> {
  const db = new Database(join(dir, `raw-${randomUUID()}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT, revision INTEGER, event_id TEXT, type TEXT, data TEXT, metadata TEXT, created_ms INTEGER)',
  );
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const appendOne = db.transaction((n: number) => {
    const e = event(type, data);
    insert.run(`raw-${n}`, 0, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), Date.now());
  });
  return timed('raw better-sqlite3: one durable commit per append', appends, () => {
    for (let n = 0; n < appends; n += 1) appendOne(n);
  }).finally(() => db.close());
}

export async function runEventStoreBench(): Promise<{ results: BenchResult[]; baseline: BenchResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'bela-bench-'));
  try {
    const baseline = await rawDurableAppends(dir);
    const store = SqliteEventStore.open(join(dir, 'events.db'));
    const sequential = await timed('SqliteEventStore: appends awaited one by one', APPENDS, async () => {
      for (let n = 0; n < APPENDS; n += 1) await store.appendToStream(`seq-${n}`, [event()], { expectedRevision: 'no_stream' });
    });
    const concurrent = await timed(`SqliteEventStore: ${CONCURRENCY} concurrent appenders (group commit)`, APPENDS, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < APPENDS) {
            const n = next++;
            await store.appendToStream(`con-${n}`, [event()], { expectedRevision: 'no_stream' });
          }
        }),
      );
    });
    const pipeline = new CommandPipeline(store);
    const context = { actor: { id: 'bench', role: 'system' as const }, correlationId: 'bench', causationId: 'bench', occurredAt: new Date() };
    const commands = await timed(`CommandPipeline: ${CONCURRENCY} concurrent commands on distinct streams`, APPENDS, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < APPENDS) {
            const n = next++;
            await pipeline.handle(counterDecider, `counter-${n}`, { type: 'Open', limit: 10 }, context);
          }
        }),
      );
    });
    await store.close();
    return { results: [sequential, concurrent, commands], baseline };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
