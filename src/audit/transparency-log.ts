import type Database from 'better-sqlite3';
import { READ_COUNT_MAX } from '../event-store/event-store.port.js';
import type { CatchUpProgress, CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SERVICE_PAGE_CACHE_KIB } from '../event-store/sqlite/open-sqlite-file.js';
import { runSqlOnWorker } from '../event-store/sqlite/sql-on-worker.js';
import { WalSync } from '../event-store/sqlite/wal-sync.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { assert } from '../kernel/assert.js';
import { commitEvent, takeRememberedLeaf } from './event-commitment.js';
import type { LogSigner } from './log-signer.js';
import { LEAF_LOOKUP_INDEXES, MerkleTreeStore, NewLeaf } from './merkle-tree-store.js';
import { SignedCheckpoint, SignedCheckpointStore } from './signed-checkpoints.js';
import { nextTurn } from '../kernel/next-turn.js';

export const TRANSPARENCY_LOG_CONSUMER = 'transparency-log';
/**
 * Events per transaction of the start-up catch-up (a live batch is at most BATCH_EVENTS_MAX). It
 * runs beside the projections' catch-up, so the parsed pages of both are in memory at once: the
 * same 2,000 as CATCH_UP_PAGE_EVENTS (docs/performance.md, memory).
 */
export const LOG_CATCH_UP_PAGE_EVENTS = 2_000;
assert(LOG_CATCH_UP_PAGE_EVENTS <= READ_COUNT_MAX, 'a catch-up page fits in one read of the store');
export const LOG_CATCH_UP_PAGES_MAX = 1_000_000_000;
/**
 * A catch-up that has logged this many events, and at least as many as the log held when it
 * began, and is still reading full pages drops the leaf lookup indexes and builds them at its end
 * (one sort, on a worker thread) instead of inserting every leaf at a random place of both: a
 * first start on a store of 1,001,000 events logged them in 27 s, and 1.8 s for the indexes,
 * instead of 66 s (docs/performance.md). Until then, a proof asked by event id or stream scans
 * the leaves.
 */
export const LOG_LOOKUP_INDEXES_DEFERRED_AFTER_EVENTS = 100_000;
/** The worker building the leaf lookup indexes waits this long for tlog.db's write lock. */
const INDEX_BUILD_BUSY_TIMEOUT_MS = 5_000;
/** The checkpoint's extension line that carries its signing time (ISO 8601, UTC). */
export const CHECKPOINT_TIME_PREFIX = 'time ';

/** The store handed over an event without the salt and digest it must keep beside every event. */
export class MissingCommitmentError extends Error {
  constructor(
    readonly position: bigint,
    readonly eventId: string,
  ) {
    super(`event ${eventId} at position ${position} has no stored commitment: the event store must keep a salt and digest for every event`);
    this.name = 'MissingCommitmentError';
  }
}

/** The leaf of each event: its commitment's canonical bytes, as the store computed them for its chain, or computed here. */
function leavesOf(events: readonly RecordedEvent[]): NewLeaf[] {
  return events.map((event): NewLeaf => {
    if (!event.commitment) throw new MissingCommitmentError(event.position, event.id);
    const { saltHex, privateDigest } = event.commitment;
    const leafData = takeRememberedLeaf(event.position, event.id, privateDigest) ?? commitEvent(event, saltHex, privateDigest).leafData;
    return { position: event.position, eventId: event.id, streamId: event.streamId, data: leafData };
  });
}

/**
 * The transparency log: a checkpointed consumer of $all that makes each event a leaf (its
 * commitment, src/verifier/leaf.ts) of an RFC 6962 tree in tlog.db, the consumer checkpoint in
 * the same transaction as the leaves, and signs a C2SP checkpoint after a batch (or catch-up page)
 * that grew the tree, at most one per `checkpointIntervalMs` (a later one covers what a skipped
 * one would have). The service opens tlog.db without an fsync per commit (a lost tail of leaves
 * is rebuilt from the store, as after any restart): a checkpoint is signed only after an fsync
 * of the WAL that covers the leaves it signs, off the event loop for the live ones, so no
 * published checkpoint can be ahead of the tree a power loss leaves.
 */
export class TransparencyLog implements CheckpointedConsumer {
  /** A parked event would be a gap in the tree: failures are retried until they pass. */
  readonly parksPoisonEvents = false;
  readonly name = TRANSPARENCY_LOG_CONSUMER;
  readonly tree: MerkleTreeStore;
  readonly checkpoints: SignedCheckpointStore;
  private readonly consumerCheckpoints: SqliteCheckpointStore;
  private readonly appendBatch: (leaves: readonly NewLeaf[], checkpoint: bigint) => void;
  private lastSignedMs = Number.NEGATIVE_INFINITY;
  private pendingSign?: NodeJS.Timeout;
  private stopped = false;
  /** Undefined when tlog.db is not in WAL mode (a file opened by a tool): its commits are durable as they are. */
  private readonly walSync?: WalSync;
  private readonly listeners = new Set<(checkpoint: SignedCheckpoint) => void>();
  /** The worker building the leaf lookup indexes, while it runs: it holds tlog.db's write lock. */
  private indexBuild?: Promise<void>;

  constructor(
    private readonly db: Database.Database,
    private readonly signer: LogSigner,
    private readonly clock: Clock,
    private readonly checkpointIntervalMs: number,
    private readonly logger: Logger,
    /** LOG_LOOKUP_INDEXES_DEFERRED_AFTER_EVENTS, smaller in tests. */
    private readonly lookupIndexesDeferredAfterEvents: number = LOG_LOOKUP_INDEXES_DEFERRED_AFTER_EVENTS,
  ) {
    this.tree = new MerkleTreeStore(db);
    this.checkpoints = new SignedCheckpointStore(db);
    this.consumerCheckpoints = new SqliteCheckpointStore(db);
    if (db.pragma('journal_mode', { simple: true }) === 'wal') this.walSync = new WalSync(db.name);
    this.appendBatch = db.transaction((leaves: readonly NewLeaf[], checkpoint: bigint) => {
      this.tree.append(leaves);
      this.consumerCheckpoints.save(this.name, checkpoint);
    });
  }

  get origin(): string {
    return this.signer.name;
  }

  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  /** Called with every newly signed checkpoint (the Kafka publisher listens). */
  onCheckpoint(listener: (checkpoint: SignedCheckpoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.consumerCheckpoints.load(this.name);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.appendBatch(leavesOf(events), checkpoint);
    if (events.length > 0) await this.requestCheckpoint();
  }

  /**
   * Start-up (or after a failure): the events after the stored checkpoint, in pages of
   * LOG_CATCH_UP_PAGE_EVENTS, each page's leaves, subtree hashes and consumer checkpoint in one
   * transaction, so a backlog costs one commit per page rather than per live batch. A long one
   * defers the leaf lookup indexes (LOG_LOOKUP_INDEXES_DEFERRED_AFTER_EVENTS). Signing stays at
   * most one checkpoint per interval; the runner goes on live from here.
   */
  async catchUp(store: EventStore, progress: CatchUpProgress): Promise<void> {
    const stored = await this.loadCheckpoint();
    const sizeAtStart = this.tree.size();
    let from: bigint | 'start' = stored === 'start' ? 'start' : stored + 1n;
    let logged = 0;
    let indexesDropped = false;
    try {
      for (let page = 0; page < LOG_CATCH_UP_PAGES_MAX; page += 1) {
        if (progress.stopped()) return;
        const events = await store.readAll({ fromPosition: from, maxCount: LOG_CATCH_UP_PAGE_EVENTS });
        if (events.length === 0) return;
        const last = events[events.length - 1]!.position;
        this.appendBatch(leavesOf(events), last);
        logged += events.length;
        progress.handled(last, events.length);
        await this.requestCheckpoint();
        if (events.length < LOG_CATCH_UP_PAGE_EVENTS) return;
        if (!indexesDropped && logged >= Math.max(this.lookupIndexesDeferredAfterEvents, sizeAtStart)) {
          this.tree.dropLeafLookupIndexes();
          indexesDropped = true;
        }
        from = last + 1n;
        // Between pages, HTTP and the other consumers get a turn of the event loop.
        await nextTurn();
      }
      throw new RangeError(`the transparency log's catch-up exceeded ${LOG_CATCH_UP_PAGES_MAX} pages`);
    } finally {
      // A stopped catch-up leaves them to the next open (MerkleTreeStore creates missing ones).
      if (indexesDropped && !progress.stopped()) await this.buildLeafLookupIndexes();
    }
  }

  /**
   * Builds the leaf lookup indexes on a worker thread (an in-memory log, in tests: here), the
   * event loop free meanwhile. Signing waits for it: the worker holds the file's write lock.
   */
  private async buildLeafLookupIndexes(): Promise<void> {
    if (this.db.memory) {
      for (const index of LEAF_LOOKUP_INDEXES) this.db.exec(index.createSql);
      return;
    }
    this.indexBuild = runSqlOnWorker({
      file: this.db.name,
      statements: LEAF_LOOKUP_INDEXES.map((index) => ({ sql: index.createSql })),
      busyTimeoutMs: INDEX_BUILD_BUSY_TIMEOUT_MS,
      cacheKib: SERVICE_PAGE_CACHE_KIB,
      truncateWal: false,
      purpose: "the transparency log's leaf lookup indexes",
    });
    try {
      await this.indexBuild;
    } finally {
      this.indexBuild = undefined;
    }
  }

  /** Signs the current tree (made durable first) unless its latest checkpoint already covers it. The first start signs the empty tree. */
  signCheckpoint(): SignedCheckpoint {
    this.walSync?.syncNow();
    return this.signTree(this.tree.size());
  }

  /** Signs the tree at `treeSize` (on disk already) unless the latest checkpoint covers it. */
  private signTree(treeSize: number): SignedCheckpoint {
    const latest = this.checkpoints.latest();
    if (latest && latest.treeSize >= treeSize) return latest;
    const rootHash = this.tree.rootHash(treeSize);
    const signedAt = this.clock.now().toISOString();
    // The signing time rides as a C2SP extension line: verifiers that do not know it ignore it.
    const checkpoint: SignedCheckpoint = {
      treeSize,
      rootHash,
      note: this.signer.signNote(`${this.signer.name}\n${treeSize}\n${rootHash.toString('base64')}\n${CHECKPOINT_TIME_PREFIX}${signedAt}\n`),
      signedAt,
    };
    this.checkpoints.save(checkpoint);
    this.lastSignedMs = this.clock.now().getTime();
    for (const listener of this.listeners) listener(checkpoint);
    return checkpoint;
  }

  /** Stops the deferred signing; the next start signs what is left. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.pendingSign);
    this.pendingSign = undefined;
    this.walSync?.closeNow();
  }

  private async requestCheckpoint(): Promise<void> {
    if (this.pendingSign) return;
    const waitMs = this.lastSignedMs + this.checkpointIntervalMs - this.clock.now().getTime();
    if (waitMs <= 0) {
      await this.signWhenDurable();
      return;
    }
    this.pendingSign = setTimeout(() => {
      this.pendingSign = undefined;
      this.signWhenDurable().catch((error: unknown) => {
        this.logger.error(`signing a checkpoint failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, waitMs);
    this.pendingSign.unref();
  }

  /** Signs the tree as it is now once an fsync (in libuv's thread pool) has put it on disk. */
  private async signWhenDurable(): Promise<void> {
    await this.indexBuild?.catch(() => undefined);
    if (this.stopped) return;
    const treeSize = this.tree.size();
    await this.walSync?.sync();
    if (!this.stopped) this.signTree(treeSize);
  }
}
