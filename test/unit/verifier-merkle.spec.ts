import Database from 'better-sqlite3';
import fc from 'fast-check';
import { MerkleTreeStore } from '../../src/audit/merkle-tree-store.js';
import { bytesToHex, hexToBytes } from '../../src/verifier/leaf.js';
import { hashLeaf } from '../../src/verifier/hash.js';
import { VerificationError, rootFromInclusionProof, treeHash, verifyConsistency, verifyInclusion } from '../../src/verifier/merkle.js';

// RFC 6962 test vectors as kept by transparency-dev/merkle (testonly/constants.go, proof/verify_test.go).
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hexToBytes);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** [leaf index (0-based), tree size, audit path]. */
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
/** [first size, second size, proof]. */
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

function treeOf(leaves: readonly Uint8Array[]): MerkleTreeStore {
  const tree = new MerkleTreeStore(new Database(':memory:'));
  tree.append(leaves.map((data, i) => ({ position: BigInt(i), eventId: `e${i}`, streamId: 'test-1', data })));
  return tree;
}

const hex = (hashes: readonly Uint8Array[]): string[] => hashes.map((hash) => bytesToHex(hash));
const rejects = (promise: Promise<unknown>): Promise<void> => expect(promise).rejects.toBeInstanceOf(VerificationError);

describe('Merkle tree (RFC 6962 / 9162): test vectors', () => {
  it('the empty tree hashes to SHA-256 of nothing, and 1..8 leaves to the reference roots (verifier and store)', async () => {
    const store = new MerkleTreeStore(new Database(':memory:'));
    for (let n = 0; n <= LEAF_INPUTS.length; n += 1) {
      expect({ n, root: bytesToHex(await treeHash(LEAF_INPUTS.slice(0, n))) }).toEqual({ n, root: ROOTS[n] });
      if (n > 0) store.append([{ position: BigInt(n - 1), eventId: `e${n}`, streamId: 'test-1', data: LEAF_INPUTS[n - 1]! }]);
      expect({ n, root: bytesToHex(store.rootHash()) }).toEqual({ n, root: ROOTS[n] });
    }
    // Older sizes stay answerable once the tree has grown.
    expect(ROOTS.map((_, n) => bytesToHex(store.rootHash(n)))).toEqual(ROOTS);
  });

  it.each(INCLUSION)('inclusion of leaf %i in a tree of %i: the store makes the reference path and the verifier accepts it', async (index, size, path) => {
    const store = treeOf(LEAF_INPUTS);
    expect(hex(store.inclusionProof(index, size))).toEqual(path);
    const leaf = await hashLeaf(LEAF_INPUTS[index]!);
    await expect(verifyInclusion(index, size, leaf, path.map(hexToBytes), hexToBytes(ROOTS[size]!))).resolves.toBeUndefined();
  });

  it.each(CONSISTENCY)('consistency from %i to %i: the store makes the reference proof and the verifier accepts it', async (first, second, proof) => {
    const store = treeOf(LEAF_INPUTS);
    expect(hex(store.consistencyProof(first, second))).toEqual(proof);
    await expect(verifyConsistency(first, second, hexToBytes(ROOTS[first]!), hexToBytes(ROOTS[second]!), proof.map(hexToBytes))).resolves.toBeUndefined();
  });

  it('refuses corrupted inclusion proofs (the probes of the reference suite)', async () => {
    const [index, size, path] = INCLUSION[2]!;
    const root = hexToBytes(ROOTS[size]!);
    const leaf = await hashLeaf(LEAF_INPUTS[index]!);
    const proof = path.map(hexToBytes);
    await rejects(verifyInclusion(index - 1, size, leaf, proof, root));
    await rejects(verifyInclusion(index + 1, size, leaf, proof, root));
    await rejects(verifyInclusion(index ^ 2, size, leaf, proof, root));
    await rejects(verifyInclusion(index, size * 2, leaf, proof, root));
    await rejects(verifyInclusion(index, size / 2, leaf, proof, root));
    await rejects(verifyInclusion(index, size, await hashLeaf(new TextEncoder().encode('WrongLeaf')), proof, root));
    await rejects(verifyInclusion(index, size, leaf, proof, hexToBytes(ROOTS[0]!)));
    await rejects(verifyInclusion(index, size, leaf, [...proof, root], root));
    await rejects(verifyInclusion(index, size, leaf, [root, ...proof], root));
    await rejects(verifyInclusion(index, size, leaf, proof.slice(0, -1), root));
    for (let i = 0; i < proof.length; i += 1) {
      const flipped = proof.map((hash) => hash.slice());
      flipped[i]![0]! ^= 8;
      await rejects(verifyInclusion(index, size, leaf, flipped, root));
    }
    await rejects(verifyInclusion(0, 0, leaf, [], root));
  });

  it('refuses corrupted consistency proofs, time travel and wrong roots', async () => {
    const [first, second, path] = CONSISTENCY[2]!;
    const root1 = hexToBytes(ROOTS[first]!);
    const root2 = hexToBytes(ROOTS[second]!);
    const proof = path.map(hexToBytes);
    await rejects(verifyConsistency(first - 1, second, root1, root2, proof));
    await rejects(verifyConsistency(first + 1, second, root1, root2, proof));
    await rejects(verifyConsistency(first, second * 2, root1, root2, proof));
    await rejects(verifyConsistency(first, second, root2, root1, proof));
    await rejects(verifyConsistency(first, second, root1, root2, []));
    await rejects(verifyConsistency(first, second, root1, root2, [...proof, root1]));
    await rejects(verifyConsistency(first, second, root1, root2, [root2, ...proof]));
    await rejects(verifyConsistency(first, second, root1, root2, proof.slice(0, -1)));
    await rejects(verifyConsistency(second, first, root2, root1, proof));
    await rejects(verifyConsistency(1, 1, root1, root2, []));
    await expect(verifyConsistency(0, 5, root1, root2, [])).resolves.toBeUndefined();
  });
});

describe('Merkle tree: properties (fast-check)', () => {
  const leavesArb = (min: number) => fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: min, maxLength: 70 });

  it('every inclusion proof of every tree verifies against its root, and the root equals the recomputed one', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(1), fc.nat(), async (leaves, seed) => {
        const tree = treeOf(leaves);
        const size = 1 + (seed % leaves.length);
        const index = seed % size;
        const root = tree.rootHash(size);
        expect(bytesToHex(root)).toBe(bytesToHex(await treeHash(leaves.slice(0, size))));
        await verifyInclusion(index, size, await hashLeaf(leaves[index]!), tree.inclusionProof(index, size), root);
      }),
      { numRuns: 150 },
    );
  });

  it('every consistency proof for m <= n verifies', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(0), fc.nat(), fc.nat(), async (leaves, a, b) => {
        const tree = treeOf(leaves);
        const n = leaves.length === 0 ? 0 : b % (leaves.length + 1);
        const m = a % (n + 1);
        await verifyConsistency(m, n, tree.rootHash(m), tree.rootHash(n), tree.consistencyProof(m, n));
      }),
      { numRuns: 150 },
    );
  });

  type Tamper = { kind: 'change' | 'drop' | 'insert' | 'swap'; at: number; other: number; bytes: Uint8Array };
  const tamperArb: fc.Arbitrary<Tamper> = fc.record({
    kind: fc.constantFrom('change', 'drop', 'insert', 'swap'),
    at: fc.nat(),
    other: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  });

  /** The tampered list, or undefined when the tampering changes nothing (a swap of equal leaves). */
  function tampered(leaves: readonly Uint8Array[], tamper: Tamper, prefix: number): Uint8Array[] | undefined {
    const at = tamper.at % prefix;
    const copy = [...leaves];
    if (tamper.kind === 'change') copy[at] = new Uint8Array([...copy[at]!, ...tamper.bytes]);
    if (tamper.kind === 'drop') copy.splice(at, 1);
    if (tamper.kind === 'insert') copy.splice(at, 0, tamper.bytes);
    if (tamper.kind === 'swap') {
      const other = (at + 1 + (tamper.other % (prefix - 1 || 1))) % prefix;
      if (bytesToHex(copy[at]!) === bytesToHex(copy[other]!)) return undefined;
      [copy[at], copy[other]] = [copy[other]!, copy[at]!];
    }
    return copy;
  }

  it('a changed, dropped, inserted or swapped leaf before a saved checkpoint fails the consistency proof to the rewritten log', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(2), tamperArb, fc.nat(), async (leaves, tamper, cut) => {
        const saved = 2 + (cut % (leaves.length - 1));
        const savedRoot = treeOf(leaves).rootHash(saved);
        const rewritten = tampered(leaves, tamper, saved);
        if (!rewritten || rewritten.length < saved) return;
        if (rewritten.slice(0, saved).every((leaf, i) => bytesToHex(leaf) === bytesToHex(leaves[i]!))) return; // the saved prefix is unchanged
        const forged = treeOf(rewritten);
        const size = rewritten.length;
        await rejects(verifyConsistency(saved, size, savedRoot, forged.rootHash(size), forged.consistencyProof(saved, size)));
      }),
      { numRuns: 150 },
    );
  });

  it('no leaf of a rewritten log has an inclusion proof against the saved root', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(2), tamperArb, async (leaves, tamper) => {
        const size = leaves.length;
        const savedRoot = treeOf(leaves).rootHash(size);
        const rewritten = tampered(leaves, tamper, size);
        if (!rewritten) return;
        const n = Math.min(size, rewritten.length);
        const differing = [...Array(n).keys()].filter((i) => bytesToHex(rewritten[i]!) !== bytesToHex(leaves[i]!));
        if (differing.length === 0 && n === size) return; // the first `size` leaves are unchanged: nothing was rewritten
        const forged = treeOf(rewritten);
        for (const i of differing.length > 0 ? differing : [n - 1]) {
          await rejects(verifyInclusion(i, n, await hashLeaf(rewritten[i]!), forged.inclusionProof(i, n), savedRoot));
        }
      }),
      { numRuns: 150 },
    );
  });
});
