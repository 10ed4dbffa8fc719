import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { availableRupiah } from '../../src/cards/domain/card.state.js';
import { CommandContext, CommandPipeline } from '../../src/event-store/command-pipeline.js';
import { AppendResult, EventData, EventStore, ExpectedRevision, WrongExpectedVersionError } from '../../src/event-store/event-store.port.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { fold } from '../../src/kernel/decider.js';
import { DEFAULT_POLICY } from '../../src/policy/domain/policy.js';

const LIMIT_RUPIAH = 20_000_000;
const ATTEMPTS = 200;
const OPD = '3673-DINKES';

/** Counts the version conflicts a connection met, to show the contention was real. */
class ConflictCountingStore implements EventStore {
  conflicts = 0;
  constructor(private readonly inner: SqliteEventStore) {}
  async appendToStream(streamId: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    try {
      return await this.inner.appendToStream(streamId, events, options);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) this.conflicts += 1;
      throw error;
    }
  }
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  countEventsAfter: EventStore['countEventsAfter'] = (...args) => this.inner.countEventsAfter(...args);
  close: EventStore['close'] = () => this.inner.close();
}

const context = (actor: string): CommandContext => ({
  actor: { id: actor, role: 'system' },
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date('2026-11-26T03:00:00Z'),
});

/**
 * Two writers with their own connections and their own in-process locks (as two service
 * instances would be) authorise against one card at once: only the expected revision on the
 * card's stream stands between them and an overspend.
 */
describe('KKP card under contention from two writers (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bela-card-contention-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never approves more than the limit, and the card replays to the same state', async () => {
    const file = join(dir, 'events.db');
    const stores = [new ConflictCountingStore(SqliteEventStore.open(file)), new ConflictCountingStore(SqliteEventStore.open(file))];
    const pipelines = stores.map((store) => new CommandPipeline(store));
    const cardId = randomUUID();
    await pipelines[0]!.handle(
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
      context('admin'),
    );
    // Deterministic amounts from 100,000 to 1,000,000 rupiah; their sum far exceeds the limit.
    const amounts = Array.from({ length: ATTEMPTS }, (_, n) => 100_000 + ((n * 7_919) % 901) * 1_000);
    expect(amounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(LIMIT_RUPIAH * 3);

    const outcomes = await Promise.allSettled(
      amounts.map((amountRupiah, n) =>
        pipelines[n % 2]!.handle(
          cardDecider,
          cardStreamId(cardId),
          {
            type: 'AuthoriseCard',
            orderId: randomUUID(),
            orderAwaitingAuthorisation: true,
            opdCode: OPD,
            payeeVendorId: randomUUID(),
            amountRupiah,
            domesticUmkPurchase: false,
            policy: DEFAULT_POLICY,
            at: new Date('2026-11-26T03:00:00Z'),
          },
          context(`writer-${n % 2}`),
        ),
      ),
    );
    // Safety, not liveness: a command that keeps losing the race gives up with a typed 409
    // (the client retries) and writes nothing; none may fail any other way.
    const gaveUp = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    for (const failure of gaveUp) expect(failure.reason.code).toBe('CONCURRENCY_CONFLICT');
    expect(stores[0]!.conflicts + stores[1]!.conflicts).toBeGreaterThan(0);
    process.stdout.write(
      `card contention: ${ATTEMPTS} authorisations from 2 writers, ${stores[0]!.conflicts + stores[1]!.conflicts} version conflicts retried, ${gaveUp.length} gave up with CONCURRENCY_CONFLICT\n`,
    );

    const events = (await readWholeStream(stores[0]!, cardStreamId(cardId))) as unknown as (CardEvent & { revision: bigint })[];
    const approved = events.filter((e) => e.type === 'AuthorisationApproved');
    const declined = events.filter((e) => e.type === 'AuthorisationDeclined');
    expect(approved.length + declined.length).toBe(ATTEMPTS - gaveUp.length);
    const approvedSum = approved.reduce((sum, e) => sum + (e.data as { amountRupiah: number }).amountRupiah, 0);
    expect(approvedSum).toBeLessThanOrEqual(LIMIT_RUPIAH);
    for (const decline of declined) {
      const data = decline.data as { reason: string; amountRupiah: number; availableRupiah: number };
      expect(data.reason).toBe('INSUFFICIENT_AVAILABLE');
      expect(data.amountRupiah).toBeGreaterThan(data.availableRupiah);
    }
    const state = fold(cardDecider, events);
    expect(state.status).toBe('active');
    if (state.status === 'active') expect(availableRupiah(state)).toBe(LIMIT_RUPIAH - approvedSum);
    await Promise.all(stores.map((store) => store.close()));
  });
});
