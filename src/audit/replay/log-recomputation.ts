import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { READ_COUNT_MAX } from '../../event-store/event-store.port.js';
import { commitEvent, privateDigest } from '../event-commitment.js';
import type { MerkleTreeStore } from '../merkle-tree-store.js';
import { leafHash } from '../merkle-tree-store.js';
import { RecomputedTree } from './recomputed-tree.js';

/** The replay reads $all in pages of this many events; no history is longer than PAGES_MAX pages. */
export const RECOMPUTE_PAGE_EVENTS = READ_COUNT_MAX;
const RECOMPUTE_PAGES_MAX = 1_000_000;

/** One thing the replay or the verification found wrong, at the first position it shows. */
export interface AuditFinding {
  readonly check: 'chain' | 'digest' | 'log-leaf' | 'log-size' | 'checkpoint' | 'consistency' | 'read-model';
  /** The $all position where it shows, when it is about one event. */
  readonly position?: string;
  readonly detail: string;
}

export interface LogRecomputation {
  readonly events: number;
  readonly tree: RecomputedTree;
  /** The recomputed root at each tree size asked for (e.g. a checkpoint's), hex. */
  readonly rootsAt: ReadonlyMap<number, string>;
  readonly findings: readonly AuditFinding[];
}

/** Each check reports its first few findings only: the first is what an auditor acts on. */
export const FINDINGS_PER_CHECK_MAX = 10;

/**
 * Reads every event once, in $all order: recomputes each event's private digest from its data
 * and metadata (an edit behind the store's back shows here), recomputes its leaf and the whole
 * tree, and compares each leaf with the one the live log holds (when given). Stops early at
 * `stopAtSize` leaves when set (a verification against an earlier checkpoint).
 */
export async function recomputeLog(
  store: EventStore,
  options: {
    readonly logTree?: MerkleTreeStore;
    readonly rootsAtSizes?: readonly number[];
    readonly stopAtSize?: number;
    readonly onProgress?: (events: number) => void;
  } = {},
): Promise<LogRecomputation> {
  const tree = new RecomputedTree();
  const wanted = new Set(options.rootsAtSizes ?? []);
  const rootsAt = new Map<number, string>();
  if (wanted.has(0)) rootsAt.set(0, tree.root().toString('hex'));
  const findings: AuditFinding[] = [];
  const count = (check: AuditFinding['check']): number => findings.filter((finding) => finding.check === check).length;
  const report = (finding: AuditFinding): void => {
    if (count(finding.check) < FINDINGS_PER_CHECK_MAX) findings.push(finding);
  };
  const logSize = options.logTree?.size() ?? 0;
  let from = 0n;
  for (let page = 0; page < RECOMPUTE_PAGES_MAX; page += 1) {
    const remaining = options.stopAtSize === undefined ? RECOMPUTE_PAGE_EVENTS : Math.min(RECOMPUTE_PAGE_EVENTS, options.stopAtSize - tree.size);
    if (remaining <= 0) break;
    const events = await store.readAll({ fromPosition: from, maxCount: remaining });
    if (events.length === 0) break;
    const logLeaves = options.logTree ? options.logTree.leaves(tree.size, Math.min(tree.size + events.length, logSize)) : [];
    for (const [offset, event] of events.entries()) {
      const index = tree.size;
      const leafData = leafDataOf(event, report);
      const hash = tree.append(leafData);
      const logged = logLeaves[offset];
      if (options.logTree && index < logSize && (!logged || !leafHash(logged.data).equals(hash))) {
        report({
          check: 'log-leaf',
          position: event.position.toString(),
          detail: `leaf ${index} of the log is not the leaf of the event stored at this position (${event.type} ${event.id})`,
        });
      }
      if (wanted.has(tree.size)) rootsAt.set(tree.size, tree.root().toString('hex'));
    }
    from = events[events.length - 1]!.position + 1n;
    options.onProgress?.(tree.size);
  }
  if (options.logTree && logSize > tree.size) {
    report({ check: 'log-size', detail: `the log holds ${logSize} leaves but the store only ${tree.size} events: events were removed` });
  }
  return { events: tree.size, tree, rootsAt, findings };
}

function leafDataOf(event: RecordedEvent, report: (finding: AuditFinding) => void): Uint8Array {
  const position = event.position.toString();
  if (!event.commitment) {
    report({ check: 'digest', position, detail: `${event.type} ${event.id} has no stored salt and digest` });
    return commitEvent(event, '', '0'.repeat(64)).leafData;
  }
  const { saltHex, privateDigest: stored } = event.commitment;
  if (privateDigest(saltHex, event.data, event.metadata) !== stored) {
    report({ check: 'digest', position, detail: `${event.type} ${event.id}: its data or metadata differ from what was committed when it was appended` });
  }
  return commitEvent(event, saltHex, stored).leafData;
}
