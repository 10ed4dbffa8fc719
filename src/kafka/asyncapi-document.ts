import { ROLES } from '../kernel/actor.js';
import { CE_SOURCE_INTERNAL, CE_SOURCE_PUBLIC, CE_SPEC_VERSION, CE_TYPE_NAMESPACE, CONTENT_TYPE_JSON } from './kafka-contract.js';
import { allTopics, logCheckpointsTopic } from './kafka-topics.js';
import { LOG_CHECKPOINT_CE_TYPE } from './log-checkpoint-publisher.js';
import type { TopicSpec } from './kafka-topics.js';
import { INTERNAL_DATA_SCHEMAS, PUBLIC_DATA_SCHEMAS } from './event-schemas.js';
import type { JsonSchema, PublishedEventType } from './event-schemas.js';
import { categoryOfEventType, isPublishedType, KNOWN_EVENT_TYPES } from './public-contract.js';
import type { KnownEventType } from './public-contract.js';

/**
 * The AsyncAPI 3.0 document of the relay's topics (docs/asyncapi.yaml), built from the topic
 * table, the header contract and the payload schemas, so the document cannot drift from the
 * code: test/unit/kafka-asyncapi.spec.ts compares the file with this. Pure.
 */
const KAFKA_BINDING_VERSION = '0.5.0';

const digits = (description: string): JsonSchema => ({ type: 'string', pattern: '^\\d+$', description });

const COMMON_HEADERS: Record<string, JsonSchema> = {
  ce_specversion: { type: 'string', const: CE_SPEC_VERSION },
  ce_id: { type: 'string', format: 'uuid', description: 'the event id: unique, the same on every redelivery; deduplicate on it' },
  ce_type: {
    type: 'string',
    pattern: `^${CE_TYPE_NAMESPACE.replace(/\./g, '\\.')}\\.(public\\.)?[A-Z][A-Za-z]+\\.v\\d+$`,
    description: `${CE_TYPE_NAMESPACE}[.public].<EventType>.v<schemaVersion>`,
  },
  ce_subject: { type: 'string', description: 'the stream id (`<category>-<id>`), also the message key' },
  ce_time: { type: 'string', format: 'date-time', description: 'when it happened (the command time, metadata.occurredAt)' },
  'content-type': { type: 'string', const: CONTENT_TYPE_JSON },
  bela_event_type: { type: 'string', description: 'the plain event type, e.g. OrderPlaced' },
  bela_position: digits('position in the ledger-wide $all order'),
  bela_stream_revision: digits('revision in the stream, from 0: per key, messages arrive in this order'),
  bela_causation_id: { type: 'string', description: 'the request or event that caused this event (server-made)' },
  bela_policy_revision: digits('the policy revision applied, where a rule was'),
};

function headersSchema(audience: 'internal' | 'public'): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    ...COMMON_HEADERS,
    ce_source: { type: 'string', const: audience === 'public' ? CE_SOURCE_PUBLIC : CE_SOURCE_INTERNAL },
    ...(audience === 'internal'
      ? {
          bela_correlation_id: { type: 'string', description: 'X-Correlation-Id of the request (client-chosen) or a request id' },
          bela_actor_id: { type: 'string', description: 'who caused the event: `key:<id>` (an API key) or `process:<name>`' },
          bela_actor_role: { type: 'string', enum: [...ROLES] },
        }
      : {}),
  };
  return {
    type: 'object',
    description:
      audience === 'public'
        ? 'CloudEvents 1.0 binary mode (Kafka protocol binding); no actor and no correlation id on public topics'
        : 'CloudEvents 1.0 binary mode (Kafka protocol binding) plus the ledger position, correlation and actor',
    required: Object.keys(properties).filter((name) => name !== 'bela_policy_revision'),
    properties,
  };
}

const LOG_CHECKPOINT_HEADERS: JsonSchema = {
  type: 'object',
  description: 'CloudEvents 1.0 binary mode (Kafka protocol binding)',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'content-type', 'bela_tree_size'],
  properties: {
    ce_specversion: { type: 'string', const: CE_SPEC_VERSION },
    ce_id: { type: 'string', description: '`<origin>/<tree size>`: the same on every redelivery; deduplicate on it' },
    ce_source: { type: 'string', const: CE_SOURCE_PUBLIC },
    ce_type: { type: 'string', const: LOG_CHECKPOINT_CE_TYPE },
    ce_subject: { type: 'string', description: "the log's origin" },
    ce_time: { type: 'string', format: 'date-time', description: 'when the server signed the checkpoint (also the time extension line of the signed text)' },
    'content-type': { type: 'string', const: CONTENT_TYPE_JSON },
    bela_tree_size: digits('the tree size of the checkpoint'),
  },
};

const LOG_CHECKPOINT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['origin', 'treeSize', 'rootHash', 'signedAt', 'note'],
  properties: {
    origin: { type: 'string', description: "the log's origin, the first line of the note" },
    treeSize: { type: 'integer', minimum: 0, description: 'leaves in the tree, the second line of the note' },
    rootHash: { type: 'string', description: 'base64 RFC 6962 root hash, the third line of the note' },
    signedAt: { type: 'string', format: 'date-time', description: 'when the server signed it (also the time extension line of the signed text)' },
    note: { type: 'string', description: 'the C2SP signed note (tlog-checkpoint body, Ed25519 signature line): verify this, not the other fields' },
  },
};

const channelId = (topic: TopicSpec): string => (topic.audience === 'public' ? `public.${topic.category}` : topic.category);
const messageId = (type: KnownEventType, audience: 'internal' | 'public'): string => (audience === 'public' ? `Public${type}` : type);

function typesOf(topic: TopicSpec): KnownEventType[] {
  return KNOWN_EVENT_TYPES.filter((type) => categoryOfEventType(type) === topic.category && (topic.audience === 'internal' || isPublishedType(type)));
}

export function asyncApiDocument(): Record<string, unknown> {
  const topics = allTopics();
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of topics) {
    const id = channelId(topic);
    const types = typesOf(topic);
    channels[id] = {
      address: topic.name,
      title: topic.name,
      description:
        topic.audience === 'public'
          ? `Public ${topic.category} events for consumers outside government: redacted data (see docs/kafka.md), no personal data.`
          : `Every ${topic.category} event as written, with personal data: for services inside government only.`,
      messages: Object.fromEntries(
        types.map((type) => [messageId(type, topic.audience), { $ref: `#/components/messages/${messageId(type, topic.audience)}` }]),
      ),
      bindings: {
        kafka: {
          topic: topic.name,
          partitions: topic.partitions,
          topicConfiguration: { 'retention.ms': topic.retentionMs },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    operations[`relay.${id}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: `The relay produces ${topic.audience === 'public' ? 'the public variant of ' : ''}each ${topic.category} event, in $all order, after it is stored.`,
      messages: types.map((type) => ({ $ref: `#/channels/${id}/messages/${messageId(type, topic.audience)}` })),
    };
  }

  const checkpoints = logCheckpointsTopic();
  channels['log.checkpoints'] = {
    address: checkpoints.name,
    title: checkpoints.name,
    description: "The transparency log's signed checkpoints (docs/audit.md), in tree-size order: keep copies to check later that the log only grew.",
    messages: { LogCheckpoint: { $ref: '#/components/messages/LogCheckpoint' } },
    bindings: {
      kafka: {
        topic: checkpoints.name,
        partitions: checkpoints.partitions,
        topicConfiguration: { 'retention.ms': checkpoints.retentionMs },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
  operations['publish.log.checkpoints'] = {
    action: 'send',
    channel: { $ref: '#/channels/log.checkpoints' },
    summary: 'The service produces each checkpoint the transparency log signs, after it is signed (at least once).',
    messages: [{ $ref: '#/channels/log.checkpoints/messages/LogCheckpoint' }],
  };

  const schemas: Record<string, unknown> = {
    LogOrigin: { type: 'string', description: "the log's origin (LOG_ORIGIN), also the message key" },
    LogCheckpointHeaders: LOG_CHECKPOINT_HEADERS,
    LogCheckpoint: LOG_CHECKPOINT_SCHEMA,
    StreamKey: { type: 'string', pattern: '^[a-z]+-.+$', description: 'the stream id, e.g. `order-<uuid>`: one aggregate, one partition, in order' },
    InternalHeaders: headersSchema('internal'),
    PublicHeaders: headersSchema('public'),
  };
  const messages: Record<string, unknown> = {
    LogCheckpoint: {
      name: 'LogCheckpoint',
      title: 'Signed log checkpoint',
      contentType: CONTENT_TYPE_JSON,
      headers: { $ref: '#/components/schemas/LogCheckpointHeaders' },
      payload: { $ref: '#/components/schemas/LogCheckpoint' },
      correlationId: { location: '$message.header#/ce_id' },
      bindings: { kafka: { key: { $ref: '#/components/schemas/LogOrigin' }, bindingVersion: KAFKA_BINDING_VERSION } },
    },
  };
  for (const type of KNOWN_EVENT_TYPES) {
    schemas[`${type}Data`] = INTERNAL_DATA_SCHEMAS[type];
    messages[messageId(type, 'internal')] = message(type, 'internal', `${type}Data`);
    if (isPublishedType(type)) {
      schemas[`Public${type}Data`] = PUBLIC_DATA_SCHEMAS[type as PublishedEventType];
      messages[messageId(type, 'public')] = message(type, 'public', `Public${type}Data`);
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'bela-ledger events',
      version: '1.0.0',
      description: [
        'Every event of the bela-ledger (Bela Pengadaan: government purchases from UMK and koperasi paid by KKP), relayed from',
        'the event store to Kafka in $all order. One topic per stream category; the key is the stream id, so one aggregate',
        "stays on one partition, in order. Messages are CloudEvents 1.0 in binary mode: attributes in `ce_` headers, the event's",
        'data as the JSON value. Delivery is at least once: after a crash or an outage the relay sends again from its last',
        'checkpoint, so deduplicate on `ce_id` (see docs/kafka.md and docs/examples/dedupe-consumer.ts).',
        '`bela.public.*` topics carry a redacted variant without personal data for consumers outside government.',
      ].join(' '),
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: CONTENT_TYPE_JSON,
    servers: {
      production: { host: 'kafka:9092', protocol: 'kafka', description: 'KAFKA_BROKERS of the deployment (docker-compose.yml: kafka:9092)' },
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'bash scripts/kafka/kafka.sh start' },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

function message(type: KnownEventType, audience: 'internal' | 'public', schema: string): Record<string, unknown> {
  return {
    name: type,
    title: audience === 'public' ? `${type} (public)` : type,
    contentType: CONTENT_TYPE_JSON,
    headers: { $ref: `#/components/schemas/${audience === 'public' ? 'PublicHeaders' : 'InternalHeaders'}` },
    payload: { $ref: `#/components/schemas/${schema}` },
    correlationId: { location: '$message.header#/ce_id' },
    bindings: { kafka: { key: { $ref: '#/components/schemas/StreamKey' }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}
