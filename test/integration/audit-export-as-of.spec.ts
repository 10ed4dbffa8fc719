import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateAsOf } from '../../src/audit/as-of/aggregate-as-of.js';
import { balancesAsOf } from '../../src/audit/as-of/balances-as-of.js';
import { parseExportRange } from '../../src/audit/export/export-range.js';
import { writeExport } from '../../src/audit/export/write-export.js';
import type { ExportView } from '../../src/audit/export/export-line.js';
import { cardDecider, cardStreamId } from '../../src/cards/domain/card.decider.js';
import { cardView } from '../../src/cards/http/card.view.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { readWholeStream } from '../../src/event-store/read-whole-stream.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { fold } from '../../src/kernel/decider.js';
import { DomainError } from '../../src/kernel/errors.js';
import { trialBalance } from '../../src/read-models/queries/trial-balance.js';
import { generateHistory, readEverything } from '../support/generated-history.js';
import { rebuildInto } from '../support/read-model-fixture.js';
import { PROJECT_ROOT } from '../support/test-app.js';

/** Small enough for a quick run, large enough for orders, holds, captures and settlements (about 3,200 events). */
const TARGET_EVENTS = 2_000;
const VENDORS = 30;
const AUDITOR = { id: 'test:auditor', role: 'auditor' } as const;
const CLI_JS = join(PROJECT_ROOT, 'dist', 'src', 'cli.js');
const CLI_TIMEOUT_MS = 120_000;
const SUITE_STEP_MS = 5 * 60_000;

async function exportToFile(store: SqliteEventStore, path: string, view: ExportView, raw: Parameters<typeof parseExportRange>[0] = {}): Promise<number> {
  const out = createWriteStream(path, { flags: 'a' });
  const written = await writeExport(store, parseExportRange(raw), view, out);
  out.end();
  await once(out, 'finish');
  return written;
}

const linesOf = (path: string): Record<string, any>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

function cli(args: string[], dataDir: string): string {
  return execFileSync(process.execPath, [CLI_JS, ...args, '--data-dir', dataDir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('audit export and as-of over a generated history (integration)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-audit-'));
    await generateHistory(dir, { seed: 'audit-export', targetEvents: TARGET_EVENTS, vendorCount: VENDORS });
    store = SqliteEventStore.open(join(dir, 'events.db'));
    events = await readEverything(store);
  }, SUITE_STEP_MS);

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a full export holds every event once, in position order, as stored', async () => {
    const path = join(dir, 'full.ndjson');
    expect(await exportToFile(store, path, 'full')).toBe(events.length);
    const lines = linesOf(path);
    expect(events.length).toBeGreaterThanOrEqual(TARGET_EVENTS);
    expect(lines.map((line) => line.id)).toEqual(events.map((event) => event.id));
    expect(lines.map((line) => line.position)).toEqual(events.map((event) => event.position.toString()));
    const byId = new Map(events.map((event) => [event.id, event]));
    for (const line of lines) {
      const event = byId.get(line.id)!;
      expect(line).toMatchObject({ streamId: event.streamId, revision: event.revision.toString(), type: event.type, recordedAt: event.created.toISOString() });
      expect(line.data).toEqual(event.data);
      expect(line.metadata).toEqual(event.metadata);
    }
  });

  it('a position range and a time range select exactly their events', async () => {
    const path = join(dir, 'range.ndjson');
    await exportToFile(store, path, 'full', { fromPosition: '100', toPosition: '199' });
    expect(linesOf(path).map((line) => line.position)).toEqual(
      events.filter((event) => event.position >= 100n && event.position <= 199n).map((event) => event.position.toString()),
    );
    const from = events[500]!.created;
    const to = events[1500]!.created;
    const timed = join(dir, 'timed.ndjson');
    await exportToFile(store, timed, 'full', { from: from.toISOString(), to: to.toISOString() });
    const expected = events.filter((event) => event.created >= from && event.created <= to).map((event) => event.id);
    expect(expected.length).toBeGreaterThan(1000);
    expect(linesOf(timed).map((line) => line.id)).toEqual(expected);
  });

  it('a public export holds only public views: no holder name, NIK/NPWP, contact, card digits, actor or salt', async () => {
    const path = join(dir, 'public.ndjson');
    expect(await exportToFile(store, path, 'public')).toBe(events.length);
    const text = readFileSync(path, 'utf8');
    const personal = new Set<string>();
    for (const event of events) {
      const data = event.data as Record<string, any>;
      if (typeof data.holderName === 'string') personal.add(data.holderName);
      if (typeof data.npwp === 'string' && data.npwp.length === 16) personal.add(data.npwp);
      if (data.contact) for (const value of Object.values(data.contact as Record<string, string>)) if (value) personal.add(value);
      if (typeof data.buyer?.officialName === 'string') personal.add(data.buyer.officialName);
      if (typeof data.by?.officialName === 'string') personal.add(data.by.officialName);
      if (event.commitment) personal.add(event.commitment.saltHex);
      personal.add(event.metadata.actor.id);
    }
    expect(personal.size).toBeGreaterThan(50);
    expect([...personal].filter((value) => text.includes(value))).toEqual([]);
    for (const key of ['holderName', 'cardLast4', 'contact', 'officialName', '"npwp"', 'saltHex', 'metadata', 'actor'])
      expect({ key, found: text.includes(key) }).toEqual({ key, found: false });
    const lines = linesOf(path);
    expect(lines.map((line) => line.id)).toEqual(events.map((event) => event.id));
    expect(
      lines
        .filter((line) => line.publicView === null)
        .map((line) => line.type)
        .sort(),
    ).toEqual(
      events
        .filter((event) => event.type === 'NibReserved' || event.type === 'NibReleased')
        .map((event) => event.type)
        .sort(),
    );
  });

  it('an export interrupted mid-line and resumed by the CLI has no duplicate and no gap', async () => {
    const whole = join(dir, 'whole-cli.ndjson');
    cli(['audit', 'export', '--out', whole], dir);
    const expected = readFileSync(whole, 'utf8');
    expect(linesOf(whole)).toHaveLength(events.length);

    const resumed = join(dir, 'resumed.ndjson');
    await exportToFile(store, resumed, 'full', { toPosition: '1234' });
    const cut = Buffer.byteLength(readFileSync(resumed, 'utf8')) - 57;
    truncateSync(resumed, cut);
    cli(['audit', 'export', '--out', resumed], dir);
    expect(readFileSync(resumed, 'utf8')).toBe(expected);

    // Resuming a complete export writes nothing more.
    cli(['audit', 'export', '--out', resumed], dir);
    expect(readFileSync(resumed, 'utf8')).toBe(expected);
  });

  it('a public export resumed by the CLI matches one written at once', async () => {
    const whole = join(dir, 'public-once.ndjson');
    cli(['audit', 'export', '--public', '--out', whole], dir);
    const text = readFileSync(whole, 'utf8');
    const resumed = join(dir, 'public-resumed.ndjson');
    writeFileSync(resumed, text.slice(0, Math.floor(text.length / 3)));
    cli(['audit', 'export', '--public', '--out', resumed], dir);
    expect(readFileSync(resumed, 'utf8')).toBe(text);
  });

  describe('as-of', () => {
    /** The card with the most events: its state changes along the history. */
    function busiestCard(): string {
      const counts = new Map<string, number>();
      for (const event of events) if (event.streamId.startsWith('card-')) counts.set(event.streamId, (counts.get(event.streamId) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0].slice('card-'.length);
    }

    it('a card at a past position is the fold of its events up to it, and differs from now', async () => {
      const cardId = busiestCard();
      const stream = await readWholeStream(store, cardStreamId(cardId));
      expect(stream.length).toBeGreaterThan(6);
      const middle = stream[Math.floor(stream.length / 2)]!;
      const past = await aggregateAsOf(store, 'card', cardId, { kind: 'position', position: middle.position }, AUDITOR);
      const upTo = stream.filter((event) => event.position <= middle.position);
      const folded = fold(cardDecider, upTo as never);
      if (folded.status === 'absent') throw new Error('the card was issued before its middle event');
      expect(past.state).toEqual(cardView(folded, middle.revision));
      expect(past.lastEvent).toMatchObject({ position: middle.position.toString(), revision: middle.revision.toString() });

      const head = events[events.length - 1]!.position;
      const now = await aggregateAsOf(store, 'card', cardId, { kind: 'position', position: head }, AUDITOR);
      const current = fold(cardDecider, stream as never);
      if (current.status === 'absent') throw new Error('the card exists');
      expect(now.state).toEqual(cardView(current, stream[stream.length - 1]!.revision));
      expect(now.state).not.toEqual(past.state);
      expect([past.state.heldRupiah, past.state.capturedUnsettledRupiah, past.state.availableRupiah]).not.toEqual([
        now.state.heldRupiah,
        now.state.capturedUnsettledRupiah,
        now.state.availableRupiah,
      ]);
    });

    it('a card at a past time is the card at the last position recorded at or before it', async () => {
      const cardId = busiestCard();
      const at = events[Math.floor(events.length / 2)]!.created;
      const lastBefore = events.filter((event) => event.created <= at).at(-1)!.position;
      const byTime = await aggregateAsOf(store, 'card', cardId, { kind: 'time', at }, AUDITOR);
      const byPosition = await aggregateAsOf(store, 'card', cardId, { kind: 'position', position: lastBefore }, AUDITOR);
      expect(byTime.state).toEqual(byPosition.state);
    });

    it('an aggregate before its first event is 404 NOT_YET_CREATED, an unknown id 404 CARD_NOT_FOUND', async () => {
      const cardId = busiestCard();
      const first = (await readWholeStream(store, cardStreamId(cardId)))[0]!;
      const refusal = aggregateAsOf(store, 'card', cardId, { kind: 'position', position: first.position - 1n }, AUDITOR);
      await expect(refusal).rejects.toBeInstanceOf(DomainError);
      await expect(refusal).rejects.toMatchObject({ kind: 'not_found', code: 'NOT_YET_CREATED', details: { firstPosition: first.position.toString() } });
      await expect(aggregateAsOf(store, 'card', '00000000-0000-4000-8000-000000000000', { kind: 'position', position: 1n }, AUDITOR)).rejects.toMatchObject({
        code: 'CARD_NOT_FOUND',
      });
    });

    it('orders, vendors and listings fold the same way', async () => {
      for (const [kind, prefix] of [
        ['order', 'order-'],
        ['vendor', 'vendor-'],
        ['listing', 'listing-'],
      ] as const) {
        const first = events.find((event) => event.streamId.startsWith(prefix))!;
        const id = first.streamId.slice(prefix.length);
        const stream = await readWholeStream(store, first.streamId);
        const atFirst = await aggregateAsOf(store, kind, id, { kind: 'position', position: first.position }, AUDITOR);
        expect({ kind, revision: atFirst.lastEvent.revision }).toEqual({ kind, revision: '0' });
        const atHead = await aggregateAsOf(store, kind, id, { kind: 'position', position: events.at(-1)!.position }, AUDITOR);
        expect({ kind, revision: atHead.lastEvent.revision }).toEqual({ kind, revision: stream.at(-1)!.revision.toString() });
      }
    });

    it('the balances as of the head equal the read models rebuilt from every event', async () => {
      const head = events.at(-1)!.position;
      const asOf = await balancesAsOf(store, { kind: 'position', position: head }, { limit: 10_000 });
      const { db } = await rebuildInto(join(dir, 'read-models.db'), store);
      try {
        expect(asOf.eventsReplayed).toBe(events.length);
        expect(asOf.lastEvent).toEqual({ position: head.toString(), recordedAt: events.at(-1)!.created.toISOString() });
        expect(asOf.trialBalance).toEqual(trialBalance(db));
        expect(asOf.trialBalance.balanced).toBe(true);
        const live = db
          .prepare(
            `SELECT card_id AS cardId, opd_code AS opdCode, status, limit_rupiah AS limitRupiah, held_rupiah AS heldRupiah,
                    captured_unsettled_rupiah AS capturedUnsettledRupiah, available_rupiah AS availableRupiah FROM card_accounts ORDER BY card_id`,
          )
          .all();
        expect(asOf.cards).toEqual(live);
        expect(asOf.cards.length).toBeGreaterThan(10);
        expect(asOf.nextAfterCardId).toBeNull();
      } finally {
        db.close();
      }
    });

    it('the balances at a past position are those of the events up to it, balanced, and differ from the head', async () => {
      const cut = events[Math.floor(events.length * 0.6)]!.position;
      const past = await balancesAsOf(store, { kind: 'position', position: cut }, { limit: 10_000 });
      const head = await balancesAsOf(store, { kind: 'position', position: events.at(-1)!.position }, { limit: 10_000 });
      expect(past.eventsReplayed).toBe(events.filter((event) => event.position <= cut).length);
      expect(past.trialBalance.balanced).toBe(true);
      expect(past.trialBalance).not.toEqual(head.trialBalance);
      const cardId = busiestCard();
      const fromFold = await aggregateAsOf(store, 'card', cardId, { kind: 'position', position: cut }, AUDITOR);
      const fromReplay = past.cards.find((card) => card.cardId === cardId)!;
      expect(fromReplay).toMatchObject({
        limitRupiah: fromFold.state.limitRupiah,
        heldRupiah: fromFold.state.heldRupiah,
        capturedUnsettledRupiah: fromFold.state.capturedUnsettledRupiah,
        availableRupiah: fromFold.state.availableRupiah,
      });
      const page = await balancesAsOf(store, { kind: 'position', position: cut }, { limit: 5 });
      expect(page.cards).toEqual(past.cards.slice(0, 5));
      expect(page.nextAfterCardId).toBe(past.cards[4]!.cardId);
    });
  });
});
