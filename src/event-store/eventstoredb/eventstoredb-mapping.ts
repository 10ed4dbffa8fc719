import type { AllStreamResolvedEvent, JSONType, Position, ResolvedEvent } from '@eventstore/db-client';
import { privateDigest } from '../../audit/event-commitment.js';
import type { EventData, EventMetadata, RecordedEvent } from '../event-store.port.js';

/**
 * Pure mappings between the port and @eventstore/db-client's shapes (unit-tested without a
 * server; the adapter wires them to the client).
 */

/** The server's "no position" (-1 as an unsigned 64-bit integer): stream reads before EventStoreDB 22.6. */
const NO_POSITION = 2n ** 64n - 1n;

/**
 * EventStoreDB keeps no column beside an event, so the commitment's per-event salt travels in
 * its metadata under this key; reads strip it and expose it as `commitment` instead.
 */
export const COMMITMENT_SALT_METADATA_KEY = 'commitmentSalt';
const SALT_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** The metadata written for an event: the port's metadata plus the commitment salt. */
export function metadataWithSalt(event: EventData, saltHex: string): JSONType {
  return { ...event.metadata, [COMMITMENT_SALT_METADATA_KEY]: saltHex } as JSONType;
}

/**
 * A resolved event as the port's RecordedEvent. Links (resolveLinkTos is off, so they arrive as
 * binary `$>` events) and events not written through the port (binary data, or metadata that is
 * not a JSON object) answer undefined: the caller skips them.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event?.isJson || !isMetadataObject(event.metadata)) return undefined;
  const { [COMMITMENT_SALT_METADATA_KEY]: salt, ...metadata } = event.metadata;
  const saltHex = typeof salt === 'string' && SALT_HEX_PATTERN.test(salt) ? salt : undefined;
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    position: commitPosition(event.position, resolved.commitPosition),
    data: event.data,
    metadata: metadata as EventMetadata,
    created: event.created,
    // The digest is not stored beside the event here: it is computed on read, from the salt.
    ...(saltHex !== undefined ? { commitment: { saltHex, privateDigest: privateDigest(saltHex, event.data, metadata) } } : {}),
  };
}

/**
 * Reads of $all carry each event's commit position. Stream reads carry it from EventStoreDB 22.6;
 * older servers send none (NO_POSITION), and then -1n says "unknown": never use it as a checkpoint.
 */
export function commitPosition(position: Position | undefined, readPosition: bigint | undefined): bigint {
  if (position !== undefined && position.commit !== NO_POSITION) return position.commit;
  return readPosition ?? -1n;
}

function isMetadataObject(metadata: unknown): metadata is EventMetadata {
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && !(metadata instanceof Uint8Array);
}

export function isSystemEvent(event: Pick<RecordedEvent, 'type' | 'streamId'>): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * Refuses connection strings the client would accept but quietly weaken: with
 * `throwOnAppendFailure=false` a conflict is a silent `success: false`; on an insecure
 * connection (`tls=false`) the client drops the credentials and talks as an anonymous user;
 * `tlsVerifyCert=false` has no effect in this client (trust a private CA with `tlsCAFile`).
 * Keys are matched as the client does: case, '-' and '_' ignored.
 */
export function checkConnectionString(connectionString: string): void {
  const trimmed = connectionString.trim();
  const protocol = /^esdb(\+discover)?:\/\//.exec(trimmed);
  if (!protocol) throw new RangeError('the EventStoreDB connection string must start with esdb:// or esdb+discover://');
  const rest = trimmed.slice(protocol[0].length);
  const hasCredentials = /^[^:@/?]+:[^@]+@/.test(rest);
  const query = rest.includes('?') ? rest.slice(rest.indexOf('?') + 1) : '';
  const options = new Map<string, string>();
  for (const pair of query.split('&')) {
    const [key = '', value = ''] = pair.split('=');
    if (key) options.set(key.toLowerCase().replace(/[-_\s]/g, ''), value.trim().toLowerCase());
  }
  if (options.get('throwonappendfailure') === 'false') {
    throw new RangeError('throwOnAppendFailure=false is not supported: conflicts would pass silently');
  }
  if (hasCredentials && options.get('tls') === 'false') {
    throw new RangeError('credentials with tls=false are ignored by the client (it would connect as an anonymous user): use TLS');
  }
  if (options.get('tlsverifycert') === 'false') {
    throw new RangeError('tlsVerifyCert=false has no effect in this client: give the server CA with tlsCAFile=<path>');
  }
}
