import { streamCategory } from '../event-store/event-store.port.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { isEventCategory, topicSpec } from './kafka-topics.js';
import type { Audience } from './kafka-topics.js';
import { publicVariant } from './public-contract.js';
import type { PublicWithheldReason } from './public-contract.js';

/**
 * An event as Kafka messages: CloudEvents 1.0 in binary mode (Kafka protocol binding): the
 * attributes are `ce_` headers, the value is the event's data as JSON. Pure: no kafkajs.
 * docs/kafka.md and docs/asyncapi.yaml describe the contract.
 */
export interface OutboundMessage {
  readonly topic: string;
  /** The stream id: Kafka keeps one key's messages in order on one partition. */
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const CE_SPEC_VERSION = '1.0';
export const CE_SOURCE_INTERNAL = '/bela-ledger';
export const CE_SOURCE_PUBLIC = '/bela-ledger/public';
/** Reverse-DNS of lkpp.go.id, the owner of Bela Pengadaan, as CloudEvents recommends for `type`. */
export const CE_TYPE_NAMESPACE = 'id.go.lkpp.bela';
export const CONTENT_TYPE_JSON = 'application/json';

/** `id.go.lkpp.bela.VendorRegistered.v1`, `id.go.lkpp.bela.public.VendorRegistered.v1`: the version is the event's schemaVersion. */
export function ceType(eventType: string, schemaVersion: number, audience: Audience): string {
  const namespace = audience === 'public' ? `${CE_TYPE_NAMESPACE}.public` : CE_TYPE_NAMESPACE;
  return `${namespace}.${eventType}.v${schemaVersion}`;
}

export type RelayMapping =
  | { readonly routed: false }
  | {
      readonly routed: true;
      readonly messages: readonly OutboundMessage[];
      /** Set when the event has no public message. */
      readonly publicWithheld?: PublicWithheldReason;
    };

/**
 * The messages for one event: always one on the category's internal topic, and one on its
 * public topic when a public rule publishes the event. Streams outside the known categories
 * are not routed (the relay counts them and moves on).
 */
export function toKafkaMessages(event: RecordedEvent, topicPrefix = ''): RelayMapping {
  const category = streamCategory(event.streamId);
  if (!isEventCategory(category)) return { routed: false };
  const internalTopic = topicSpec(category, 'internal', topicPrefix)!;
  const internal: OutboundMessage = {
    topic: internalTopic.name,
    key: event.streamId,
    value: JSON.stringify(event.data),
    headers: internalHeaders(event),
  };
  const publicTopic = topicSpec(category, 'public', topicPrefix);
  if (!publicTopic) return { routed: true, messages: [internal], publicWithheld: 'internal_only' };
  const variant = publicVariant({ type: event.type, data: event.data, schemaVersion: event.metadata.schemaVersion }, category);
  if ('withheld' in variant) return { routed: true, messages: [internal], publicWithheld: variant.withheld };
  const published: OutboundMessage = {
    topic: publicTopic.name,
    key: event.streamId,
    value: JSON.stringify(variant.data),
    headers: publicHeaders(event),
  };
  return { routed: true, messages: [internal, published] };
}

/** The CloudEvents attributes and the ledger's position headers, common to both audiences. */
function commonHeaders(event: RecordedEvent, audience: Audience): Record<string, string> {
  return {
    ce_specversion: CE_SPEC_VERSION,
    ce_id: event.id,
    ce_source: audience === 'public' ? CE_SOURCE_PUBLIC : CE_SOURCE_INTERNAL,
    ce_type: ceType(event.type, event.metadata.schemaVersion, audience),
    ce_subject: event.streamId,
    ce_time: event.metadata.occurredAt,
    'content-type': CONTENT_TYPE_JSON,
    bela_event_type: event.type,
    bela_position: event.position.toString(),
    bela_stream_revision: event.revision.toString(),
    // Server-made (a request id or the triggering event's id): safe on public topics.
    bela_causation_id: event.metadata.causationId,
  };
}

function internalHeaders(event: RecordedEvent): Record<string, string> {
  const { metadata } = event;
  return {
    ...commonHeaders(event, 'internal'),
    bela_correlation_id: metadata.correlationId,
    bela_actor_id: metadata.actor.id,
    bela_actor_role: metadata.actor.role,
    ...(metadata.policyRevision !== undefined ? { bela_policy_revision: String(metadata.policyRevision) } : {}),
  };
}

/** No actor, and no correlation id: a client may choose that one freely (X-Correlation-Id). */
function publicHeaders(event: RecordedEvent): Record<string, string> {
  return {
    ...commonHeaders(event, 'public'),
    ...(event.metadata.policyRevision !== undefined ? { bela_policy_revision: String(event.metadata.policyRevision) } : {}),
  };
}
