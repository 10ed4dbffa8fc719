import type { SignedCheckpoint } from '../audit/signed-checkpoints.js';
import type { Logger } from '../kernel/logger.js';
import { CE_SOURCE_PUBLIC, CE_SPEC_VERSION, CE_TYPE_NAMESPACE, CONTENT_TYPE_JSON } from './kafka-contract.js';
import type { OutboundMessage } from './kafka-contract.js';
import type { RelayCheckpoints } from './kafka-relay.js';
import { logCheckpointsTopic } from './kafka-topics.js';
import type { RelayTransport } from './kafka-transport.js';

export const LOG_CHECKPOINTS_CONSUMER = 'kafka.log-checkpoints';
/** Checkpoints per send; a long outage is caught up in sends of this many. */
export const CHECKPOINTS_PER_SEND_MAX = 100;
export const PUBLISH_RETRY_MS_MIN = 500;
export const PUBLISH_RETRY_MS_MAX = 30_000;
export const LOG_CHECKPOINT_CE_TYPE = `${CE_TYPE_NAMESPACE}.log.Checkpoint.v1`;

/** Where signed checkpoints come from (the transparency log). */
export interface CheckpointSource {
  readonly origin: string;
  after(treeSize: number, limit: number): SignedCheckpoint[];
  onCheckpoint(listener: () => void): () => void;
}

/** The Kafka message of one signed checkpoint: the note as signed, and its parts for convenience. */
export function checkpointMessage(checkpoint: SignedCheckpoint, origin: string, topicPrefix = ''): OutboundMessage {
  return {
    topic: logCheckpointsTopic(topicPrefix).name,
    key: origin,
    value: JSON.stringify({
      origin,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash.toString('base64'),
      signedAt: checkpoint.signedAt,
      note: checkpoint.note,
    }),
    headers: {
      ce_specversion: CE_SPEC_VERSION,
      ce_id: `${origin}/${checkpoint.treeSize}`,
      ce_source: CE_SOURCE_PUBLIC,
      ce_type: LOG_CHECKPOINT_CE_TYPE,
      ce_subject: origin,
      ce_time: checkpoint.signedAt,
      'content-type': CONTENT_TYPE_JSON,
      bela_tree_size: String(checkpoint.treeSize),
    },
  };
}

/**
 * Sends every signed checkpoint to `bela.log.checkpoints.v1`, in order, and stores how far it
 * got only after the broker acknowledged (at least once: after a crash a checkpoint may be sent
 * again; consumers deduplicate on ce_id). It wakes when the log signs, and retries a failed send
 * with a bounded backoff.
 */
export class LogCheckpointPublisher {
  private running = false;
  private inFlight?: Promise<void>;
  private again = false;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly transport: RelayTransport,
    private readonly checkpoints: RelayCheckpoints,
    private readonly source: CheckpointSource,
    private readonly logger: Logger,
    private readonly topicPrefix = '',
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.source.onCheckpoint(() => this.wake());
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
    await this.inFlight;
  }

  /** Publishes what is pending; resolves when a pass ended (for tests and shutdown). */
  wake(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.inFlight = this.publishPending()
      .then(() => {
        this.failures = 0;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        const delayMs = Math.min(PUBLISH_RETRY_MS_MIN * 2 ** (this.failures - 1), PUBLISH_RETRY_MS_MAX);
        this.logger.error(
          `sending log checkpoints to Kafka failed (${this.failures}x), retrying in ${delayMs} ms: ${error instanceof Error ? error.message : String(error)}`,
        );
        if (this.running) {
          this.retryTimer = setTimeout(() => void this.wake(), delayMs);
          this.retryTimer.unref();
        }
      })
      .finally(() => {
        this.inFlight = undefined;
        if (this.again) {
          this.again = false;
          void this.wake();
        }
      });
    return this.inFlight;
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const last = this.checkpoints.load(LOG_CHECKPOINTS_CONSUMER);
      const pending = this.source.after(last === 'start' ? -1 : Number(last), CHECKPOINTS_PER_SEND_MAX);
      if (pending.length === 0 || !this.running) return;
      await this.transport.send(pending.map((checkpoint) => checkpointMessage(checkpoint, this.source.origin, this.topicPrefix)));
      this.checkpoints.save(LOG_CHECKPOINTS_CONSUMER, BigInt(pending[pending.length - 1]!.treeSize));
    }
  }
}
