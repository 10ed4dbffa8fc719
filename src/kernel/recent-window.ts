import { assert } from './assert.js';
import { PersistentMap } from './persistent-map.js';

/**
 * The most recent `capacity` entries, by key, immutable: adding one past the capacity forgets
 * the oldest. Built on PersistentMap, so an add costs O(1) however long the history.
 */
export class RecentWindow<V> {
  private constructor(
    readonly capacity: number,
    private readonly byKey: PersistentMap<V>,
    /** String(sequence) -> key, to find the oldest. */
    private readonly keyBySequence: PersistentMap<string>,
    private readonly firstSequence: number,
    private readonly nextSequence: number,
  ) {}

  static empty<V>(capacity: number): RecentWindow<V> {
    assert(Number.isSafeInteger(capacity) && capacity > 0, 'a window holds at least one entry');
    return new RecentWindow<V>(capacity, PersistentMap.empty(), PersistentMap.empty(), 0, 0);
  }

  /** Oldest first; the oldest beyond `capacity` are dropped. */
  static of<V>(capacity: number, entries: Iterable<readonly [string, V]>): RecentWindow<V> {
    let window = RecentWindow.empty<V>(capacity);
    for (const [key, value] of entries) window = window.add(key, value);
    return window;
  }

  get size(): number {
    return this.nextSequence - this.firstSequence;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): V | undefined {
    return this.byKey.get(key);
  }

  add(key: string, value: V): RecentWindow<V> {
    assert(!this.byKey.has(key), `${key} is already in the window`);
    let byKey = this.byKey.set(key, value);
    let keyBySequence = this.keyBySequence.set(String(this.nextSequence), key);
    let firstSequence = this.firstSequence;
    if (this.nextSequence + 1 - firstSequence > this.capacity) {
      const oldest = keyBySequence.get(String(firstSequence));
      assert(oldest !== undefined, 'the window knows its oldest entry');
      byKey = byKey.delete(oldest);
      keyBySequence = keyBySequence.delete(String(firstSequence));
      firstSequence += 1;
    }
    return new RecentWindow(this.capacity, byKey, keyBySequence, firstSequence, this.nextSequence + 1);
  }

  /** Oldest first. */
  entries(): Array<[string, V]> {
    const entries: Array<[string, V]> = [];
    for (let sequence = this.firstSequence; sequence < this.nextSequence; sequence += 1) {
      const key = this.keyBySequence.get(String(sequence))!;
      entries.push([key, this.byKey.get(key)!]);
    }
    return entries;
  }
}
