import { assert } from './assert.js';

/**
 * An immutable map whose `set` and `delete` cost O(1) when used linearly (each version updated
 * once, as a fold does), without copying: the newest version owns one mutable Map, and every
 * older version is a diff against a newer one. Reading an older version moves the Map back to
 * it ("rerooting", Baker's persistent arrays), so every version always reads as it was written.
 */
type Node<V> =
  | { kind: 'root'; readonly map: Map<string, V> }
  | { kind: 'diff'; readonly key: string; readonly present: boolean; readonly value: V | undefined; readonly next: PersistentMap<V> };

export class PersistentMap<V> {
  private node: Node<V>;

  private constructor(node: Node<V>) {
    this.node = node;
  }

  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>({ kind: 'root', map: new Map() });
  }

  static of<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    return new PersistentMap<V>({ kind: 'root', map: new Map(entries) });
  }

  get size(): number {
    return this.root().size;
  }

  get(key: string): V | undefined {
    return this.root().get(key);
  }

  has(key: string): boolean {
    return this.root().has(key);
  }

  /** A copy of the entries, in insertion order of the newest writes. */
  entries(): Array<[string, V]> {
    return [...this.root().entries()];
  }

  values(): V[] {
    return [...this.root().values()];
  }

  set(key: string, value: V): PersistentMap<V> {
    return this.change(key, true, value);
  }

  delete(key: string): PersistentMap<V> {
    if (!this.has(key)) return this;
    return this.change(key, false, undefined);
  }

  private change(key: string, present: boolean, value: V | undefined): PersistentMap<V> {
    const map = this.root();
    const next = new PersistentMap<V>({ kind: 'root', map });
    this.node = { kind: 'diff', key, present: map.has(key), value: map.get(key), next };
    write(map, key, present, value);
    return next;
  }

  /** Makes this version own the Map, undoing the diffs on the way from the current owner. */
  private root(): Map<string, V> {
    if (this.node.kind === 'root') return this.node.map;
    const path: PersistentMap<V>[] = [];
    let version: PersistentMap<V> = this;
    while (version.node.kind === 'diff') {
      path.push(version);
      version = version.node.next;
    }
    const map = version.node.map;
    for (let index = path.length - 1; index >= 0; index -= 1) {
      const older = path[index]!;
      const diff = older.node;
      assert(diff.kind === 'diff', 'a version on the reroot path is a diff');
      const newer = diff.next;
      newer.node = { kind: 'diff', key: diff.key, present: map.has(diff.key), value: map.get(diff.key), next: older };
      write(map, diff.key, diff.present, diff.value);
      older.node = { kind: 'root', map };
    }
    return map;
  }
}

function write<V>(map: Map<string, V>, key: string, present: boolean, value: V | undefined): void {
  if (present) map.set(key, value as V);
  else map.delete(key);
}
