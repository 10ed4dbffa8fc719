import { AS_OF_AGGREGATES } from '../../../src/audit/as-of/as-of-aggregates.js';
import { isWithin, parseAsOfPoint, prefixWithin } from '../../../src/audit/as-of/as-of-point.js';
import { foldAsOf } from '../../../src/audit/as-of/fold-as-of.js';
import { cardDecider } from '../../../src/cards/domain/card.decider.js';
import type { EventStore, RecordedEvent } from '../../../src/event-store/event-store.port.js';
import { fold } from '../../../src/kernel/decider.js';
import { DomainError } from '../../../src/kernel/errors.js';
import { sampleData, sampleIds, sampleMetadata } from '../../support/ledger-event-samples.js';

const AUDITOR = { id: 'test', role: 'auditor' } as const;
/** A card's view reads no other aggregate: any read of the store is a bug. */
const NO_STORE = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the card as-of view read the store');
    },
  },
) as EventStore;

function codeOf(work: () => unknown): { code: string; fields: string[] } {
  try {
    work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, fields: (error.details.errors as { field: string }[]).map((entry) => entry.field) };
  }
  throw new Error('expected a DomainError');
}

/** A card's stream: issued, a hold, a capture, a limit change; positions 10, 20, 30, 40, a minute apart. */
function cardStream(): RecordedEvent[] {
  const ids = sampleIds();
  const data = sampleData(ids);
  const types = ['CardIssued', 'AuthorisationApproved', 'AuthorisationCaptured', 'CardLimitChanged'] as const;
  return types.map((type, index) => ({
    id: `00000000-0000-4000-8000-00000000000${index}`,
    type,
    streamId: `card-${ids.cardId}`,
    revision: BigInt(index),
    position: BigInt((index + 1) * 10),
    data: data[type],
    metadata: sampleMetadata(),
    created: new Date(Date.UTC(2025, 0, 1, 0, index)),
  }));
}

describe('audit as-of: the point (unit)', () => {
  it('is a position or a time, exactly one', () => {
    expect(parseAsOfPoint({ position: '42' })).toEqual({ kind: 'position', position: 42n });
    expect(parseAsOfPoint({ at: '2025-01-01T07:00:00+07:00' })).toEqual({ kind: 'time', at: new Date('2025-01-01T00:00:00Z') });
  });

  it.each([
    [{}, 'at'],
    [{ at: '2025-01-01T00:00:00Z', position: '1' }, 'at'],
    [{ at: 'not a date' }, 'at'],
    [{ at: '2025-13-01T00:00:00Z' }, 'at'],
    [{ position: '-3' }, 'position'],
    [{ position: 'abc' }, 'position'],
  ])('refuses %j naming %s (400 INVALID_AS_OF)', (raw, field) => {
    const { code, fields } = codeOf(() => parseAsOfPoint(raw));
    expect(code).toBe('INVALID_AS_OF');
    expect(fields).toContain(field);
  });

  it('takes the prefix of events within the point: by position inclusive, by recorded time inclusive', () => {
    const stream = cardStream();
    expect(prefixWithin({ kind: 'position', position: 20n }, stream).map((event) => event.position)).toEqual([10n, 20n]);
    expect(prefixWithin({ kind: 'position', position: 5n }, stream)).toEqual([]);
    expect(prefixWithin({ kind: 'time', at: new Date(Date.UTC(2025, 0, 1, 0, 2)) }, stream).map((event) => event.position)).toEqual([10n, 20n, 30n]);
    expect(isWithin({ kind: 'time', at: new Date(Date.UTC(2025, 0, 1, 0, 2)) }, stream[3]!)).toBe(false);
  });

  it('ends the prefix at the first event outside, should the clock ever step back', () => {
    const stream = cardStream();
    const stepped = [stream[0]!, { ...stream[1]!, created: new Date(Date.UTC(2025, 0, 2)) }, { ...stream[2]!, created: new Date(Date.UTC(2025, 0, 1)) }];
    expect(prefixWithin({ kind: 'time', at: new Date(Date.UTC(2025, 0, 1, 12)) }, stepped)).toEqual([stream[0]]);
  });
});

describe('audit as-of: folding (unit)', () => {
  it("the state at a position is the decider's fold of the events up to it", () => {
    const stream = cardStream();
    for (let cut = 1; cut <= stream.length; cut += 1) {
      const folded = foldAsOf(cardDecider, stream, { kind: 'position', position: BigInt(cut * 10) });
      expect(folded.state).toEqual(fold(cardDecider, stream.slice(0, cut) as never));
      expect(folded.revision).toBe(BigInt(cut - 1));
    }
    expect(foldAsOf(cardDecider, stream, { kind: 'position', position: 1n })).toEqual({ state: cardDecider.initialState(), events: [], revision: -1n });
  });

  it('shows the card as its live endpoint does, and as absent before its first event', async () => {
    const stream = cardStream();
    const early = await AS_OF_AGGREGATES.card.viewAt(stream, { kind: 'position', position: 20n }, AUDITOR, NO_STORE);
    const now = await AS_OF_AGGREGATES.card.viewAt(stream, { kind: 'position', position: 40n }, AUDITOR, NO_STORE);
    expect(early.exists && now.exists).toBe(true);
    if (!early.exists || !now.exists) return;
    expect(early.view.revision).toBe('1');
    expect(early.lastEvent.position).toBe(20n);
    expect(early.view.heldRupiah).toBeGreaterThan(0);
    expect(now.view.limitRupiah).not.toEqual(early.view.limitRupiah);
    expect(await AS_OF_AGGREGATES.card.viewAt(stream, { kind: 'position', position: 9n }, AUDITOR, NO_STORE)).toEqual({ exists: false });
  });
});
