/**
 * Transparency log benchmark: append leaves to the SQLite tree in batches (as the consumer
 * does, one transaction each, durable commits), then time roots and proofs at that size.
 * Run: node --import tsx bench/transparency-log.bench.ts [leaves] [leafBytes]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MerkleTreeStore, NewLeaf } from '../src/audit/merkle-tree-store.js';
import { openSqliteFile } from '../src/event-store/sqlite/open-sqlite-file.js';
import { BATCH_EVENTS_MAX } from '../src/event-store/subscription-runner.js';

const leaves = Number(process.argv[2] ?? 100_000);
const leafBytes = Number(process.argv[3] ?? 400);
const QUERIES = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'bela-bench-tlog-'));
try {
  const db = openSqliteFile(join(dir, 'tlog.db'));
  const tree = new MerkleTreeStore(db);
  const append = db.transaction((batch: NewLeaf[]) => tree.append(batch));
  const data = Buffer.alloc(leafBytes, 0x61);
  let startedMs = performance.now();
  for (let first = 0; first < leaves; first += BATCH_EVENTS_MAX) {
    const count = Math.min(BATCH_EVENTS_MAX, leaves - first);
    append(
      Array.from({ length: count }, (_, i) => ({
        position: BigInt(first + i + 1),
        eventId: `event-${first + i}`,
        streamId: `order-${(first + i) % 1_000}`,
        data,
      })),
    );
  }
  const appendMs = performance.now() - startedMs;
  const timeEach = (query: (i: number) => void): string => {
    startedMs = performance.now();
    for (let i = 0; i < QUERIES; i += 1) query(i);
    return ((performance.now() - startedMs) / QUERIES).toFixed(3);
  };
  process.stdout.write(
    `${JSON.stringify({
      leaves,
      leafBytes,
      append: { elapsedMs: Math.round(appendMs), leavesPerSecond: Math.round((leaves * 1000) / appendMs) },
      msEach: {
        rootHash: timeEach((i) => tree.rootHash(leaves - (i % leaves))),
        inclusionProof: timeEach((i) => tree.inclusionProof((i * 7_919) % leaves, leaves)),
        consistencyProof: timeEach((i) => tree.consistencyProof(1 + ((i * 7_919) % (leaves - 1)), leaves)),
      },
    })}\n`,
  );
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
