/**
 * The Kafka topics of the relay (docs/kafka.md has the table): one internal topic per stream
 * category with the event data as written, and a public topic per category whose events are
 * of public interest, carrying the redacted variant (public-contract.ts). Pure: no kafkajs.
 */
export const EVENT_CATEGORIES = ['vendor', 'nib', 'opd', 'listing', 'order', 'card', 'policy', 'redflag'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export type Audience = 'internal' | 'public';

/** What the transport needs to create a topic. */
export interface KafkaTopic {
  readonly name: string;
  readonly partitions: number;
  /** -1: kept forever. */
  readonly retentionMs: number;
}

export interface TopicSpec extends KafkaTopic {
  readonly category: EventCategory;
  readonly audience: Audience;
}

const DAY_MS = 24 * 60 * 60 * 1_000;
/**
 * Internal topics hold personal data (holder names, contacts, NIK): kept 30 days, long enough
 * for a consumer to come back from an outage; a new consumer bootstraps from the ledger itself.
 */
export const INTERNAL_RETENTION_MS = 30 * DAY_MS;
/** Public topics are open data without personal data: the whole history stays replayable. */
export const PUBLIC_RETENTION_MS = -1;

interface CategoryTopics {
  /** Keys are stream ids, so a partition count spreads aggregates, never splits one. */
  readonly partitions: number;
  readonly hasPublicTopic: boolean;
}

const CATEGORY_TOPICS: { readonly [C in EventCategory]: CategoryTopics } = {
  vendor: { partitions: 3, hasPublicTopic: true },
  // nib-<nib> streams only reserve a NIB for uniqueness; VendorRegistered carries the NIB publicly.
  nib: { partitions: 3, hasPublicTopic: false },
  // A few hundred OPDs, registered once: one partition holds them.
  opd: { partitions: 1, hasPublicTopic: true },
  listing: { partitions: 3, hasPublicTopic: true },
  order: { partitions: 6, hasPublicTopic: true },
  card: { partitions: 3, hasPublicTopic: true },
  // One stream (policy-bela): more partitions would stay empty.
  policy: { partitions: 1, hasPublicTopic: true },
  // redflag-<flagId>: refused split purchases and the reviews of red flags.
  redflag: { partitions: 3, hasPublicTopic: true },
};

export function isEventCategory(value: string): value is EventCategory {
  return (EVENT_CATEGORIES as readonly string[]).includes(value);
}

/** `bela.vendor.v1`, `bela.public.vendor.v1`; the prefix separates environments sharing a cluster. */
export function topicName(category: EventCategory, audience: Audience, prefix = ''): string {
  return audience === 'public' ? `${prefix}bela.public.${category}.v1` : `${prefix}bela.${category}.v1`;
}

export function topicSpec(category: EventCategory, audience: Audience, prefix = ''): TopicSpec | undefined {
  const topics = CATEGORY_TOPICS[category];
  if (audience === 'public' && !topics.hasPublicTopic) return undefined;
  return {
    name: topicName(category, audience, prefix),
    category,
    audience,
    partitions: topics.partitions,
    retentionMs: audience === 'public' ? PUBLIC_RETENTION_MS : INTERNAL_RETENTION_MS,
  };
}

/** Every topic the relay produces to, created at startup. */
export function allTopics(prefix = ''): TopicSpec[] {
  return EVENT_CATEGORIES.flatMap((category) => (['internal', 'public'] as const).flatMap((audience) => topicSpec(category, audience, prefix) ?? []));
}

/**
 * The transparency log's signed checkpoints (docs/audit.md), one message per checkpoint, so
 * outsiders keep copies the log cannot take back. Public, kept forever; one partition keeps them
 * in tree-size order.
 */
export function logCheckpointsTopic(prefix = ''): KafkaTopic {
  return { name: `${prefix}bela.log.checkpoints.v1`, partitions: 1, retentionMs: PUBLIC_RETENTION_MS };
}

/** Every topic the relay's producer writes to, created at startup: the event topics and the checkpoints. */
export function relayTopics(prefix = ''): KafkaTopic[] {
  return [...allTopics(prefix), logCheckpointsTopic(prefix)];
}
