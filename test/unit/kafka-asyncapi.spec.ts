import { Ajv } from 'ajv';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { asyncApiDocument } from '../../src/kafka/asyncapi-document.js';
import { INTERNAL_DATA_SCHEMAS, PUBLIC_DATA_SCHEMAS } from '../../src/kafka/event-schemas.js';
import type { JsonSchema, PublishedEventType } from '../../src/kafka/event-schemas.js';
import { toKafkaMessages } from '../../src/kafka/kafka-contract.js';
import { logCheckpointsTopic, relayTopics } from '../../src/kafka/kafka-topics.js';
import { checkpointMessage } from '../../src/kafka/log-checkpoint-publisher.js';
import { isPublishedType, KNOWN_EVENT_TYPES } from '../../src/kafka/public-contract.js';
import { sampleData, sampleIds, sampleMetadata, sampleStreamId } from '../support/ledger-event-samples.js';
import { PROJECT_ROOT } from '../support/test-app.js';

// js-yaml is a devDependency without types of its own here.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown; dump(value: unknown, options: Record<string, unknown>): string };
const DOCUMENT_PATH = join(PROJECT_ROOT, 'docs', 'asyncapi.yaml');

/** The schema with every object closed, so a property the document does not declare fails. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  return copy.type === 'object' ? { ...copy, additionalProperties: false } : copy;
}

const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });
function validate(schema: JsonSchema, value: unknown): string[] {
  const check = ajv.compile(closed(schema) as object);
  return check(value) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('kafka contract (unit): AsyncAPI document', () => {
  it('docs/asyncapi.yaml is the document the code describes (UPDATE_ASYNCAPI=1 rewrites it)', () => {
    const generated = asyncApiDocument();
    if (process.env.UPDATE_ASYNCAPI === '1') {
      const header =
        '# Generated from src/kafka/asyncapi-document.ts by `UPDATE_ASYNCAPI=1 npm run test:jest -- test/unit/kafka-asyncapi.spec.ts`; do not edit.\n';
      writeFileSync(DOCUMENT_PATH, header + yaml.dump(generated, { noRefs: true, lineWidth: 140, quotingType: "'" }));
    }
    expect(yaml.load(readFileSync(DOCUMENT_PATH, 'utf8'))).toEqual(generated);
  });

  it('has a channel for every topic, with every event type of its category', () => {
    const document = asyncApiDocument() as { channels: Record<string, { address: string; messages: Record<string, unknown> }> };
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses.sort()).toEqual(
      relayTopics()
        .map((topic) => topic.name)
        .sort(),
    );
    const eventChannels = Object.values(document.channels).filter((channel) => channel.address !== logCheckpointsTopic().name);
    expect(Object.keys(document.channels['log.checkpoints']!.messages)).toEqual(['LogCheckpoint']);
    const internalMessages = eventChannels.filter((channel) => !channel.address.includes('.public.')).flatMap((channel) => Object.keys(channel.messages));
    expect(internalMessages.sort()).toEqual([...KNOWN_EVENT_TYPES].sort());
    const publicMessages = Object.values(document.channels)
      .filter((channel) => channel.address.includes('.public.'))
      .flatMap((channel) => Object.keys(channel.messages));
    expect(publicMessages.sort()).toEqual(
      KNOWN_EVENT_TYPES.filter(isPublishedType)
        .map((type) => `Public${type}`)
        .sort(),
    );
    expect(Object.keys(PUBLIC_DATA_SCHEMAS).sort()).toEqual(KNOWN_EVENT_TYPES.filter(isPublishedType).sort());
  });

  it('every event (sample data full of personal data) and its public variant match their schemas, headers included', () => {
    const document = asyncApiDocument() as { components: { schemas: Record<string, JsonSchema> } };
    const ids = sampleIds();
    const data = sampleData(ids);
    for (const type of KNOWN_EVENT_TYPES) {
      const event: RecordedEvent = {
        id: '5f0c2d8e-7b1a-4c3d-9e2f-0a1b2c3d4e5f',
        type,
        streamId: sampleStreamId(type, ids),
        revision: 0n,
        position: 1n,
        data: data[type],
        metadata: sampleMetadata({ policyRevision: 1 }),
        created: new Date(),
      };
      const mapping = toKafkaMessages(event);
      if (!mapping.routed) throw new Error(`${type} not routed`);
      const [internal, published] = mapping.messages;
      expect({ type, errors: validate(INTERNAL_DATA_SCHEMAS[type], JSON.parse(internal!.value)) }).toEqual({ type, errors: [] });
      expect({ type, errors: validate(document.components.schemas.InternalHeaders!, internal!.headers) }).toEqual({ type, errors: [] });
      if (!isPublishedType(type)) continue;
      expect({ type, errors: validate(PUBLIC_DATA_SCHEMAS[type as PublishedEventType], JSON.parse(published!.value)) }).toEqual({ type, errors: [] });
      expect({ type, errors: validate(document.components.schemas.PublicHeaders!, published!.headers) }).toEqual({ type, errors: [] });
    }
  });

  it('a log checkpoint message matches its schema, headers included', () => {
    const document = asyncApiDocument() as { components: { schemas: Record<string, JsonSchema> } };
    const message = checkpointMessage(
      {
        treeSize: 42,
        rootHash: Buffer.alloc(32, 1),
        note: 'bela-ledger.local/log\n42\nAQ==\n\n\u2014 bela-ledger.local/log AAAA\n',
        signedAt: '2026-11-30T04:00:00.000Z',
      },
      'bela-ledger.local/log',
    );
    expect(message.topic).toBe('bela.log.checkpoints.v1');
    expect(validate(document.components.schemas.LogCheckpoint!, JSON.parse(message.value))).toEqual([]);
    expect(validate(document.components.schemas.LogCheckpointHeaders!, message.headers)).toEqual([]);
  });

  it('the schemas are strict enough to notice a leak: the internal CardIssued fails the public schema', () => {
    expect(validate(PUBLIC_DATA_SCHEMAS.CardIssued, sampleData(sampleIds()).CardIssued)).toEqual(
      expect.arrayContaining([' must NOT have additional properties']),
    );
  });
});
