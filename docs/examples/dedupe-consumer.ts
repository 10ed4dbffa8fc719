/**
 * A bela-ledger Kafka consumer that handles each event once although the relay delivers
 * at least once (docs/kafka.md): it skips a message whose `ce_id` it has already handled.
 * Depends on kafkajs only; copy it as a starting point.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 npx tsx docs/examples/dedupe-consumer.ts bela.public.order.v1 bela.public.card.v1
 *
 * The seen-id memory here is in-process and bounded, which covers the duplicates a relay
 * restart produces (they follow the originals closely). A consumer whose effect must survive
 * its own restarts keeps the handled ids in the same database transaction as the effect; or,
 * since every stream's events arrive in order, keeps the last `bela_stream_revision` per
 * `ce_subject` and skips anything not above it.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { pathToFileURL } from 'node:url';

/** One event from a bela-ledger topic (CloudEvents 1.0, Kafka binary mode). */
export interface LedgerEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** The stream id, also the message key: `order-<uuid>`. */
  readonly subject: string;
  readonly time: string;
  readonly position: bigint;
  readonly streamRevision: bigint;
  readonly data: unknown;
  readonly topic: string;
  readonly partition: number;
}

export interface DedupeConsumerOptions {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handle: (event: LedgerEvent) => Promise<void> | void;
  /** Bound on remembered ids; the oldest is forgotten first. */
  readonly seenIdsMax?: number;
}

export interface DedupeConsumer {
  /** Events handed to `handle`. */
  readonly handled: () => number;
  /** Messages skipped because their ce_id was handled before. */
  readonly duplicatesSkipped: () => number;
  stop(): Promise<void>;
}

const SEEN_IDS_MAX_DEFAULT = 1_000_000;

export async function startDedupeConsumer(options: DedupeConsumerOptions): Promise<DedupeConsumer> {
  const seenIdsMax = options.seenIdsMax ?? SEEN_IDS_MAX_DEFAULT;
  // A Set iterates in insertion order: its first entry is the oldest id.
  const seen = new Set<string>();
  let handled = 0;
  let duplicates = 0;

  const kafka = new Kafka({
    clientId: `${options.groupId}-client`,
    brokers: [...options.brokers],
    logLevel: logLevel.ERROR,
    // Keep reconnecting through a broker restart of a minute or so.
    retry: { initialRetryTime: 300, maxRetryTime: 3_000, retries: 25 },
  });
  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
  await consumer.run({
    // kafkajs commits an offset only after eachMessage resolved: a crash here means redelivery.
    eachMessage: async ({ topic, partition, message }) => {
      const event = toLedgerEvent(topic, partition, message);
      if (seen.has(event.id)) {
        duplicates += 1;
        return;
      }
      await options.handle(event);
      seen.add(event.id);
      if (seen.size > seenIdsMax) seen.delete(seen.values().next().value!);
      handled += 1;
    },
  });
  return {
    handled: () => handled,
    duplicatesSkipped: () => duplicates,
    stop: () => consumer.disconnect(),
  };
}

export function toLedgerEvent(topic: string, partition: number, message: KafkaMessage): LedgerEvent {
  const header = (name: string): string => {
    const value = headerValue(message.headers, name);
    if (value === undefined) throw new Error(`message at ${topic}/${partition}@${message.offset} has no ${name} header`);
    return value;
  };
  if (header('ce_specversion') !== '1.0') throw new Error(`unsupported CloudEvents version ${header('ce_specversion')}`);
  return {
    id: header('ce_id'),
    type: header('ce_type'),
    source: header('ce_source'),
    subject: header('ce_subject'),
    time: header('ce_time'),
    position: BigInt(header('bela_position')),
    streamRevision: BigInt(header('bela_stream_revision')),
    data: JSON.parse(message.value?.toString('utf8') ?? 'null'),
    topic,
    partition,
  };
}

function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

async function main(): Promise<void> {
  const topics = process.argv.slice(2);
  if (topics.length === 0) throw new Error('usage: dedupe-consumer.ts <topic>...');
  const consumer = await startDedupeConsumer({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    groupId: process.env.GROUP_ID ?? 'bela-example-dedupe',
    topics,
    handle: (event) => console.log(`${event.time} ${event.subject} r${event.streamRevision} ${event.type} ${JSON.stringify(event.data)}`),
  });
  const stop = () => void consumer.stop().then(() => console.error(`handled ${consumer.handled()}, skipped ${consumer.duplicatesSkipped()} duplicates`));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
