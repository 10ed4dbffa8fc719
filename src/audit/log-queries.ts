import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { invalid, notFound, ruleViolation } from '../kernel/errors.js';
import type { LeafRecord } from '../verifier/leaf.js';
import { StoredLeaf, leafHash } from './merkle-tree-store.js';
import { BUNDLE_ENTRY_BYTES_MAX, TILE_HEIGHT, TILE_WIDTH, TileRef, entryBundle } from './tiles.js';
import type { TransparencyLog } from './transparency-log.js';

/** Bounded pages of leaves: public records, and full events for auditors. */
export const LOG_LEAVES_PAGE_MAX = 1_000;
export const AUDIT_LEAVES_PAGE_MAX = 100;
/** Events of one stream proven in one answer: an order or a card has far fewer. */
export const STREAM_PROOFS_MAX = 200;

export interface PublicLeaf {
  readonly leafIndex: number;
  readonly leafHash: string;
  /** The leaf record (public view and salted digest); its canonical JSON with `v` is the leaf data. */
  readonly leaf: LeafRecord;
  readonly leafFormatVersion: number;
}

export interface CheckpointView {
  readonly treeSize: number;
  readonly rootHash: string;
  /** The signed note of this tree size, or null when no checkpoint was signed at exactly this size. */
  readonly checkpoint: string | null;
  readonly signedAt: string | null;
}

/** The proofs and pages the log's HTTP routes answer with; bad input is a DomainError. */
export class LogQueries {
  constructor(
    private readonly log: TransparencyLog,
    private readonly store: EventStore,
  ) {}

  latestCheckpoint(): { note: string; treeSize: number; signedAt: string } {
    const latest = this.log.checkpoints.latest();
    if (!latest) throw notFound('LOG_CHECKPOINT_NOT_FOUND', 'the log has not signed a checkpoint yet');
    return { note: latest.note, treeSize: latest.treeSize, signedAt: latest.signedAt };
  }

  key(): { origin: string; verifierKey: string } {
    return { origin: this.log.origin, verifierKey: this.log.verifierKey };
  }

  inclusion(query: { position?: bigint; eventId?: string; leafIndex?: number; treeSize?: number }): CheckpointView & PublicLeaf & { proof: string[] } {
    const given = [query.position, query.eventId, query.leafIndex].filter((value) => value !== undefined).length;
    if (given !== 1) {
      throw invalid('LOG_QUERY_INVALID', 'give exactly one of position, eventId and leafIndex', [
        { field: 'position', messages: ['one of position, eventId, leafIndex'] },
      ]);
    }
    const view = this.treeView(query.treeSize);
    const index =
      query.leafIndex !== undefined
        ? query.leafIndex < this.log.tree.size()
          ? query.leafIndex
          : undefined
        : query.eventId !== undefined
          ? this.log.tree.indexOfEventId(query.eventId)
          : this.log.tree.indexOfPosition(query.position!);
    if (index === undefined) {
      throw notFound('LOG_LEAF_NOT_FOUND', 'no logged event has this id, position or leaf index (it may not be logged yet)', {
        ...(query.eventId !== undefined
          ? { eventId: query.eventId }
          : query.position !== undefined
            ? { position: query.position.toString() }
            : { leafIndex: query.leafIndex }),
      });
    }
    if (index >= view.treeSize) {
      throw notFound(
        'LOG_LEAF_NOT_IN_TREE',
        `the event is leaf ${index}, after the tree of ${view.treeSize}: ask for a later treeSize or the next checkpoint`,
        { leafIndex: index, treeSize: view.treeSize },
      );
    }
    const [leaf] = this.log.tree.leaves(index, index + 1);
    return { ...view, ...publicLeaf(leaf!), proof: this.log.tree.inclusionProof(index, view.treeSize).map((hash) => hash.toString('hex')) };
  }

  /**
   * The public view of one transaction (an order, a card, a vendor): every event of the stream in
   * the tree of `treeSize`, each with its inclusion proof, against one checkpoint.
   */
  streamInclusion(
    streamId: string,
    treeSize?: number,
  ): CheckpointView & { streamId: string; events: (PublicLeaf & { proof: string[] })[]; truncated: boolean } {
    const view = this.treeView(treeSize);
    const indexes = this.log.tree.indexesOfStream(streamId, view.treeSize, STREAM_PROOFS_MAX + 1);
    if (indexes.length === 0)
      throw notFound('LOG_LEAF_NOT_FOUND', `no logged event of ${streamId} in the tree of ${view.treeSize}`, { streamId, treeSize: view.treeSize });
    const events = indexes.slice(0, STREAM_PROOFS_MAX).map((index) => {
      const [leaf] = this.log.tree.leaves(index, index + 1);
      return { ...publicLeaf(leaf!), proof: this.log.tree.inclusionProof(index, view.treeSize).map((hash) => hash.toString('hex')) };
    });
    return { ...view, streamId, events, truncated: indexes.length > STREAM_PROOFS_MAX };
  }

  consistency(from: number, to?: number): { fromSize: number; toSize: number; proof: string[]; from: CheckpointView; to: CheckpointView } {
    const toView = this.treeView(to);
    if (from > toView.treeSize)
      throw invalid('LOG_QUERY_INVALID', `from (${from}) is after to (${toView.treeSize})`, [{ field: 'from', messages: ['from <= to'] }]);
    const fromView = this.treeView(from);
    return {
      fromSize: from,
      toSize: toView.treeSize,
      proof: this.log.tree.consistencyProof(from, toView.treeSize).map((hash) => hash.toString('hex')),
      from: fromView,
      to: toView,
    };
  }

  leaves(start: number, end: number): { start: number; end: number; treeSize: number; leaves: PublicLeaf[] } {
    const range = this.range(start, end, LOG_LEAVES_PAGE_MAX);
    return { ...range, treeSize: this.log.tree.size(), leaves: this.log.tree.leaves(range.start, range.end).map(publicLeaf) };
  }

  /** For auditors: each leaf with the whole event and its salt, so the digest can be recomputed. */
  async auditLeaves(
    start: number,
    end: number,
  ): Promise<{ start: number; end: number; treeSize: number; leaves: (PublicLeaf & { event: Record<string, unknown> })[] }> {
    const range = this.range(start, end, AUDIT_LEAVES_PAGE_MAX);
    const leaves = this.log.tree.leaves(range.start, range.end);
    const byPosition = new Map<bigint, RecordedEvent>();
    if (leaves.length > 0) {
      for (const event of await this.store.readAll({ fromPosition: leaves[0]!.position, maxCount: leaves.length })) byPosition.set(event.position, event);
    }
    return {
      ...range,
      treeSize: this.log.tree.size(),
      leaves: leaves.map((leaf) => {
        const event = byPosition.get(leaf.position);
        if (!event || event.id !== leaf.eventId) throw new Error(`the store has no event ${leaf.eventId} at position ${leaf.position} for leaf ${leaf.index}`);
        return {
          ...publicLeaf(leaf),
          event: {
            id: event.id,
            type: event.type,
            streamId: event.streamId,
            revision: event.revision.toString(),
            position: event.position.toString(),
            created: event.created.toISOString(),
            data: event.data,
            metadata: event.metadata,
            commitment: event.commitment ?? null,
          },
        };
      }),
    };
  }

  /** A C2SP tile or entry bundle, when the tree holds all of it. */
  tile(tile: TileRef): { body: Buffer; full: boolean } {
    const start = tile.index * TILE_WIDTH;
    if (tile.level === 'entries') {
      const leaves = this.log.tree.leaves(start, start + tile.width);
      if (leaves.length !== tile.width) throw tileNotFound();
      const tooLarge = leaves.find((leaf) => leaf.data.length > BUNDLE_ENTRY_BYTES_MAX);
      if (tooLarge)
        throw ruleViolation(
          'LOG_ENTRY_TOO_LARGE',
          `leaf ${tooLarge.index} is over ${BUNDLE_ENTRY_BYTES_MAX} bytes, more than an entry bundle holds; read it from /log/leaves`,
        );
      return { body: entryBundle(leaves.map((leaf) => leaf.data)), full: tile.width === TILE_WIDTH };
    }
    const hashes = this.log.tree.levelHashes(tile.level * TILE_HEIGHT, start, start + tile.width);
    if (hashes.length !== tile.width) throw tileNotFound();
    return { body: Buffer.concat(hashes), full: tile.width === TILE_WIDTH };
  }

  private treeView(treeSize?: number): CheckpointView {
    const size = treeSize ?? this.latestCheckpoint().treeSize;
    const current = this.log.tree.size();
    if (size > current)
      throw notFound('LOG_TREE_SIZE_BEYOND_HEAD', `the log has ${current} leaves; there is no tree of ${size}`, { treeSize: size, currentTreeSize: current });
    const signed = this.log.checkpoints.bySize(size);
    return { treeSize: size, rootHash: this.log.tree.rootHash(size).toString('hex'), checkpoint: signed?.note ?? null, signedAt: signed?.signedAt ?? null };
  }

  private range(start: number, end: number, max: number): { start: number; end: number } {
    const size = this.log.tree.size();
    if (end < start || end - start > max)
      throw invalid('LOG_QUERY_INVALID', `a range is start <= end, at most ${max} leaves`, [{ field: 'end', messages: [`start <= end <= start + ${max}`] }]);
    return { start: Math.min(start, size), end: Math.min(end, size) };
  }
}

function tileNotFound(): Error {
  return notFound('LOG_TILE_NOT_FOUND', 'the log does not hold this tile (yet)');
}

function publicLeaf(leaf: StoredLeaf): PublicLeaf {
  const { v, ...record } = JSON.parse(leaf.data.toString('utf8')) as LeafRecord & { v: number };
  return { leafIndex: leaf.index, leafHash: leafHash(leaf.data).toString('hex'), leaf: record, leafFormatVersion: v };
}
