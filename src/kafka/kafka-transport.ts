import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Admin, LogEntry, Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from '../kernel/logger.js';
import type { OutboundMessage } from './kafka-contract.js';
import type { KafkaTopic } from './kafka-topics.js';

/** What the relay needs from a broker; kafkajs below, a fake in unit tests. */
export interface RelayTransport {
  /** Creates the missing topics and waits for their leaders (bounded). */
  prepare(): Promise<void>;
  /** Resolves once the broker acknowledged every message (acks=-1); rejects otherwise. */
  send(messages: readonly OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaTransportOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topics: readonly KafkaTopic[];
  readonly replicationFactor: number;
}

/** A sendBatch stays well under the broker's default 1 MiB record batch and request limits. */
export const SEND_BATCH_BYTES_MAX = 512 * 1024;
export const TOPIC_READY_WAIT_MS_MAX = 30_000;
const ADMIN_RETRY_DELAY_MS_MAX = 1_000;
const LEADER_POLL_MS = 200;
const DISCONNECT_WAIT_MS_MAX = 5_000;
const ACK_TIMEOUT_MS = 10_000;
/**
 * About 10 s of retries (300 ms doubling to 3 s), then the send fails: the subscription runner
 * marks the relay failing (visible in /health), backs off and resumes from the checkpoint with a
 * new producer, rather than one send hanging through an outage of any length.
 */
const PRODUCER_RETRY = { initialRetryTime: 300, maxRetryTime: 3_000, retries: 5 };

/**
 * kafkajs with an idempotent producer (acks=-1, one request in flight, so retries keep the
 * order within a partition). A producer whose send failed is disconnected and dropped; the next
 * send makes a new one, so no half-broken session (sequence numbers, a dead connection) survives.
 */
export class KafkaTransport implements RelayTransport {
  private readonly kafka: Kafka;
  private producer?: Producer;

  constructor(
    private readonly options: KafkaTransportOptions,
    private readonly logger: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 15_000,
      retry: PRODUCER_RETRY,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.log(entry),
    });
  }

  async prepare(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await this.createMissingTopics(admin);
    } finally {
      await boundedDisconnect(admin);
    }
  }

  async send(messages: readonly OutboundMessage[]): Promise<void> {
    try {
      const producer = await this.connectedProducer();
      for (const chunk of chunksByBytes(messages, SEND_BATCH_BYTES_MAX)) {
        await producer.sendBatch({ acks: -1, timeout: ACK_TIMEOUT_MS, topicMessages: byTopic(chunk) });
      }
    } catch (error) {
      await this.dropProducer();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.dropProducer();
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's murmur2 partitioner: the partition of a key matches what Java clients compute.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: PRODUCER_RETRY,
    });
    try {
      await producer.connect();
    } catch (error) {
      await boundedDisconnect(producer);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await boundedDisconnect(producer);
  }

  private async createMissingTopics(admin: Admin): Promise<void> {
    const existing = new Set(await retryingRetriable(() => admin.listTopics()));
    const missing = this.options.topics.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      // waitForLeaders: false and our own bounded wait below: kafkajs gives up when a KRaft broker
      // briefly answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created.
      await retryingRetriable(() =>
        ignoreAlreadyExists(
          admin.createTopics({
            waitForLeaders: false,
            timeout: 10_000,
            topics: missing.map((topic) => ({
              topic: topic.name,
              numPartitions: topic.partitions,
              replicationFactor: this.options.replicationFactor,
              configEntries: [{ name: 'retention.ms', value: String(topic.retentionMs) }],
            })),
          }),
        ),
      );
      this.logger.log(`created Kafka topics ${missing.map((topic) => topic.name).join(', ')}`);
    }
    await this.waitForLeaders(admin);
  }

  private async waitForLeaders(admin: Admin): Promise<void> {
    const names = this.options.topics.map((topic) => topic.name);
    const deadline = Date.now() + TOPIC_READY_WAIT_MS_MAX;
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0))) return;
      } catch (error) {
        if (!isRetriable(error)) throw error;
      }
      if (Date.now() >= deadline) throw new Error(`Kafka topics have no leader after ${TOPIC_READY_WAIT_MS_MAX} ms: ${names.join(', ')}`);
      await sleep(LEADER_POLL_MS);
    }
  }

  private log({ level, namespace, log }: LogEntry): void {
    // Deliberate (PRODUCER_RETRY): a failed send is retried from the checkpoint by a new producer.
    if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
    const line = `kafkajs [${namespace}] ${log.message}${log.error ? `: ${String(log.error)}` : ''}`;
    if (level === logLevel.ERROR) this.logger.error(line);
    else this.logger.warn(line);
  }
}

/** Consecutive runs of messages whose approximate size stays under `bytesMax` (one oversized message goes alone). */
export function chunksByBytes(messages: readonly OutboundMessage[], bytesMax: number): OutboundMessage[][] {
  const chunks: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const bytes = approximateBytes(message);
    if (current.length > 0 && currentBytes + bytes > bytesMax) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function approximateBytes(message: OutboundMessage): number {
  let bytes = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers)) bytes += name.length + Buffer.byteLength(value);
  return bytes;
}

/** Groups by topic, keeping the order of messages within each topic (and so within each key). */
function byTopic(messages: readonly OutboundMessage[]): TopicMessages[] {
  const groups = new Map<string, Message[]>();
  for (const message of messages) {
    const group = groups.get(message.topic) ?? [];
    group.push({ key: message.key, value: message.value, headers: { ...message.headers } });
    groups.set(message.topic, group);
  }
  return [...groups].map(([topic, topicMessages]) => ({ topic, messages: topicMessages }));
}

/** A kafkajs error the broker marks as transient (e.g. NOT_LEADER_OR_FOLLOWER), possibly wrapped. */
function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; cause?: { retriable?: boolean } } | null;
  return e?.retriable === true || e?.cause?.retriable === true;
}

/** Admin calls right after a (re)start can meet the KRaft race docs/kafka-broker.md describes. */
async function retryingRetriable<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + TOPIC_READY_WAIT_MS_MAX;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(100 * attempt, ADMIN_RETRY_DELAY_MS_MAX));
    }
  }
}

/** Another instance may create the same topics at the same moment. */
async function ignoreAlreadyExists(creating: Promise<boolean>): Promise<void> {
  try {
    await creating;
  } catch (error) {
    const errors = (error as { errors?: { type?: string }[] }).errors;
    if (!errors || !errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) throw error;
  }
}

async function boundedDisconnect(client: { disconnect(): Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.disconnect().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DISCONNECT_WAIT_MS_MAX);
    }),
  ]);
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
