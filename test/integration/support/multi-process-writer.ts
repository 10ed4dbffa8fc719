/**
 * One writer process for test/integration/multi-process-writers.spec.ts: opens the shared
 * events.db itself, then at once authorises orders on the shared KKP card through the
 * CommandPipeline and appends plain events to shared streams. Reports on stdout, one line each:
 *   ack <streamId> <eventId>      an acknowledged append
 *   auth <orderId> <type>         an authorisation's outcome (AuthorisationApproved / AuthorisationDeclined)
 *   fail <what> <message>         anything else that failed (the test expects none)
 */
import { randomUUID } from 'node:crypto';
import { cardDecider, cardStreamId } from '../../../src/cards/domain/card.decider.js';
import { CommandPipeline } from '../../../src/event-store/command-pipeline.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { DEFAULT_POLICY } from '../../../src/policy/domain/policy.js';
import { anEvent } from '../../support/events.js';

/** Appends in flight at once in this process (so its own appends share group commits too). */
const APPENDS_IN_FLIGHT = 16;
/** A command that keeps losing the race is retried, as an HTTP client retries a 409, this often. */
const CLIENT_RETRIES_MAX = 50;

async function main(): Promise<void> {
  const [file, writer, cardId, opdCode, authCountText, appendCountText, sharedStreamsText] = process.argv.slice(2);
  if (!file || !writer || !cardId || !opdCode || !authCountText || !appendCountText || !sharedStreamsText) {
    throw new Error('usage: multi-process-writer <file> <writer> <cardId> <opdCode> <auths> <appends> <sharedStreams>');
  }
  const authCount = Number(authCountText);
  const appendCount = Number(appendCountText);
  const sharedStreams = sharedStreamsText.split(',');
  const store = SqliteEventStore.open(file);
  const pipeline = new CommandPipeline(store);
  const print = (line: string): void => void process.stdout.write(`${line}\n`);

  const authorise = async (n: number): Promise<void> => {
    const orderId = randomUUID();
    // Deterministic amounts from 100,000 to 1,000,000 rupiah.
    const amountRupiah = 100_000 + (((n + writer.length * 31) * 7_919) % 901) * 1_000;
    for (let retry = 0; ; retry += 1) {
      try {
        const result = await pipeline.handle(
          cardDecider,
          cardStreamId(cardId),
          {
            type: 'AuthoriseCard',
            orderId,
            orderAwaitingAuthorisation: true,
            opdCode,
            payeeVendorId: randomUUID(),
            amountRupiah,
            domesticUmkPurchase: false,
            policy: DEFAULT_POLICY,
            at: new Date('2026-11-26T03:00:00Z'),
          },
          {
            actor: { id: writer, role: 'system' },
            correlationId: randomUUID(),
            causationId: randomUUID(),
            occurredAt: new Date(),
            idempotencyKey: `auth-${orderId}`,
          },
        );
        print(`auth ${orderId} ${result.events[0]?.type ?? 'none'}`);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'CONCURRENCY_CONFLICT' && retry < CLIENT_RETRIES_MAX) continue;
        print(`fail auth ${String(code)} ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
  };

  const appendAll = async (): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: APPENDS_IN_FLIGHT }, async () => {
        while (next < appendCount) {
          const n = next++;
          const streamId = sharedStreams[n % sharedStreams.length]!;
          const event = anEvent('SharedNote', { writer, n });
          try {
            await store.appendToStream(streamId, [event], { expectedRevision: 'any' });
            print(`ack ${streamId} ${event.id}`);
          } catch (error) {
            print(`fail append ${String((error as { code?: string }).code)} ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }),
    );
  };

  const authorisations = (async () => {
    for (let n = 0; n < authCount; n += 1) await authorise(n);
  })();
  await Promise.all([authorisations, appendAll()]);
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
