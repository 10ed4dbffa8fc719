import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { CE_SOURCE_INTERNAL, CE_SOURCE_PUBLIC, toKafkaMessages } from '../../src/kafka/kafka-contract.js';
import type { OutboundMessage } from '../../src/kafka/kafka-contract.js';
import { KafkaRelay } from '../../src/kafka/kafka-relay.js';
import { KafkaRelayMetrics } from '../../src/kafka/kafka-relay-metrics.js';
import { allTopics, INTERNAL_RETENTION_MS, PUBLIC_RETENTION_MS, topicName } from '../../src/kafka/kafka-topics.js';
import { chunksByBytes } from '../../src/kafka/kafka-transport.js';
import type { RelayTransport } from '../../src/kafka/kafka-transport.js';
import { categoryOfEventType, isPublishedType, KNOWN_EVENT_TYPES } from '../../src/kafka/public-contract.js';
import type { KnownEventType } from '../../src/kafka/public-contract.js';
import { FORBIDDEN_PUBLIC_STRINGS, PERSONAL, sampleData, sampleIds, sampleMetadata, sampleStreamId } from '../support/ledger-event-samples.js';

const ids = sampleIds();
const data = sampleData(ids);

function recorded(type: string, streamId: string, eventData: unknown, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    id: '5f0c2d8e-7b1a-4c3d-9e2f-0a1b2c3d4e5f',
    type,
    streamId,
    revision: 4n,
    position: 1_234n,
    data: eventData,
    metadata: sampleMetadata({ causationId: 'b7e1c9a0-1111-4222-8333-944455556666' }),
    created: new Date('2026-11-26T03:04:06.000Z'),
    ...overrides,
  };
}

function sample(type: KnownEventType, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return recorded(type, sampleStreamId(type, ids), data[type], overrides);
}

function messagesOf(event: RecordedEvent, prefix = ''): readonly OutboundMessage[] {
  const mapping = toKafkaMessages(event, prefix);
  if (!mapping.routed) throw new Error(`${event.type} was not routed`);
  return mapping.messages;
}

function publicMessage(event: RecordedEvent): OutboundMessage | undefined {
  return messagesOf(event).find((message) => message.topic.includes('.public.'));
}

describe('kafka contract (unit): topics', () => {
  it('has an internal topic per category and a public one for every category but nib', () => {
    const topics = allTopics();
    expect(topics.map((topic) => topic.name).sort()).toEqual(
      [
        'bela.card.v1',
        'bela.listing.v1',
        'bela.nib.v1',
        'bela.opd.v1',
        'bela.order.v1',
        'bela.policy.v1',
        'bela.redflag.v1',
        'bela.vendor.v1',
        'bela.public.card.v1',
        'bela.public.listing.v1',
        'bela.public.opd.v1',
        'bela.public.order.v1',
        'bela.public.policy.v1',
        'bela.public.redflag.v1',
        'bela.public.vendor.v1',
      ].sort(),
    );
    for (const topic of topics) {
      expect(topic.retentionMs).toBe(topic.audience === 'public' ? PUBLIC_RETENTION_MS : INTERNAL_RETENTION_MS);
      expect(topic.partitions).toBeGreaterThanOrEqual(1);
    }
    expect(topics.find((topic) => topic.name === 'bela.policy.v1')?.partitions).toBe(1);
  });

  it('puts the prefix before every topic name', () => {
    expect(allTopics('staging.').every((topic) => topic.name.startsWith('staging.bela.'))).toBe(true);
    expect(topicName('order', 'public', 'staging.')).toBe('staging.bela.public.order.v1');
  });
});

describe('kafka contract (unit): routing, key and headers', () => {
  it('routes every known event type by its stream category, keyed by the stream id', () => {
    for (const type of KNOWN_EVENT_TYPES) {
      const event = sample(type);
      const messages = messagesOf(event, 'p.');
      const category = categoryOfEventType(type);
      expect(messages[0]!.topic).toBe(`p.bela.${category}.v1`);
      expect(messages.map((message) => message.key)).toEqual(messages.map(() => event.streamId));
      expect(messages).toHaveLength(isPublishedType(type) ? 2 : 1);
      if (messages[1]) expect(messages[1].topic).toBe(`p.bela.public.${category}.v1`);
    }
  });

  it('writes the internal message as CloudEvents binary mode: ce_ headers, the data as the value', () => {
    const event = sample('CardIssued', { metadata: sampleMetadata({ causationId: 'cause-1', correlationId: 'corr-1', policyRevision: 3 }) });
    const [internal] = messagesOf(event);
    expect(internal).toEqual({
      topic: 'bela.card.v1',
      key: `card-${ids.cardId}`,
      value: JSON.stringify(data.CardIssued),
      headers: {
        ce_specversion: '1.0',
        ce_id: event.id,
        ce_source: CE_SOURCE_INTERNAL,
        ce_type: 'id.go.lkpp.bela.CardIssued.v1',
        ce_subject: `card-${ids.cardId}`,
        ce_time: '2026-11-26T03:04:05.678Z',
        'content-type': 'application/json',
        bela_event_type: 'CardIssued',
        bela_position: '1234',
        bela_stream_revision: '4',
        bela_causation_id: 'cause-1',
        bela_correlation_id: 'corr-1',
        bela_actor_id: PERSONAL.actorId,
        bela_actor_role: 'admin',
        bela_policy_revision: '3',
      },
    });
  });

  it('gives the public message its own source and type, and no actor or client-chosen correlation id', () => {
    const event = sample('OrderPaid', { metadata: sampleMetadata({ causationId: 'cause-2', policyRevision: 2 }) });
    const message = publicMessage(event)!;
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: CE_SOURCE_PUBLIC,
      ce_type: 'id.go.lkpp.bela.public.OrderPaid.v1',
      ce_subject: `order-${ids.orderId}`,
      ce_time: '2026-11-26T03:04:05.678Z',
      'content-type': 'application/json',
      bela_event_type: 'OrderPaid',
      bela_position: '1234',
      bela_stream_revision: '4',
      bela_causation_id: 'cause-2',
      bela_policy_revision: '2',
    });
  });

  it('does not route streams outside the known categories', () => {
    expect(toKafkaMessages(recorded('Counted', 'test-abc', { n: 1 }))).toEqual({ routed: false });
    expect(toKafkaMessages(recorded('Something', '$settings', {}))).toEqual({ routed: false });
  });
});

describe('kafka contract (unit): public redaction', () => {
  it.each(KNOWN_EVENT_TYPES)('%s: the public message carries no personal data, card digits, actor or free text', (type) => {
    const message = publicMessage(sample(type));
    if (!message) return;
    const bytes = `${message.key}\n${message.value}\n${JSON.stringify(message.headers)}`;
    for (const forbidden of FORBIDDEN_PUBLIC_STRINGS) expect({ type, leaked: bytes.includes(forbidden) ? forbidden : null }).toEqual({ type, leaked: null });
  });

  it('the internal messages do carry the personal data (so the scan above is meaningful)', () => {
    const internal = KNOWN_EVENT_TYPES.map((type) => messagesOf(sample(type))[0]!);
    const bytes = internal.map((message) => `${message.value}${JSON.stringify(message.headers)}`).join('\n');
    for (const value of [PERSONAL.nik, PERSONAL.holderName, `"${PERSONAL.cardLast4}"`, PERSONAL.officialName, PERSONAL.ownerEmail, PERSONAL.actorId]) {
      expect(bytes).toContain(value);
    }
  });

  it('VendorRegistered: NPWP masked, no contact, no capital or sales of a sole trader', () => {
    expect(JSON.parse(publicMessage(sample('VendorRegistered'))!.value)).toEqual({
      vendorId: ids.vendorId,
      nib: ids.nib,
      npwpMasked: '************0002',
      name: 'Warung Makan Bu Siti',
      legalForm: 'perorangan',
      scale: 'mikro',
      kabupatenKotaCode: '3673',
      isLocal: true,
      policyRevision: 0,
    });
  });

  it('CardIssued: no holder name, last four digits or expiry', () => {
    expect(JSON.parse(publicMessage(sample('CardIssued'))!.value)).toEqual({
      cardId: ids.cardId,
      opdCode: ids.opdCode,
      opdName: 'Dinas Kesehatan Kota Serang',
      limitRupiah: 100_000_000,
    });
  });

  it('OrderPlaced: the buying OPD without its official; lines and amounts in full', () => {
    const value = JSON.parse(publicMessage(sample('OrderPlaced'))!.value);
    expect(value.buyer).toEqual({ opdCode: ids.opdCode, opdName: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' });
    expect(value.lines).toEqual(data.OrderPlaced.lines);
    expect(value.totalRupiah).toBe(1_550_000);
  });

  it('OpdRegistered and OpdRenamed: an OPD is a public body, published in full', () => {
    expect(JSON.parse(publicMessage(sample('OpdRegistered'))!.value)).toEqual(data.OpdRegistered);
    expect(JSON.parse(publicMessage(sample('OpdRenamed'))!.value)).toEqual(data.OpdRenamed);
  });

  it('free-text reasons are dropped; decline codes stay, anything else becomes OTHER', () => {
    expect(JSON.parse(publicMessage(sample('VendorSuspended'))!.value)).toEqual({ vendorId: ids.vendorId });
    expect(JSON.parse(publicMessage(sample('OrderDeclined'))!.value).reason).toBe('INSUFFICIENT_AVAILABLE');
    const freeText = recorded('OrderDeclined', `order-${ids.orderId}`, { ...data.OrderDeclined, reason: PERSONAL.reasonText });
    expect(JSON.parse(publicMessage(freeText)!.value).reason).toBe('OTHER');
  });

  it('a field added to an event later stays internal until a rule publishes it (allow-list)', () => {
    const event = recorded('VendorVerified', `vendor-${ids.vendorId}`, { vendorId: ids.vendorId, verifiedBy: PERSONAL.officialName });
    expect(JSON.parse(publicMessage(event)!.value)).toEqual({ vendorId: ids.vendorId });
    expect(JSON.parse(messagesOf(event)[0]!.value).verifiedBy).toBe(PERSONAL.officialName);
  });
});

describe('kafka contract (unit): fail closed', () => {
  it('an unknown event type goes to its internal topic only', () => {
    const mapping = toKafkaMessages(recorded('VendorNicknamed', `vendor-${ids.vendorId}`, { nickname: PERSONAL.holderName }));
    expect(mapping).toMatchObject({ routed: true, publicWithheld: 'unknown_type' });
    expect(mapping.routed && mapping.messages.map((message) => message.topic)).toEqual(['bela.vendor.v1']);
  });

  it('a known type in another category stream, or with an unknown schema version, stays internal', () => {
    expect(toKafkaMessages(recorded('CardIssued', `order-${ids.orderId}`, data.CardIssued))).toMatchObject({
      routed: true,
      publicWithheld: 'category_mismatch',
    });
    const v2 = sample('OrderPaid', { metadata: sampleMetadata({ schemaVersion: 2 }) });
    expect(toKafkaMessages(v2)).toMatchObject({ routed: true, publicWithheld: 'unknown_schema_version' });
  });

  it('a known type whose data lacks a field it publishes still goes out without it, never with a guess', () => {
    const partial = recorded('CardIssued', `card-${ids.cardId}`, { cardId: ids.cardId, holderName: PERSONAL.holderName });
    expect(JSON.parse(publicMessage(partial)!.value)).toEqual({ cardId: ids.cardId });
  });

  it('data the rule cannot read at all stays internal', () => {
    const malformed = recorded('OrderPlaced', `order-${ids.orderId}`, { orderId: ids.orderId });
    expect(toKafkaMessages(malformed)).toMatchObject({ routed: true, publicWithheld: 'malformed_data' });
  });

  it('NIB reservations are internal only', () => {
    expect(toKafkaMessages(sample('NibReserved'))).toMatchObject({ routed: true, publicWithheld: 'internal_only' });
  });
});

class FakeTransport implements RelayTransport {
  readonly sent: OutboundMessage[][] = [];
  failNext = false;
  prepared = 0;
  async prepare(): Promise<void> {
    this.prepared += 1;
  }
  async send(messages: readonly OutboundMessage[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable');
    }
    this.sent.push([...messages]);
  }
  async close(): Promise<void> {}
}

class MemoryCheckpoints {
  readonly saved: bigint[] = [];
  load(): bigint | 'start' {
    return this.saved.at(-1) ?? 'start';
  }
  save(_consumer: string, position: bigint): void {
    this.saved.push(position);
  }
}

describe('kafka relay (unit): checkpoint after the ack', () => {
  const events = [sample('CardIssued', { position: 7n }), recorded('Counted', 'test-x', {}, { position: 8n }), sample('NibReserved', { position: 9n })];

  it('stores the checkpoint only after the transport acknowledged the batch, and counts what it did', async () => {
    const transport = new FakeTransport();
    const checkpoints = new MemoryCheckpoints();
    const metrics = new KafkaRelayMetrics();
    const relay = new KafkaRelay(transport, checkpoints, metrics);
    // Reading the checkpoint touches no broker (a status reads it); every (re)start prepares the topics first.
    expect(await relay.loadCheckpoint()).toBe('start');
    expect(transport.prepared).toBe(0);
    await relay.prepare();
    expect(transport.prepared).toBe(1);

    transport.failNext = true;
    await expect(relay.handleBatch(events, 9n)).rejects.toThrow('broker unavailable');
    expect(checkpoints.saved).toEqual([]);

    await relay.handleBatch(events, 9n);
    expect(checkpoints.saved).toEqual([9n]);
    expect(transport.sent[0]!.map((message) => message.topic)).toEqual(['bela.card.v1', 'bela.public.card.v1', 'bela.nib.v1']);
    expect(metrics.snapshot()).toMatchObject({
      eventsTotal: 2,
      unroutedEventsTotal: 1,
      sendFailuresTotal: 1,
      lastPosition: 9n,
      publicWithheld: new Map([['internal_only', 1]]),
    });
  });

  it('advances the checkpoint over a batch with nothing to send, without calling the broker', async () => {
    const transport = new FakeTransport();
    const checkpoints = new MemoryCheckpoints();
    await new KafkaRelay(transport, checkpoints, new KafkaRelayMetrics()).handleBatch([], 12n);
    expect(checkpoints.saved).toEqual([12n]);
    expect(transport.sent).toEqual([]);
  });
});

describe('kafka transport (unit): chunks', () => {
  const message = (n: number): OutboundMessage => ({ topic: 't', key: `k${n}`, value: 'x'.repeat(100), headers: {} });

  it('splits a batch into consecutive chunks under the byte bound, keeping the order', () => {
    const messages = Array.from({ length: 10 }, (_, n) => message(n));
    const chunks = chunksByBytes(messages, 350);
    expect(chunks.map((chunk) => chunk.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat()).toEqual(messages);
  });

  it('sends an oversized message alone rather than never', () => {
    expect(chunksByBytes([message(1), message(2)], 10).map((chunk) => chunk.length)).toEqual([1, 1]);
  });
});
