import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { splitPoint } from '../verifier/merkle.js';

/**
 * The transparency log's RFC 6962 tree in SQLite: every leaf's data and the hash of every
 * complete, aligned subtree (level k, index i covers leaves [i * 2^k, (i + 1) * 2^k)). An append
 * writes O(log n) hashes; any root, proof or C2SP tile is read from O(log n) stored hashes,
 * never recomputed from the leaves. Synchronous (better-sqlite3, node:crypto): the caller
 * decides the transaction.
 */
const EMPTY_ROOT = createHash('sha256').digest();

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0x00]))
    .update(data)
    .digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0x01]))
    .update(left)
    .update(right)
    .digest();
}

export interface StoredLeaf {
  readonly index: number;
  readonly position: bigint;
  readonly eventId: string;
  readonly data: Buffer;
}

export interface NewLeaf {
  readonly position: bigint;
  readonly eventId: string;
  readonly streamId: string;
  readonly data: Uint8Array;
}

/**
 * The leaves' indexes by event id and by stream, for proofs asked by event or stream. Leaves come
 * in $all order, so each of them takes an insert at a random place of a B-tree as large as the
 * log: a long catch-up drops them and builds them again at its end (TransparencyLog.catchUp).
 */
export const LEAF_LOOKUP_INDEXES: readonly { readonly name: string; readonly createSql: string }[] = [
  { name: 'log_leaves_event_id', createSql: 'CREATE INDEX IF NOT EXISTS log_leaves_event_id ON log_leaves (event_id)' },
  { name: 'log_leaves_stream_id', createSql: 'CREATE INDEX IF NOT EXISTS log_leaves_stream_id ON log_leaves (stream_id, idx)' },
];

interface WrittenNode {
  readonly index: number;
  readonly hash: Buffer;
}

export class MerkleTreeStore {
  private readonly selectNode: Database.Statement<[number, number], { hash: Buffer }>;
  private readonly insertNode: Database.Statement<[number, number, Buffer]>;
  private readonly insertLeaf: Database.Statement<[number, string, string, string, Buffer]>;
  private readonly selectSize: Database.Statement<[], { size: number }>;
  private readonly selectLeaves: Database.Statement<[number, number], { idx: number; position: string; event_id: string; data: Buffer }>;
  private readonly selectByEventId: Database.Statement<[string], { idx: number }>;
  private readonly selectByPosition: Database.Statement<[string], { idx: number }>;
  private readonly selectByStream: Database.Statement<[string, number, number], { idx: number }>;
  private readonly selectNodes: Database.Statement<[number, number, number], { hash: Buffer }>;
  private cachedSize?: number;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS log_leaves (
        idx      INTEGER PRIMARY KEY,
        position TEXT NOT NULL UNIQUE,
        event_id  TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        data      BLOB NOT NULL
      );
      ${LEAF_LOOKUP_INDEXES.map((index) => `${index.createSql};`).join('\n      ')}
      CREATE TABLE IF NOT EXISTS log_nodes (
        level INTEGER NOT NULL,
        idx   INTEGER NOT NULL,
        hash  BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) WITHOUT ROWID;
    `);
    this.selectNode = db.prepare('SELECT hash FROM log_nodes WHERE level = ? AND idx = ?');
    this.insertNode = db.prepare('INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)');
    this.insertLeaf = db.prepare('INSERT INTO log_leaves (idx, position, event_id, stream_id, data) VALUES (?, ?, ?, ?, ?)');
    this.selectSize = db.prepare('SELECT COALESCE(MAX(idx) + 1, 0) AS size FROM log_leaves');
    this.selectLeaves = db.prepare('SELECT idx, position, event_id, data FROM log_leaves WHERE idx >= ? AND idx < ? ORDER BY idx');
    this.selectByEventId = db.prepare('SELECT idx FROM log_leaves WHERE event_id = ? ORDER BY idx LIMIT 1');
    this.selectByPosition = db.prepare('SELECT idx FROM log_leaves WHERE position = ?');
    this.selectByStream = db.prepare('SELECT idx FROM log_leaves WHERE stream_id = ? AND idx < ? ORDER BY idx LIMIT ?');
    this.selectNodes = db.prepare('SELECT hash FROM log_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx');
  }

  /** True when both leaf lookup indexes exist (a catch-up may have dropped them for its length). */
  hasLeafLookupIndexes(): boolean {
    const names = LEAF_LOOKUP_INDEXES.map((index) => index.name);
    const present = this.db
      .prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN (${names.map(() => '?').join(', ')})`)
      .get(...names) as { n: number };
    return present.n === names.length;
  }

  /** Drops the leaf lookup indexes: lookups by event or stream scan the leaves until they are built again. */
  dropLeafLookupIndexes(): void {
    for (const index of LEAF_LOOKUP_INDEXES) this.db.exec(`DROP INDEX IF EXISTS ${index.name}`);
  }

  size(): number {
    this.cachedSize ??= this.selectSize.get()!.size;
    return this.cachedSize;
  }

  /** Appends leaves and the subtree hashes they complete. Run it inside the caller's transaction. */
  append(leaves: readonly NewLeaf[]): void {
    let size = this.size();
    // The last node written at each level in this call: a left sibling is read back from it, not from SQLite.
    const written: WrittenNode[] = [];
    try {
      for (const leaf of leaves) {
        const data = Buffer.isBuffer(leaf.data) ? leaf.data : Buffer.from(leaf.data);
        this.insertLeaf.run(size, leaf.position.toString(), leaf.eventId, leaf.streamId, data);
        let hash = leafHash(data);
        let level = 0;
        let index = size;
        let previous = this.write(written, level, index, hash);
        // A right child completes its parent: hash upwards while the index is odd.
        while (index % 2 === 1) {
          const left = previous?.index === index - 1 ? previous.hash : this.node(level, index - 1);
          hash = nodeHash(left, hash);
          level += 1;
          index = Math.floor(index / 2);
          previous = this.write(written, level, index, hash);
        }
        size += 1;
      }
    } finally {
      // A rolled-back transaction must not leave a size that was never committed.
      this.cachedSize = undefined;
    }
  }

  /** Inserts a node and remembers it as its level's last; returns the level's previous last. */
  private write(written: WrittenNode[], level: number, index: number, hash: Buffer): WrittenNode | undefined {
    this.insertNode.run(level, index, hash);
    const previous = written[level];
    written[level] = { index, hash };
    return previous;
  }

  private node(level: number, index: number): Buffer {
    const row = this.selectNode.get(level, index);
    if (!row) throw new Error(`log node ${level}/${index} is missing`);
    return row.hash;
  }

  /** MTH(D[start:end]); start is aligned as in every range the RFC's recursion reaches. */
  private subtreeHash(start: number, end: number): Buffer {
    const width = end - start;
    if ((width & (width - 1)) === 0 && start % width === 0) return this.node(Math.log2(width), start / width);
    const k = splitPoint(width);
    return nodeHash(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
  }

  rootHash(treeSize: number = this.size()): Buffer {
    this.checkSize(treeSize);
    return treeSize === 0 ? EMPTY_ROOT : this.subtreeHash(0, treeSize);
  }

  /** RFC 9162 section 2.1.3.1: the audit path of leaf `index` in the tree of `treeSize`. */
  inclusionProof(index: number, treeSize: number): Buffer[] {
    this.checkSize(treeSize);
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new RangeError(`leaf ${index} is not in a tree of ${treeSize}`);
    let start = 0;
    let end = treeSize;
    const siblings: Buffer[] = [];
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        siblings.push(this.subtreeHash(start + k, end));
        end = start + k;
      } else {
        siblings.push(this.subtreeHash(start, start + k));
        start += k;
      }
    }
    // Collected root-first; the proof runs leaf-first.
    return siblings.reverse();
  }

  /** RFC 9162 section 2.1.4.1: proof that the tree of `firstSize` is a prefix of the tree of `secondSize`. */
  consistencyProof(firstSize: number, secondSize: number): Buffer[] {
    this.checkSize(secondSize);
    if (!Number.isSafeInteger(firstSize) || firstSize < 0 || firstSize > secondSize)
      throw new RangeError(`no consistency proof from ${firstSize} to ${secondSize}`);
    if (firstSize === 0 || firstSize === secondSize) return [];
    const nodes: Buffer[] = [];
    let m = firstSize;
    let start = 0;
    let end = secondSize;
    let whole = true;
    // SUBPROOF(m, D[start:end], whole), iteratively: nodes are collected root-first.
    while (m !== end - start) {
      const k = splitPoint(end - start);
      if (m <= k) {
        nodes.push(this.subtreeHash(start + k, end));
        end = start + k;
      } else {
        nodes.push(this.subtreeHash(start, start + k));
        m -= k;
        start += k;
        whole = false;
      }
    }
    if (!whole) nodes.push(this.subtreeHash(start, end));
    return nodes.reverse();
  }

  leaves(start: number, end: number): StoredLeaf[] {
    return this.selectLeaves.all(start, end).map((row) => ({ index: row.idx, position: BigInt(row.position), eventId: row.event_id, data: row.data }));
  }

  indexOfEventId(eventId: string): number | undefined {
    return this.selectByEventId.get(eventId)?.idx;
  }

  indexOfPosition(position: bigint): number | undefined {
    return this.selectByPosition.get(position.toString())?.idx;
  }

  /** The leaf indexes of a stream's events below `before`, oldest first, at most `limit`. */
  indexesOfStream(streamId: string, before: number, limit: number): number[] {
    return this.selectByStream.all(streamId, before, limit).map((row) => row.idx);
  }

  /** The stored hashes at tree level `level`, indexes [start, end): what a C2SP tile holds. */
  levelHashes(level: number, start: number, end: number): Buffer[] {
    return this.selectNodes.all(level, start, end).map((row) => row.hash);
  }

  private checkSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size())
      throw new RangeError(`no tree of ${treeSize} leaves (the log has ${this.size()})`);
  }
}
