import type { SchemaObject } from '@nestjs/swagger';
import type { StoredCommitment } from '../../event-store/event-store.port.js';
import { BOOLEAN, DATE_TIME, FREE_FORM, INTEGER, REVISION_SCHEMA, STRING, UUID, arrayOf, nullable, objectSchema } from '../../http/openapi/api-responses.js';
import type { LeafRecord } from '../../verifier/leaf.js';
import type { CheckpointView, LogQueries, PublicLeaf } from '../log-queries.js';
import { PUBLIC_VIEW_SCHEMA, withPublicViewByType } from './public-view.schema.js';

const SHA256_HEX: SchemaObject = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const TREE_SIZE: SchemaObject = { ...INTEGER, minimum: 0 };
const LEAF_INDEX: SchemaObject = { ...INTEGER, minimum: 0 };
const PROOF: SchemaObject = { ...arrayOf(SHA256_HEX), description: 'the audit path, hex SHA-256 hashes (RFC 9162)' };

const CHECKPOINT_VIEW = {
  treeSize: TREE_SIZE,
  rootHash: SHA256_HEX,
  checkpoint: nullable({ ...STRING, description: 'the signed note of this tree size; null when none was signed at exactly this size' }),
  signedAt: nullable(DATE_TIME),
} satisfies Record<keyof CheckpointView, SchemaObject>;
const CHECKPOINT_VIEW_SCHEMA = objectSchema<CheckpointView>(CHECKPOINT_VIEW);

const LEAF_RECORD_SCHEMA = withPublicViewByType(
  objectSchema<LeafRecord>({
    position: REVISION_SCHEMA,
    streamId: STRING,
    revision: REVISION_SCHEMA,
    eventId: UUID,
    type: STRING,
    recordedAt: DATE_TIME,
    publicView: PUBLIC_VIEW_SCHEMA,
    privateDigest: SHA256_HEX,
  }),
);

const PUBLIC_LEAF = {
  leafIndex: LEAF_INDEX,
  leafHash: SHA256_HEX,
  leaf: LEAF_RECORD_SCHEMA,
  leafFormatVersion: { ...INTEGER, minimum: 1 },
} satisfies Record<keyof PublicLeaf, SchemaObject>;
const PUBLIC_LEAF_SCHEMA = objectSchema<PublicLeaf>(PUBLIC_LEAF);
const PROVEN_LEAF_SCHEMA = objectSchema<PublicLeaf & { proof: string[] }>({ ...PUBLIC_LEAF, proof: PROOF });

export const INCLUSION_PROOF_SCHEMA = objectSchema<ReturnType<LogQueries['inclusion']>>({ ...CHECKPOINT_VIEW, ...PUBLIC_LEAF, proof: PROOF });

export const STREAM_PROOF_SCHEMA = objectSchema<ReturnType<LogQueries['streamInclusion']>>({
  ...CHECKPOINT_VIEW,
  streamId: STRING,
  events: arrayOf(PROVEN_LEAF_SCHEMA),
  truncated: { ...BOOLEAN, description: 'the stream has more logged events than the answer proves' },
});

export const CONSISTENCY_PROOF_SCHEMA = objectSchema<ReturnType<LogQueries['consistency']>>({
  fromSize: TREE_SIZE,
  toSize: TREE_SIZE,
  proof: PROOF,
  from: CHECKPOINT_VIEW_SCHEMA,
  to: CHECKPOINT_VIEW_SCHEMA,
});

const RANGE = { start: LEAF_INDEX, end: LEAF_INDEX, treeSize: TREE_SIZE };

export const LEAF_PAGE_SCHEMA = objectSchema<ReturnType<LogQueries['leaves']>>({ ...RANGE, leaves: arrayOf(PUBLIC_LEAF_SCHEMA) });

/** A whole stored event, as an auditor reads it beside its leaf. */
const AUDITED_EVENT_SCHEMA = objectSchema<
  Record<'id' | 'type' | 'streamId' | 'revision' | 'position' | 'created' | 'data' | 'metadata' | 'commitment', unknown>
>({
  id: UUID,
  type: STRING,
  streamId: STRING,
  revision: REVISION_SCHEMA,
  position: REVISION_SCHEMA,
  created: DATE_TIME,
  data: { ...FREE_FORM, description: "the event's data (its type's schema, docs/asyncapi.yaml)" },
  metadata: { ...FREE_FORM, description: "the event's metadata (schemaVersion, actor, correlationId, ...)" },
  commitment: nullable({
    ...objectSchema<StoredCommitment>({ saltHex: { ...STRING, pattern: '^[0-9a-f]+$' }, privateDigest: SHA256_HEX }),
    description: 'the salt and digest kept beside the event; null for an event stored before commitments',
  }),
});

export const AUDIT_LEAF_PAGE_SCHEMA = objectSchema<Awaited<ReturnType<LogQueries['auditLeaves']>>>({
  ...RANGE,
  leaves: arrayOf(objectSchema<PublicLeaf & { event: unknown }>({ ...PUBLIC_LEAF, event: AUDITED_EVENT_SCHEMA })),
});
