/**
 * The Kafka relay against the real broker (scripts/kafka/kafka.sh; `npm test` starts one and
 * exports KAFKA_BROKERS, KAFKA_DIR, KAFKA_PORT). Fails, never skips, when no broker answers.
 * Each test has its own topic prefix, so it reads only its own messages.
 */
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDedupeConsumer } from '../../docs/examples/dedupe-consumer.js';
import type { LedgerEvent } from '../../docs/examples/dedupe-consumer.js';
import type { EventData, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { DeadLetterStore } from '../../src/event-store/dead-letter-store.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRunner } from '../../src/event-store/subscription-runner.js';
import { KAFKA_RELAY_CONSUMER, KafkaRelay } from '../../src/kafka/kafka-relay.js';
import { KafkaRelayMetrics } from '../../src/kafka/kafka-relay-metrics.js';
import { allTopics, relayTopics, topicName } from '../../src/kafka/kafka-topics.js';
import { KafkaTransport } from '../../src/kafka/kafka-transport.js';
import type { Logger } from '../../src/kernel/logger.js';
import {
  ConsumedMessage,
  consumeAll,
  deleteTopics,
  KAFKA_BROKERS,
  kafkaSh,
  lockBroker,
  requireBroker,
  requireManagedBroker,
  RESTART_OPT_OUT,
  waitFor,
} from '../support/kafka-test-support.js';
import { FORBIDDEN_PUBLIC_STRINGS, PERSONAL, sampleEventsByStream, sampleIds, sampleMetadata } from '../support/ledger-event-samples.js';
import { OPD, buyerKey, orderBody, pollUntil, uniqueNib } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

const RUN_ID = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const prefixes: string[] = [];
function newPrefix(test: string): string {
  const prefix = `it-relay-${RUN_ID}-${test}.`;
  prefixes.push(prefix);
  return prefix;
}

/** kafkajs' and the runner's complaints, kept to explain a failure. */
const logLines: string[] = [];
const keepingLogger: Logger = {
  log: () => undefined,
  warn: (message) => void logLines.push(`WARN ${message}`),
  error: (message) => void logLines.push(`ERROR ${message}`),
};
const recentLogs = (): string => `recent relay logs:\n  ${logLines.slice(-12).join('\n  ')}`;

/** The relay in this process over an embedded store in a temp dir, as the app wires it. */
class InProcessRelay {
  readonly dir = mkdtempSync(join(tmpdir(), 'bela-kafka-relay-'));
  readonly store = SqliteEventStore.open(join(this.dir, 'events.db'));
  readonly checkpointsDb = new Database(join(this.dir, 'checkpoints.db'));
  readonly metrics = new KafkaRelayMetrics();
  readonly transport: KafkaTransport;
  readonly runner: SubscriptionRunner;

  constructor(readonly prefix: string) {
    this.transport = new KafkaTransport(
      { brokers: KAFKA_BROKERS, clientId: `bela-it-${RUN_ID}`, topics: allTopics(prefix), replicationFactor: 1 },
      keepingLogger,
    );
    const relay = new KafkaRelay(this.transport, new SqliteCheckpointStore(this.checkpointsDb), this.metrics, prefix);
    this.runner = new SubscriptionRunner(this.store, relay, keepingLogger, new DeadLetterStore(this.checkpointsDb));
  }

  async caughtUp(timeoutMs: number): Promise<void> {
    const head = await this.store.headPosition();
    let last: unknown;
    await waitFor(
      `the relay to reach position ${head}`,
      async () => {
        const status = await this.runner.status();
        last = status;
        return status.position === head.toString();
      },
      timeoutMs,
      () => `last status ${JSON.stringify(last)}\n${recentLogs()}`,
      200,
    );
  }

  status(): ReturnType<SubscriptionRunner['status']> {
    return this.runner.status();
  }

  async close(): Promise<void> {
    await this.runner.stop();
    await this.transport.close();
    await this.store.close();
    this.checkpointsDb.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function appendAll(store: SqliteEventStore, byStream: Map<string, EventData[]>): Promise<void> {
  for (const [streamId, events] of byStream) await store.appendToStream(streamId, events, { expectedRevision: 'any' });
}

/** Messages per key in offset order: a key lives on one partition, so this is the order a consumer sees. */
function byKey(messages: readonly ConsumedMessage[]): Map<string, ConsumedMessage[]> {
  const groups = new Map<string, ConsumedMessage[]>();
  for (const message of [...messages].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0))) {
    const key = `${message.topic} ${message.key}`;
    groups.set(key, [...(groups.get(key) ?? []), message]);
  }
  return groups;
}

let releaseBroker: (() => void) | undefined;

beforeAll(async () => {
  // Some suites stop the shared broker; one such suite at a time, and the broker is only
  // probed once the other suite has given it back.
  releaseBroker = await lockBroker('kafka-relay.spec');
  await requireBroker();
}, 300_000);

afterAll(async () => {
  await deleteTopics(prefixes.flatMap((prefix) => relayTopics(prefix).map((topic) => topic.name)));
  releaseBroker?.();
}, 60_000);

describe(`Kafka relay against the broker at ${KAFKA_BROKERS.join(',')} (integration)`, () => {
  it('relays every event to its topic in per-stream order, keyed by stream, with CloudEvents headers', async () => {
    const relay = new InProcessRelay(newPrefix('order'));
    try {
      // Three of every aggregate, appended round-robin so streams interleave in $all.
      const sets = [sampleIds(), sampleIds(), sampleIds()].map((ids) => sampleEventsByStream(ids));
      const rounds = Math.max(...sets.flatMap((set) => [...set.values()].map((events) => events.length)));
      for (let round = 0; round < rounds; round++) {
        for (const set of sets) {
          for (const [streamId, events] of set) {
            if (events[round]) await relay.store.appendToStream(streamId, [events[round]!], { expectedRevision: 'any' });
          }
        }
      }
      // Fail closed: an unknown type in a known category; and a stream of no category.
      const unknownId = randomUUID();
      await relay.store.appendToStream(
        `vendor-${randomUUID()}`,
        [{ id: unknownId, type: 'VendorNicknamed', data: { nickname: PERSONAL.holderName }, metadata: sampleMetadata() }],
        { expectedRevision: 'any' },
      );
      await relay.store.appendToStream(`test-${randomUUID()}`, [{ id: randomUUID(), type: 'Counted', data: {}, metadata: sampleMetadata() }], {
        expectedRevision: 'any',
      });

      relay.runner.start();
      await relay.caughtUp(60_000);

      const all = await relay.store.readAll({ maxCount: 10_000 });
      const routed = all.filter((event) => !event.streamId.startsWith('test-'));
      const internalTopics = allTopics(relay.prefix)
        .filter((topic) => topic.audience === 'internal')
        .map((topic) => topic.name);
      const internal = await consumeAll(internalTopics, routed.length, 60_000);
      expect(internal).toHaveLength(routed.length);

      const byId = new Map(internal.map((message) => [message.headers.ce_id, message]));
      for (const event of routed) {
        const message = byId.get(event.id);
        expect(message).toBeDefined();
        const category = event.streamId.slice(0, event.streamId.indexOf('-'));
        expect(message!.topic).toBe(topicName(category as 'vendor', 'internal', relay.prefix));
        expect(message!.key).toBe(event.streamId);
        expect(JSON.parse(message!.value)).toEqual(event.data);
        expect(message!.headers).toMatchObject({
          ce_specversion: '1.0',
          ce_id: event.id,
          ce_source: '/bela-ledger',
          ce_type: `id.go.lkpp.bela.${event.type}.v1`,
          ce_subject: event.streamId,
          ce_time: event.metadata.occurredAt,
          'content-type': 'application/json',
          bela_position: event.position.toString(),
          bela_stream_revision: event.revision.toString(),
          bela_correlation_id: event.metadata.correlationId,
          bela_causation_id: event.metadata.causationId,
        });
      }
      for (const [key, messages] of byKey(internal)) {
        expect({ key, partitions: new Set(messages.map((message) => message.partition)).size }).toEqual({ key, partitions: 1 });
        expect({ key, revisions: messages.map((message) => Number(message.headers.bela_stream_revision)) }).toEqual({
          key,
          revisions: messages.map((_, index) => index),
        });
      }

      // Public: everything but NIB reservations and the unknown type, in the same order.
      const publicTopics = allTopics(relay.prefix)
        .filter((topic) => topic.audience === 'public')
        .map((topic) => topic.name);
      const expectedPublic = routed.filter((event) => !event.streamId.startsWith('nib-') && event.id !== unknownId);
      const published = await consumeAll(publicTopics, expectedPublic.length, 60_000);
      expect(published.map((message) => message.headers.ce_id).sort()).toEqual(expectedPublic.map((event) => event.id).sort());
      for (const [, messages] of byKey(published)) {
        const positions = messages.map((message) => BigInt(message.headers.bela_position!));
        expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      const counters = relay.metrics.snapshot();
      expect(counters.eventsTotal).toBe(routed.length);
      expect(counters.unroutedEventsTotal).toBe(1);
    } finally {
      await relay.close();
    }
  }, 180_000);

  it('through the service: public topics carry no cardholder name, NIK, card digits, contacts or actor ids', async () => {
    const prefix = newPrefix('public');
    const app = await TestApp.start({ env: { KAFKA_BROKERS: KAFKA_BROKERS.join(','), KAFKA_TOPIC_PREFIX: prefix } });
    try {
      const admin = app.issueKey('admin');
      const buyer = await buyerKey(app, admin);
      // A sole trader registers with her NIK as NPWP (16 digits, not "0" + 15).
      const registered = await app.request('POST', '/vendors', {
        token: admin,
        body: {
          nib: uniqueNib(),
          npwp: PERSONAL.nik,
          name: 'Warung Makan Bu Siti',
          legalForm: 'perorangan',
          capitalRupiah: 150_000_000,
          kabupatenKotaCode: '3673',
          contact: { email: PERSONAL.ownerEmail, phone: PERSONAL.ownerPhone },
        },
        headers: { 'x-correlation-id': PERSONAL.correlationId },
      });
      expect(registered.status).toBe(201);
      const vendorId: string = registered.body.vendorId;
      expect((await app.request('POST', `/vendors/${vendorId}/verify`, { token: admin })).status).toBe(200);
      const vendorToken = app.issueKey('vendor', { vendorId });
      const listed = await app.request('POST', `/vendors/${vendorId}/listings`, {
        token: vendorToken,
        body: { title: 'Nasi kotak', category: 'makan-minum', unit: 'kotak', priceRupiah: 35_000, isDomesticProduct: true },
      });
      expect(listed.status).toBe(201);
      const issued = await app.request('POST', '/cards', {
        token: admin,
        body: { opdCode: OPD, holderName: PERSONAL.holderName, cardLast4: PERSONAL.cardLast4, limitRupiah: 10_000_000, expiresOn: PERSONAL.cardExpiry },
      });
      expect(issued.status).toBe(201);
      const vendor = { vendorId, vendorToken, listingIds: [listed.body.listingId as string] };
      const placed = await app.request('POST', '/orders', {
        token: buyer,
        body: { ...orderBody(vendor, issued.body.cardId, [{ listingIndex: 0, quantity: 40 }]), officialName: PERSONAL.officialName },
      });
      expect(placed.status).toBe(201);
      const orderId: string = placed.body.orderId;
      await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
      expect((await app.request('POST', `/orders/${orderId}/accept`, { token: vendorToken })).status).toBe(200);
      expect((await app.request('POST', `/orders/${orderId}/ship`, { token: vendorToken, body: { note: `diterima ${PERSONAL.officialName}` } })).status).toBe(
        200,
      );
      const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
      expect(
        (await app.request('POST', `/orders/${orderId}/receive`, { token: buyer, body: { bastNumber: 'BAST/017/DINKES/2026', bastDate: today } })).status,
      ).toBe(200);
      await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'paid');

      const events = await app.store.readAll({ maxCount: 10_000 });
      const head = events.at(-1)!.position;
      await waitFor(
        'the relay of the service to reach the head',
        async () => (await relayGauge(app, 'bela_kafka_relay_last_position')) === Number(head),
        60_000,
        () => app.output().slice(-2_000),
      );
      const health = await app.request('GET', '/health');
      expect(health.body.subscriptions).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: KAFKA_RELAY_CONSUMER, state: 'running', lagEvents: 0 })]),
      );
      expect(await relayGauge(app, 'bela_kafka_relay_events_total')).toBe(events.length);

      const publicTopics = allTopics(prefix)
        .filter((topic) => topic.audience === 'public')
        .map((topic) => topic.name);
      const expectedPublic = events.filter((event) => !event.streamId.startsWith('nib-'));
      const published = await consumeAll(publicTopics, expectedPublic.length, 60_000);
      expect(published.map((message) => message.headers.ce_id).sort()).toEqual(expectedPublic.map((event) => event.id).sort());

      const actorIds = [...new Set(events.map((event) => event.metadata.actor.id))];
      expect(actorIds.length).toBeGreaterThanOrEqual(4); // admin, vendor, buyer keys and the process manager
      const forbidden = [...FORBIDDEN_PUBLIC_STRINGS, ...actorIds];
      for (const message of published) {
        for (const value of forbidden) {
          expect({ message: `${message.topic} ${message.headers.ce_type}`, leaked: message.bytes.includes(value) ? value : null }).toEqual({
            message: `${message.topic} ${message.headers.ce_type}`,
            leaked: null,
          });
        }
      }
      // The internal topics do carry them: the scan above looked for data that really flows.
      const internalTopics = allTopics(prefix)
        .filter((topic) => topic.audience === 'internal')
        .map((topic) => topic.name);
      const internalBytes = Buffer.concat((await consumeAll(internalTopics, events.length, 60_000)).map((message) => message.bytes));
      for (const value of [PERSONAL.nik, PERSONAL.holderName, `"${PERSONAL.cardLast4}"`, PERSONAL.officialName, PERSONAL.ownerEmail, ...actorIds]) {
        expect(internalBytes.includes(value)).toBe(true);
      }
    } finally {
      await app.close();
    }
  }, 240_000);

  it('a service killed (SIGKILL) mid-stream and restarted delivers every event; the consumer dedupes on ce_id', async () => {
    const prefix = newPrefix('crash');
    const dataDir = mkdtempSync(join(tmpdir(), 'bela-kafka-crash-'));
    const streams = 400;
    const eventsPerStream = 50;
    // Order events that no process manager reacts to: the service only relays them.
    const seed = SqliteEventStore.open(join(dataDir, 'events.db'));
    const expected = new Map<string, { streamId: string; revision: number }>();
    let head = -1;
    try {
      for (let s = 0; s < streams; s++) {
        const orderId = randomUUID();
        const batch: EventData[] = Array.from({ length: eventsPerStream }, (_, n) => ({
          id: randomUUID(),
          type: n % 2 === 0 ? 'OrderAccepted' : 'OrderShipped',
          data: n % 2 === 0 ? { orderId, vendorId: orderId } : { orderId, vendorId: orderId, note: null },
          metadata: sampleMetadata(),
        }));
        await seed.appendToStream(`order-${orderId}`, batch, { expectedRevision: 'no_stream' });
        batch.forEach((event, revision) => expected.set(event.id, { streamId: `order-${orderId}`, revision }));
      }
      head = Number(await seed.headPosition());
    } finally {
      await seed.close();
    }
    const total = streams * eventsPerStream;
    const env = { KAFKA_BROKERS: KAFKA_BROKERS.join(','), KAFKA_TOPIC_PREFIX: prefix };

    let killedAt: number | undefined;
    const first = await TestApp.start({ dataDir, env });
    try {
      await waitFor(
        'the relay to have acknowledged a first batch',
        async () => ((await relayGauge(first, 'bela_kafka_relay_events_total')) ?? 0) > 0,
        60_000,
        () => first.output().slice(-2_000),
        5,
      );
      await first.kill();
      killedAt = relayCheckpoint(dataDir);
    } finally {
      await first.close();
    }
    // The kill landed mid-stream: the stored checkpoint is short of the head.
    expect(killedAt).toBeDefined();
    expect(killedAt!).toBeLessThan(head);

    const second = await TestApp.start({ dataDir, env });
    const seen: LedgerEvent[] = [];
    const consumer = await startDedupeConsumer({
      brokers: KAFKA_BROKERS,
      groupId: `it-relay-${RUN_ID}-crash-consumer`,
      topics: [topicName('order', 'internal', prefix)],
      handle: (event) => void seen.push(event),
    });
    try {
      await waitFor(
        `all ${total} events at the consumer`,
        () => seen.length >= total,
        120_000,
        () => `handled ${seen.length}, skipped ${consumer.duplicatesSkipped()}\n${second.output().slice(-2_000)}`,
        200,
      );
      await waitFor('the restarted relay to reach the head', async () => (await relayGauge(second, 'bela_kafka_relay_last_position')) === head, 60_000);
      // Let redelivered tails reach the consumer before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((event) => event.id))).toEqual(new Set(expected.keys()));
      // After deduplication every stream reads in order, from revision 0.
      const nextRevision = new Map<string, number>();
      for (const event of seen) {
        const want = nextRevision.get(event.subject) ?? 0;
        expect({ subject: event.subject, revision: Number(event.streamRevision) }).toEqual({ subject: event.subject, revision: want });
        nextRevision.set(event.subject, want + 1);
      }
      process.stderr.write(
        `[kafka-relay.spec] SIGKILL at checkpoint ${killedAt} (head ${head}, ${total} events): the consumer handled ${seen.length} events and skipped ${consumer.duplicatesSkipped()} duplicates (by ce_id)\n`,
      );
    } finally {
      await consumer.stop();
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  (RESTART_OPT_OUT ? it.skip : it)(
    'after the broker is stopped and started again, the relay catches up by itself',
    async () => {
      await requireManagedBroker();
      const relay = new InProcessRelay(newPrefix('outage'));
      const seen: LedgerEvent[] = [];
      let consumer: Awaited<ReturnType<typeof startDedupeConsumer>> | undefined;
      try {
        const appendRound = async (round: string): Promise<void> => {
          const byStream = new Map<string, EventData[]>();
          for (let n = 0; n < 20; n++) {
            const cardId = randomUUID();
            byStream.set(`card-${cardId}`, [
              {
                id: randomUUID(),
                type: 'CardLimitChanged',
                data: { cardId, previousLimitRupiah: 1, limitRupiah: 2 },
                metadata: sampleMetadata({ causationId: round }),
              },
              { id: randomUUID(), type: 'CardSuspended', data: { cardId, reason: round }, metadata: sampleMetadata({ causationId: round }) },
            ]);
          }
          await appendAll(relay.store, byStream);
        };
        await appendRound('before');
        relay.runner.start();
        await relay.caughtUp(60_000);

        const stop = await kafkaSh('stop', 60_000);
        expect(stop).toMatchObject({ code: 0 });
        await appendRound('during');
        await waitFor('the relay to report the outage', async () => (await relay.status()).state === 'failing', 60_000, recentLogs, 250);
        const failing = await relay.status();
        expect(failing.lagEvents).toBeGreaterThan(0);

        const start = await kafkaSh('start', 120_000);
        if (start.code !== 0) throw new Error(`kafka.sh start failed:\n${start.output}`);
        await appendRound('after');
        await relay.caughtUp(120_000);
        expect((await relay.status()).state).toBe('running');

        const all: RecordedEvent[] = await relay.store.readAll({ maxCount: 10_000 });
        consumer = await startDedupeConsumer({
          brokers: KAFKA_BROKERS,
          groupId: `it-relay-${RUN_ID}-outage-consumer`,
          topics: [topicName('card', 'internal', relay.prefix)],
          handle: (event) => void seen.push(event),
        });
        await waitFor(
          `all ${all.length} events at the consumer`,
          () => seen.length >= all.length,
          60_000,
          () => `handled ${seen.length}`,
        );
        expect(new Set(seen.map((event) => event.id))).toEqual(new Set(all.map((event) => event.id)));
        const failures = relay.metrics.snapshot().sendFailuresTotal;
        expect(failures).toBeGreaterThan(0);
        process.stderr.write(
          `[kafka-relay.spec] broker outage: ${failures} failed sends, then caught up; ${all.length} events delivered, ${consumer.duplicatesSkipped()} duplicates skipped\n`,
        );
      } finally {
        await consumer?.stop();
        await relay.close();
      }
    },
    300_000,
  );
});

/** A relay metric of the running service, or undefined while it has not reported one. */
async function relayGauge(app: TestApp, name: string): Promise<number | undefined> {
  const metrics = await app.request<string>('GET', '/metrics');
  const line = metrics.body.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** The relay's checkpoint in the service's checkpoints.db (read after the service is gone). */
function relayCheckpoint(dataDir: string): number | undefined {
  const db = new Database(join(dataDir, 'checkpoints.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT position FROM checkpoints WHERE consumer = ?').get(KAFKA_RELAY_CONSUMER) as { position: number } | undefined;
    return row?.position;
  } finally {
    db.close();
  }
}
