import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UUID_PATTERN } from '../kernel/ids.js';
import { OPD_CODE_FORMAT, isOpdCode } from '../opds/domain/opd-code.js';
import { ApiKeyRecord, IssuableRole, ISSUABLE_ROLES, hashToken, newToken } from './api-key.js';

export interface IssueKeyRequest {
  readonly role: IssuableRole;
  readonly label: string;
  readonly vendorId?: string;
  readonly opdCode?: string;
}

interface KeyRow {
  key_id: string;
  token_hash: string;
  role: IssuableRole;
  vendor_id: string | null;
  opd_code: string | null;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

const LABEL_LENGTH_MAX = 200;

/** API keys, stored only as hashes, in their own small database beside the event store. */
export class ApiKeyStore {
  private readonly db: Database.Database;

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
    };
    this.db
      .prepare('INSERT INTO api_keys (key_id, token_hash, role, vendor_id, opd_code, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(keyId, record.tokenHash, record.role, request.vendorId ?? null, request.opdCode ?? null, record.label, record.createdAt);
    return { token, record };
  }

  find(keyId: string): ApiKeyRecord | undefined {
    const row = this.db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE key_id = ?').get(keyId);
    return row ? toRecord(row) : undefined;
  }

  list(): ApiKeyRecord[] {
    return this.db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at').all().map(toRecord);
  }

  revoke(keyId: string, now: Date): boolean {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL').run(now.toISOString(), keyId).changes === 1;
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
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}
