import fc from 'fast-check';
import { PersistentMap } from '../../src/kernel/persistent-map.js';
import { RecentWindow } from '../../src/kernel/recent-window.js';

type Op = { readonly kind: 'set'; readonly key: string; readonly value: number } | { readonly kind: 'delete'; readonly key: string };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
);
const sorted = (entries: Array<[string, number]>) => [...entries].sort(([a], [b]) => a.localeCompare(b));

describe('PersistentMap', () => {
  it('every version reads as it was written, whichever versions were read or changed since (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ op, base: fc.nat(), readBack: fc.nat() }), { maxLength: 60 }), (steps) => {
        const versions = [PersistentMap.empty<number>()];
        const models: Array<Map<string, number>> = [new Map()];
        for (const { op: change, base, readBack } of steps) {
          // Branch from any earlier version, not only the newest: old versions stay usable.
          const from = base % versions.length;
          const model = new Map(models[from]!);
          const next = change.kind === 'set' ? versions[from]!.set(change.key, change.value) : versions[from]!.delete(change.key);
          if (change.kind === 'set') model.set(change.key, change.value);
          else model.delete(change.key);
          versions.push(next);
          models.push(model);
          const probe = readBack % versions.length;
          expect(sorted(versions[probe]!.entries())).toEqual(sorted([...models[probe]!.entries()]));
        }
        versions.forEach((version, index) => {
          expect(sorted(version.entries())).toEqual(sorted([...models[index]!.entries()]));
          expect(version.size).toBe(models[index]!.size);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('updates in place when used linearly: 100,000 changes keep one map of the live entries', () => {
    let map = PersistentMap.empty<number>();
    for (let n = 0; n < 100_000; n += 1) {
      map = map.set(`k${n}`, n);
      if (n >= 10) map = map.delete(`k${n - 10}`);
    }
    expect(map.size).toBe(10);
    expect(map.get('k99999')).toBe(99_999);
    expect(map.has('k0')).toBe(false);
  });
});

describe('RecentWindow', () => {
  it('keeps the most recent `capacity` entries, oldest first, and forgets the older ones', () => {
    let window = RecentWindow.empty<number>(3);
    for (let n = 1; n <= 5; n += 1) window = window.add(`k${n}`, n);
    expect(window.entries()).toEqual([
      ['k3', 3],
      ['k4', 4],
      ['k5', 5],
    ]);
    expect(window.size).toBe(3);
    expect(window.has('k2')).toBe(false);
    expect(window.get('k4')).toBe(4);
    expect(RecentWindow.of(3, window.entries()).entries()).toEqual(window.entries());
  });
});
