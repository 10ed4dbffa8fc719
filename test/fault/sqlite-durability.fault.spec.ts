import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { withTimeout } from '../support/events.js';

const ACKS_BEFORE_KILL = 200;
const CHILD_WAIT_MS = 30_000;

describe('sqlite event store durability (fault)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bela-durability-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('loses no acknowledged append when the writer is killed with SIGKILL', async () => {
    const file = join(scratch, 'events.db');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'append-until-killed.ts'), file, 'durable-1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
          if (acknowledged.length >= ACKS_BEFORE_KILL) {
            // Right after an acknowledged append, with more appends in flight.
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      }),
      CHILD_WAIT_MS,
      'child appends',
    );
    expect(await withTimeout(exited, CHILD_WAIT_MS, 'child exit')).toBe('SIGKILL');

    const reopened = SqliteEventStore.open(file);
    try {
      const stored = await readWholeStream(reopened, 'durable-1');
      const storedIds = new Set(stored.map((e) => e.id));
      const lost = acknowledged.filter((id) => !storedIds.has(id));
      expect(lost).toEqual([]);
      expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
      expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => BigInt(i)));
    } finally {
      await reopened.close();
    }
  });
});
