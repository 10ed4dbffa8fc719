import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import { availableRupiah } from '../../src/cards/domain/card.state.js';
import { CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { verifyEventStoreChain } from '../../src/event-store/sqlite/verify-event-store-chain.js';
import { fold } from '../../src/kernel/decider.js';
import { withTimeout } from '../support/events.js';

const WRITER_PROCESSES = 4;
const AUTHORISATIONS_PER_WRITER = 60;
const APPENDS_PER_WRITER = 500;
const SHARED_STREAMS = ['shared-a', 'shared-b', 'shared-c'];
const LIMIT_RUPIAH = 20_000_000;
const OPD = '3673-DINKES';
const WRITERS_WAIT_MS = 120_000;

interface WriterOutput {
  readonly code: number | null;
  readonly lines: string[];
  readonly stderr: string;
}

function runWriter(file: string, writer: string, cardId: string): Promise<WriterOutput> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'support', 'multi-process-writer.ts'),
      file,
      writer,
      cardId,
      OPD,
      String(AUTHORISATIONS_PER_WRITER),
      String(APPENDS_PER_WRITER),
      SHARED_STREAMS.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, lines: stdout.split('\n').filter(Boolean), stderr })));
}

/**
 * Several OS processes, each with its own connection, group commit and in-process locks, write
 * one events.db at once: commands on one KKP card (only the expected revision stands between
 * them and an overspend) and plain appends to shared streams. None may fail (no SQLITE_BUSY, no
 * 500), none may be lost or doubled, and the card's limit holds.
 */
describe('several processes writing one embedded store (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bela-multi-process-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'acknowledges every append once, loses none, and never exceeds the card limit',
    async () => {
      const file = join(dir, 'events.db');
      const cardId = randomUUID();
      const setup = SqliteEventStore.open(file);
      await new CommandPipeline(setup).handle(
        cardDecider,
        cardStreamId(cardId),
        {
          type: 'IssueCard',
          cardId,
          opd: {
            status: 'registered',
            opdCode: OPD,
            name: 'Dinas Kesehatan Kota Serang',
            kabupatenKotaCode: '3673',
            pemdaCode: '3673',
            pemdaLevel: 'kabupaten-kota',
          },
          holderName: 'Siti Aminah',
          cardLast4: '4242',
          limitRupiah: LIMIT_RUPIAH,
          expiresOn: '2028-12-31',
          at: new Date(),
        },
        { actor: { id: 'admin', role: 'system' }, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date() },
      );
      await setup.close();

      const outputs = await withTimeout(
        Promise.all(Array.from({ length: WRITER_PROCESSES }, (_, n) => runWriter(file, `writer-${n}`, cardId))),
        WRITERS_WAIT_MS,
        'writer processes',
      );
      for (const output of outputs) expect({ code: output.code, stderr: output.stderr }).toEqual({ code: 0, stderr: '' });
      const lines = outputs.flatMap((output) => output.lines);
      expect(lines.filter((line) => line.startsWith('fail '))).toEqual([]);

      const acknowledged = lines.filter((line) => line.startsWith('ack ')).map((line) => line.split(' ') as [string, string, string]);
      expect(acknowledged).toHaveLength(WRITER_PROCESSES * APPENDS_PER_WRITER);
      const authorised = lines.filter((line) => line.startsWith('auth '));
      expect(authorised).toHaveLength(WRITER_PROCESSES * AUTHORISATIONS_PER_WRITER);

      const store = SqliteEventStore.open(file);
      try {
        // Every acknowledged append is in its stream exactly once, and nothing else is.
        const storedIds: string[] = [];
        for (const streamId of SHARED_STREAMS) {
          const stored = await readWholeStream(store, streamId);
          expect(stored.map((event) => event.revision)).toEqual(stored.map((_, index) => BigInt(index)));
          storedIds.push(...stored.map((event) => event.id));
          const acknowledgedHere = acknowledged.filter(([, stream]) => stream === streamId).map(([, , id]) => id);
          expect(new Set(stored.map((event) => event.id))).toEqual(new Set(acknowledgedHere));
        }
        expect(storedIds).toHaveLength(new Set(storedIds).size);
        expect(storedIds).toHaveLength(acknowledged.length);

        // The card: one decision per authorisation, approvals within the limit, and the fold agrees.
        const cardEvents = await readWholeStream(store, cardStreamId(cardId));
        const approved = cardEvents.filter((event) => event.type === 'AuthorisationApproved');
        const declined = cardEvents.filter((event) => event.type === 'AuthorisationDeclined');
        expect(approved.length + declined.length).toBe(WRITER_PROCESSES * AUTHORISATIONS_PER_WRITER);
        expect(approved.length).toBeGreaterThan(0);
        expect(declined.length).toBeGreaterThan(0);
        const approvedRupiah = approved.reduce((sum, event) => sum + (event.data as { amountRupiah: number }).amountRupiah, 0);
        expect(approvedRupiah).toBeLessThanOrEqual(LIMIT_RUPIAH);
        const state = fold(cardDecider, cardEvents as never);
        expect(state.status).toBe('active');
        if (state.status === 'active') expect(availableRupiah(state)).toBe(LIMIT_RUPIAH - approvedRupiah);

        // Positions are dense and the hash chain, continued by four processes, verifies end to end.
        const head = await store.headPosition();
        expect(head).toBe(BigInt(1 + WRITER_PROCESSES * (APPENDS_PER_WRITER + AUTHORISATIONS_PER_WRITER)));
        expect(verifyEventStoreChain(file)).toMatchObject({ ok: true, events: Number(head) });
        process.stdout.write(
          `multi-process writers: ${WRITER_PROCESSES} processes, ${acknowledged.length} appends and ${authorised.length} authorisations, ` +
            `${approved.length} approved (Rp ${approvedRupiah}) / ${declined.length} declined, none failed\n`,
        );
      } finally {
        await store.close();
      }
    },
    WRITERS_WAIT_MS + 30_000,
  );
});
