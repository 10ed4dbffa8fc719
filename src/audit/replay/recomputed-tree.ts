import { leafHash, nodeHash } from '../merkle-tree-store.js';

/**
 * The RFC 6962 root of a growing list of leaves in O(log n) memory: the stack of complete
 * subtrees (their sizes are the binary digits of n, largest first), folded from the right.
 * The auditor's replay recomputes the log with it, independently of tlog.db.
 */
export class RecomputedTree {
  private readonly subtrees: { size: number; hash: Buffer }[] = [];
  private leaves = 0;

  get size(): number {
    return this.leaves;
  }

  /** Adds a leaf's data; returns its leaf hash. */
  append(leafData: Uint8Array): Buffer {
    const hash = leafHash(leafData);
    let merged = { size: 1, hash };
    while (this.subtrees.length > 0 && this.subtrees[this.subtrees.length - 1]!.size === merged.size) {
      const left = this.subtrees.pop()!;
      merged = { size: left.size * 2, hash: nodeHash(left.hash, merged.hash) };
    }
    this.subtrees.push(merged);
    this.leaves += 1;
    return hash;
  }

  /** The root of the leaves so far (SHA-256 of nothing for the empty tree). */
  root(): Buffer {
    if (this.subtrees.length === 0) return leafHashOfNothing();
    let root = this.subtrees[this.subtrees.length - 1]!.hash;
    for (let index = this.subtrees.length - 2; index >= 0; index -= 1) root = nodeHash(this.subtrees[index]!.hash, root);
    return root;
  }
}

function leafHashOfNothing(): Buffer {
  // RFC 6962: the hash of an empty tree is the hash of the empty string.
  return Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');
}
