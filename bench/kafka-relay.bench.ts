/**
 * Kafka relay throughput against a raw kafkajs baseline, measured in the same run against the
 * broker at $KAFKA_BROKERS (start one with `bash scripts/kafka/kafka.sh start`):
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 npx tsx bench/kafka-relay.bench.ts
 *
 * - relay: an embedded store seeded with BENCH_EVENTS OrderPlaced events on BENCH_STREAMS
 *   streams; the SubscriptionRunner + KafkaRelay (idempotent producer, acks=-1, checkpoint
 *   after each acknowledged batch) from the start of $all until it has checkpointed the head.
 * - raw: the very same messages (toKafkaMessages of the same events: internal + public, same
 *   keys, headers and values) sent by a bare kafkajs producer with the same settings, in
 *   batches of the relay's batch size (BATCH_EVENTS_MAX events), each awaited.
 * Each side gets fresh topics. Events/s count ledger events (each is two messages here).
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { READ_COUNT_MAX } from '../src/event-store/event-store.port.js';
import type { EventData, RecordedEvent } from '../src/event-store/event-store.port.js';
import { DeadLetterStore } from '../src/event-store/dead-letter-store.js';
import { SqliteCheckpointStore } from '../src/event-store/sqlite-checkpoint-store.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { BATCH_EVENTS_MAX, SubscriptionRunner } from '../src/event-store/subscription-runner.js';
import { toKafkaMessages } from '../src/kafka/kafka-contract.js';
import type { OutboundMessage } from '../src/kafka/kafka-contract.js';
import { KafkaRelay } from '../src/kafka/kafka-relay.js';
import { KafkaRelayMetrics } from '../src/kafka/kafka-relay-metrics.js';
import { allTopics } from '../src/kafka/kafka-topics.js';
import { chunksByBytes, KafkaTransport, SEND_BATCH_BYTES_MAX } from '../src/kafka/kafka-transport.js';
import type { Logger } from '../src/kernel/logger.js';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CATCH_UP_WAIT_MS_MAX = 300_000;
const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;

const logger: Logger = { log: () => undefined, warn: (m) => console.error(`warn: ${m}`), error: (m) => console.error(`error: ${m}`) };

export interface KafkaBenchResult {
  readonly name: string;
  readonly events: number;
  readonly messages: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Key + value + headers, averaged over the messages. */
  readonly messageBytesAvg: number;
}

/** An order as the service writes it (three lines), so message sizes are realistic (~1.2 KB). */
function orderPlaced(orderId: string, n: number): EventData {
  const line = (index: number) => ({
    listingId: randomUUID(),
    listingRevision: index,
    title: `Nasi kotak paket ${index + 1}`,
    category: 'makan-minum',
    unit: 'kotak',
    quantity: 10 + index,
    unitPriceRupiah: 35_000,
    lineTotalRupiah: 35_000 * (10 + index),
    isDomesticProduct: true,
  });
  return {
    id: randomUUID(),
    type: 'OrderPlaced',
    data: {
      orderId,
      buyer: { opdCode: '3673-DINKES', opdName: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673', officialName: 'Budi Santoso' },
      vendorId: randomUUID(),
      vendorScale: 'mikro',
      cardId: randomUUID(),
      lines: [line(0), line(1), line(2)],
      shippingRupiah: 50_000,
      totalRupiah: 1_155_000 + n,
      domesticUmkPurchase: true,
      policyRevision: 0,
    },
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: { id: 'key:bench', role: 'buyer', opdCode: '3673-DINKES' },
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

async function seed(store: SqliteEventStore): Promise<void> {
  const perStream = Math.ceil(EVENTS / STREAMS);
  let written = 0;
  for (let s = 0; s < STREAMS && written < EVENTS; s++) {
    const orderId = randomUUID();
    const batch = Array.from({ length: Math.min(perStream, EVENTS - written) }, (_, n) => orderPlaced(orderId, written + n));
    await store.appendToStream(`order-${orderId}`, batch, { expectedRevision: 'no_stream' });
    written += batch.length;
  }
}

async function benchRelay(round: number): Promise<{ result: KafkaBenchResult; messages: OutboundMessage[][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bela-bench-relay-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  const checkpointsDb = new Database(join(dir, 'checkpoints.db'));
  const prefix = `bench-${RUN_ID}-relay-${round}.`;
  const transport = new KafkaTransport({ brokers: BROKERS, clientId: 'bela-bench', topics: allTopics(prefix), replicationFactor: 1 }, logger);
  const metrics = new KafkaRelayMetrics();
  const runner = new SubscriptionRunner(
    store,
    new KafkaRelay(transport, new SqliteCheckpointStore(checkpointsDb), metrics, prefix),
    logger,
    new DeadLetterStore(checkpointsDb),
  );
  try {
    await seed(store);
    const head = await store.headPosition();
    // Topics and the producer's connection first: the timing covers relaying only.
    await transport.prepare();
    await transport.send([]);
    const started = process.hrtime.bigint();
    runner.start();
    const deadline = Date.now() + CATCH_UP_WAIT_MS_MAX;
    while (!(await runner.waitForPosition(head, 1_000))) {
      if (Date.now() > deadline) throw new Error(`relay did not reach ${head}: ${JSON.stringify(await runner.status())}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const events = await readAllEvents(store);
    if (events.length !== EVENTS) throw new Error(`expected ${EVENTS} events in the store, read ${events.length}`);
    // The same messages in the same batches, for the raw baseline (on its own topics).
    const rawPrefix = `bench-${RUN_ID}-raw-${round}.`;
    const messages: OutboundMessage[][] = [];
    for (let i = 0; i < events.length; i += BATCH_EVENTS_MAX) {
      messages.push(
        events.slice(i, i + BATCH_EVENTS_MAX).flatMap((event) => {
          const mapping = toKafkaMessages(event, rawPrefix);
          return mapping.routed ? [...mapping.messages] : [];
        }),
      );
    }
    const messageCount = messages.reduce((sum, batch) => sum + batch.length, 0);
    return {
      result: {
        name: 'relay: $all -> KafkaRelay -> broker, checkpoint per batch',
        events: events.length,
        messages: messageCount,
        seconds,
        eventsPerSecond: events.length / seconds,
        messageBytesAvg: averageBytes(messages),
      },
      messages,
    };
  } finally {
    await runner.stop();
    await transport.close();
    await store.close();
    checkpointsDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `chunked`: split each batch exactly as the relay's transport does (SEND_BATCH_BYTES_MAX); else one sendBatch per batch. */
async function benchRaw(round: number, batches: readonly OutboundMessage[][], events: number, chunked: boolean): Promise<KafkaBenchResult> {
  const prefix = `bench-${RUN_ID}-raw-${round}${chunked ? 'c' : ''}.`;
  const requests = chunked
    ? batches.flatMap((batch) =>
        chunksByBytes(
          batch.map((message) => ({ ...message, topic: message.topic.replace(`-raw-${round}.`, `-raw-${round}c.`) })),
          SEND_BATCH_BYTES_MAX,
        ),
      )
    : batches;
  // Topics made the same way as the relay's, then a bare producer with the same settings.
  const topics = new KafkaTransport({ brokers: BROKERS, clientId: 'bela-bench-raw-admin', topics: allTopics(prefix), replicationFactor: 1 }, logger);
  await topics.prepare();
  await topics.close();
  const kafka = new Kafka({ clientId: 'bela-bench-raw', brokers: BROKERS, logLevel: logLevel.ERROR });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const started = process.hrtime.bigint();
    for (const batch of requests) {
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const message of batch)
        byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), { key: message.key, value: message.value, headers: { ...message.headers } }]);
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const messages = batches.reduce((sum, batch) => sum + batch.length, 0);
    const name = chunked
      ? `raw kafkajs, the relay's requests (<= ${SEND_BATCH_BYTES_MAX / 1024} KiB each)`
      : `raw kafkajs, one sendBatch per ${BATCH_EVENTS_MAX} events`;
    return { name, events, messages, seconds, eventsPerSecond: events / seconds, messageBytesAvg: averageBytes(batches) };
  } finally {
    await producer.disconnect();
  }
}

/** $all in pages (readAll is bounded by READ_COUNT_MAX). */
async function readAllEvents(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ fromPosition: events.length === 0 ? 'start' : events.at(-1)!.position + 1n, maxCount: READ_COUNT_MAX });
    events.push(...page);
    if (page.length < READ_COUNT_MAX) return events;
  }
}

function averageBytes(batches: readonly OutboundMessage[][]): number {
  let bytes = 0;
  let count = 0;
  for (const message of batches.flat()) {
    count += 1;
    bytes += Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
    for (const [name, value] of Object.entries(message.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return count === 0 ? 0 : bytes / count;
}

async function deleteBenchTopics(): Promise<void> {
  const admin = new Kafka({ clientId: 'bela-bench-cleanup', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`bench-${RUN_ID}-`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

export async function runKafkaRelayBench(): Promise<{ relay: KafkaBenchResult[]; raw: KafkaBenchResult[]; rawChunked: KafkaBenchResult[] }> {
  const relay: KafkaBenchResult[] = [];
  const raw: KafkaBenchResult[] = [];
  const rawChunked: KafkaBenchResult[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const measured = await benchRelay(round);
      relay.push(measured.result);
      raw.push(await benchRaw(round, measured.messages, measured.result.events, false));
      rawChunked.push(await benchRaw(round, measured.messages, measured.result.events, true));
    }
  } finally {
    await deleteBenchTopics();
  }
  return { relay, raw, rawChunked };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  console.log(`Kafka relay bench: ${EVENTS} OrderPlaced events on ${STREAMS} streams, ${ROUNDS} rounds, broker ${BROKERS.join(',')} (node ${process.version})`);
  const { relay, raw, rawChunked } = await runKafkaRelayBench();
  for (let round = 0; round < relay.length; round++) {
    for (const result of [raw[round]!, rawChunked[round]!, relay[round]!]) {
      console.log(
        `  round ${round + 1}  ${result.name.padEnd(64)} ${result.eventsPerSecond.toFixed(0).padStart(7)} events/s  (${result.messages} messages in ${result.seconds.toFixed(2)} s)`,
      );
    }
  }
  const relayMedian = median(relay.map((result) => result.eventsPerSecond));
  const rawMedian = median(raw.map((result) => result.eventsPerSecond));
  const rawChunkedMedian = median(rawChunked.map((result) => result.eventsPerSecond));
  console.log(
    `median: relay ${relayMedian.toFixed(0)} events/s; raw kafkajs ${rawMedian.toFixed(0)} events/s one request a batch (relay = ${(relayMedian / rawMedian).toFixed(2)}x), ` +
      `${rawChunkedMedian.toFixed(0)} events/s with the relay's requests (relay = ${(relayMedian / rawChunkedMedian).toFixed(2)}x); ` +
      `2 messages an event (internal + public), ${relay[0]?.messageBytesAvg.toFixed(0)} bytes a message on average`,
  );
}

if (process.argv[1]?.endsWith('kafka-relay.bench.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
