import canonicalize from 'canonicalize';

/**
 * What one event commits to, in the store's hash chain and as a leaf of the transparency log.
 * The leaf holds the event's public view (the allow-list redaction of the public Kafka topics,
 * or null when nothing of it is public) and a salted digest of the whole event, so a citizen can
 * recompute the leaf from public data alone and an auditor, who sees the whole event and its
 * salt, can recompute the digest too. Erasing personal data later leaves the leaf unchanged.
 *
 * This folder is the standalone verifier: it imports nothing from the server and runs in Node
 * and in the browser.
 */
export const LEAF_FORMAT_VERSION = 1;

export interface LeafRecord {
  /** Position in $all (a decimal string: EventStoreDB commit positions exceed 2^53). */
  readonly position: string;
  readonly streamId: string;
  /** Stream revision, a decimal string. */
  readonly revision: string;
  readonly eventId: string;
  readonly type: string;
  /** When the store recorded the event, ISO 8601 with milliseconds, UTC. */
  readonly recordedAt: string;
  /** The public view of the event's data, or null when the event is internal only. */
  readonly publicView: Record<string, unknown> | null;
  /** Lowercase hex SHA-256 of the salt's bytes followed by the canonical JSON of { data, metadata }. */
  readonly privateDigest: string;
}

/** RFC 8785 canonical JSON of a value, as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return new TextEncoder().encode(text);
}

/** The leaf data: the canonical JSON of the leaf record (with the format version). */
export function encodeLeaf(record: LeafRecord): Uint8Array {
  return canonicalBytes({ v: LEAF_FORMAT_VERSION, ...record });
}

/** The bytes the private digest is taken over: the salt (hex, decoded) then canonical { data, metadata }. */
export function privateDigestInput(saltHex: string, data: unknown, metadata: unknown): Uint8Array {
  const salt = hexToBytes(saltHex);
  const body = canonicalBytes({ data, metadata });
  const out = new Uint8Array(salt.length + body.length);
  out.set(salt, 0);
  out.set(body, salt.length);
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TypeError('not lowercase hex');
  const out = new Uint8Array(hex.length / 2);
  // From character codes: a slice and a parseInt per byte cost several times more, once per event appended.
  for (let i = 0; i < out.length; i += 1) out[i] = (hexDigit(hex.charCodeAt(i * 2)) << 4) | hexDigit(hex.charCodeAt(i * 2 + 1));
  return out;
}

/** A lowercase hex digit's value (the caller checked the pattern). */
function hexDigit(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
