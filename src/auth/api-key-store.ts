import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UUID_PATTERN } from '../kernel/ids.js';
import { OPD_CODE_FORMAT, isOpdCode } from '../opds/domain/opd-code.js';
import {
  ApiKeyRecord,
  IssuableRole,
  ISSUABLE_ROLES,
  KEY_EXPIRY_DAYS_DEFAULT,
  KEY_EXPIRY_DAYS_MAX,
  KEY_ROTATION_GRACE_MINUTES_MAX,
  LAST_USED_WRITE_INTERVAL_MS,
  hashToken,
  newToken,
} from './api-key.js';

export interface IssueKeyRequest {
  readonly role: IssuableRole;
  readonly label: string;
  readonly vendorId?: string;
  readonly opdCode?: string;
  /** Default KEY_EXPIRY_DAYS_DEFAULT. */
  readonly expiresInDays?: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Columns added after the first schema: added in place to an existing auth.db (existing keys get none: no expiry). */
const ADDED_COLUMNS: Readonly<Record<string, string>> = { expires_at: 'TEXT', last_used_at: 'TEXT', replaced_by: 'TEXT' };

interface KeyRow {
  key_id: string;
  token_hash: string;
  role: IssuableRole;
  vendor_id: string | null;
  opd_code: string | null;
  label: string;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  replaced_by: string | null;
}

const LABEL_LENGTH_MAX = 200;

/** API keys, stored only as hashes, in their own small database beside the event store. */
export class ApiKeyStore {
  private readonly db: Database.Database;
  /** When this process last wrote each key's last use (ms): bounds the writes to one per interval per key. */
  private readonly lastUseWrittenMs = new Map<string, number>();
  /** Prepared once: every authenticated request looks its key up (no cache of the row, so a revocation counts at once). */
  private readonly selectKey: Database.Statement<[string], KeyRow>;

  private constructor(filePath: string) {
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    this.db = new Database(filePath, { timeout: 5_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      key_id     TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL,
      role       TEXT NOT NULL,
      vendor_id  TEXT,
      opd_code   TEXT,
      label      TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`);
    const present = new Set(
      this.db
        .prepare<[], { name: string }>('PRAGMA table_info(api_keys)')
        .all()
        .map((column) => column.name),
    );
    for (const [name, type] of Object.entries(ADDED_COLUMNS)) {
      if (!present.has(name)) this.db.exec(`ALTER TABLE api_keys ADD COLUMN ${name} ${type}`);
    }
    this.selectKey = this.db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE key_id = ?');
  }

  static open(filePath: string): ApiKeyStore {
    return new ApiKeyStore(filePath);
  }

  /** Returns the token once; only its hash is kept. */
  issue(request: IssueKeyRequest, now: Date): { token: string; record: ApiKeyRecord } {
    validateIssue(request);
    const { keyId, token } = newToken();
    const record: ApiKeyRecord = {
      keyId,
      tokenHash: hashToken(token),
      role: request.role,
      ...(request.vendorId ? { vendorId: request.vendorId } : {}),
      ...(request.opdCode ? { opdCode: request.opdCode } : {}),
      label: request.label,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (request.expiresInDays ?? KEY_EXPIRY_DAYS_DEFAULT) * DAY_MS).toISOString(),
    };
    this.db
      .prepare('INSERT INTO api_keys (key_id, token_hash, role, vendor_id, opd_code, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(keyId, record.tokenHash, record.role, request.vendorId ?? null, request.opdCode ?? null, record.label, record.createdAt, record.expiresAt!);
    return { token, record };
  }

  /**
   * A new token for the same role and scope (and a fresh expiry); the old key keeps working for
   * `graceMinutes` (0: revoked at once) and names its successor. Undefined when the key is unknown
   * or already revoked.
   */
  rotate(keyId: string, now: Date, graceMinutes: number, expiresInDays?: number): { token: string; record: ApiKeyRecord } | undefined {
    if (!Number.isSafeInteger(graceMinutes) || graceMinutes < 0 || graceMinutes > KEY_ROTATION_GRACE_MINUTES_MAX) {
      throw new RangeError(`--grace-minutes must be an integer from 0 to ${KEY_ROTATION_GRACE_MINUTES_MAX}`);
    }
    return this.db.transaction(() => {
      const old = this.find(keyId);
      if (!old || (old.revokedAt !== undefined && Date.parse(old.revokedAt) <= now.getTime())) return undefined;
      const issued = this.issue(
        {
          role: old.role,
          label: old.label,
          ...(old.vendorId ? { vendorId: old.vendorId } : {}),
          ...(old.opdCode ? { opdCode: old.opdCode } : {}),
          ...(expiresInDays !== undefined ? { expiresInDays } : {}),
        },
        now,
      );
      const revokedAt = new Date(now.getTime() + graceMinutes * MINUTE_MS).toISOString();
      this.db.prepare('UPDATE api_keys SET revoked_at = ?, replaced_by = ? WHERE key_id = ?').run(revokedAt, issued.record.keyId, keyId);
      return issued;
    })();
  }

  /** Records a key's use, at most once per LAST_USED_WRITE_INTERVAL_MS per key (one small UPDATE). */
  recordUse(keyId: string, now: Date): void {
    const lastMs = this.lastUseWrittenMs.get(keyId);
    if (lastMs !== undefined && now.getTime() - lastMs < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUseWrittenMs.set(keyId, now.getTime());
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE key_id = ?').run(now.toISOString(), keyId);
  }

  find(keyId: string): ApiKeyRecord | undefined {
    const row = this.selectKey.get(keyId);
    return row ? toRecord(row) : undefined;
  }

  list(): ApiKeyRecord[] {
    return this.db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at').all().map(toRecord);
  }

  /** Revoked now; a rotated key still in its grace period is cut short. */
  revoke(keyId: string, now: Date): boolean {
    const at = now.toISOString();
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND (revoked_at IS NULL OR revoked_at > ?)').run(at, keyId, at).changes === 1;
  }

  close(): void {
    this.db.close();
  }
}

function validateIssue(request: IssueKeyRequest): void {
  if (!ISSUABLE_ROLES.includes(request.role)) throw new RangeError(`role must be one of ${ISSUABLE_ROLES.join(', ')}`);
  if (!request.label || request.label.length > LABEL_LENGTH_MAX) throw new RangeError(`label must be 1..${LABEL_LENGTH_MAX} characters`);
  if (request.role === 'vendor' && !request.vendorId) throw new RangeError('a vendor key needs --vendor-id');
  if (request.role === 'buyer' && !request.opdCode) throw new RangeError('a buyer key needs --opd-code');
  if (request.role !== 'vendor' && request.vendorId) throw new RangeError('--vendor-id is only for vendor keys');
  // Vendor ids travel in paths that take only lowercase UUIDs: any other id could register but never be read or list.
  if (request.vendorId !== undefined && !UUID_PATTERN.test(request.vendorId)) throw new RangeError('--vendor-id must be a lowercase UUID (or "new")');
  if (request.opdCode && !isOpdCode(request.opdCode)) throw new RangeError(`--opd-code must be ${OPD_CODE_FORMAT}`);
  if (request.role !== 'buyer' && request.opdCode) throw new RangeError('--opd-code is only for buyer keys');
  const days = request.expiresInDays;
  if (days !== undefined && (!Number.isSafeInteger(days) || days < 1 || days > KEY_EXPIRY_DAYS_MAX)) {
    throw new RangeError(`--expires-in-days must be an integer from 1 to ${KEY_EXPIRY_DAYS_MAX}`);
  }
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    tokenHash: row.token_hash,
    role: row.role,
    ...(row.vendor_id ? { vendorId: row.vendor_id } : {}),
    ...(row.opd_code ? { opdCode: row.opd_code } : {}),
    label: row.label,
    createdAt: row.created_at,
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.replaced_by ? { replacedBy: row.replaced_by } : {}),
  };
}
