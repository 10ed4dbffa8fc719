import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, Role } from '../kernel/actor.js';

/**
 * Bearer API keys: `bela_<keyId>_<secret>`. Only SHA-256 of the whole token is stored; the
 * secret is 256 random bits, so a fast hash is enough (no password to brute-force).
 */
export const TOKEN_PREFIX = 'bela';
const KEY_ID_BYTES = 8;
const SECRET_BYTES = 32;

export type IssuableRole = Exclude<Role, 'system'>;
export const ISSUABLE_ROLES: readonly IssuableRole[] = ['admin', 'auditor', 'vendor', 'buyer'];

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly tokenHash: string;
  readonly role: IssuableRole;
  readonly vendorId?: string;
  readonly opdCode?: string;
  readonly label: string;
  readonly createdAt: string;
  /** Absent: the key never expires (keys issued before expiry existed keep working until rotated). */
  readonly expiresAt?: string;
  /** Revoked from this time on; a rotated key's is in the future until its grace period ends. */
  readonly revokedAt?: string;
  /** Recorded at most once per LAST_USED_WRITE_INTERVAL_MS per key. */
  readonly lastUsedAt?: string;
  /** The key that replaced this one by `keys rotate`. */
  readonly replacedBy?: string;
}

/** A new key lives this long unless `--expires-in-days` says otherwise. */
export const KEY_EXPIRY_DAYS_DEFAULT = 365;
export const KEY_EXPIRY_DAYS_MAX = 3_650;
/** How long a rotated key keeps working beside its successor, so clients can switch without an outage. */
export const KEY_ROTATION_GRACE_MINUTES_DEFAULT = 60;
export const KEY_ROTATION_GRACE_MINUTES_MAX = 10_080;
/** A key's last use is written at most this often: one cheap UPDATE a minute per key, never per request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Why a key that matched its hash does not authenticate now, or undefined when it does. */
export function keyRefusal(record: ApiKeyRecord, now: Date): 'revoked' | 'expired' | undefined {
  if (record.revokedAt !== undefined && Date.parse(record.revokedAt) <= now.getTime()) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return undefined;
}

export function newToken(): { keyId: string; token: string } {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { keyId, token: `${TOKEN_PREFIX}_${keyId}_${secret}` };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The key id of a well-formed token, or undefined. */
export function keyIdOf(token: string): string | undefined {
  const match = /^bela_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1];
}

export function tokenMatches(token: string, record: ApiKeyRecord): boolean {
  const presented = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(record.tokenHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export function actorOf(record: ApiKeyRecord): Actor {
  return {
    id: `key:${record.keyId}`,
    role: record.role,
    ...(record.vendorId ? { vendorId: record.vendorId } : {}),
    ...(record.opdCode ? { opdCode: record.opdCode } : {}),
  };
}
