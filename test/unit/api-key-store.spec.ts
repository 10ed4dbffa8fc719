import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { KEY_EXPIRY_DAYS_DEFAULT, LAST_USED_WRITE_INTERVAL_MS, keyIdOf, keyRefusal, tokenMatches } from '../../src/auth/api-key.js';

const NOW = new Date('2026-11-30T05:00:00.000Z');
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const VENDOR_ID = '0b9c7d3e-8a41-4f0e-9d6b-2f3a1c5e7d90';

describe('API keys: expiry, rotation, last use', () => {
  let store: ApiKeyStore;
  beforeEach(() => {
    store = ApiKeyStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('a key expires after the default or the given number of days, and is refused from then on', () => {
    const standard = store.issue({ role: 'admin', label: 'a' }, NOW).record;
    expect(standard.expiresAt).toBe(at(KEY_EXPIRY_DAYS_DEFAULT * DAY_MS).toISOString());
    const short = store.issue({ role: 'auditor', label: 'b', expiresInDays: 7 }, NOW).record;
    expect(keyRefusal(short, at(7 * DAY_MS - 1))).toBeUndefined();
    expect(keyRefusal(short, at(7 * DAY_MS))).toBe('expired');
    for (const expiresInDays of [0, -1, 1.5, Number.NaN, 3_651]) {
      expect(() => store.issue({ role: 'admin', label: 'c', expiresInDays }, NOW)).toThrow(/expires-in-days/);
    }
  });

  it('rotation issues a new token for the same role and scope; the old key works through its grace period only', () => {
    const { token: oldToken, record: old } = store.issue({ role: 'vendor', label: 'toko', vendorId: VENDOR_ID, expiresInDays: 30 }, NOW);
    const rotated = store.rotate(old.keyId, at(MINUTE_MS), 60)!;
    expect(rotated.record).toMatchObject({ role: 'vendor', vendorId: VENDOR_ID, label: 'toko' });
    expect(rotated.record.keyId).not.toBe(old.keyId);
    expect(tokenMatches(rotated.token, store.find(keyIdOf(rotated.token)!)!)).toBe(true);
    const retired = store.find(old.keyId)!;
    expect(tokenMatches(oldToken, retired)).toBe(true);
    expect(retired).toMatchObject({ replacedBy: rotated.record.keyId, revokedAt: at(61 * MINUTE_MS).toISOString() });
    expect(keyRefusal(retired, at(61 * MINUTE_MS - 1))).toBeUndefined();
    expect(keyRefusal(retired, at(61 * MINUTE_MS))).toBe('revoked');
    // A key past its grace cannot be rotated again; revoking cuts a grace period short.
    expect(store.rotate(old.keyId, at(61 * MINUTE_MS), 60)).toBeUndefined();
    const second = store.rotate(rotated.record.keyId, at(2 * MINUTE_MS), 60)!;
    expect(store.revoke(rotated.record.keyId, at(3 * MINUTE_MS))).toBe(true);
    expect(keyRefusal(store.find(rotated.record.keyId)!, at(3 * MINUTE_MS))).toBe('revoked');
    expect(keyRefusal(store.find(second.record.keyId)!, at(3 * MINUTE_MS))).toBeUndefined();
  });

  it('rotation with no grace revokes the old key at once; unknown keys and bad grace periods are refused', () => {
    const old = store.issue({ role: 'buyer', label: 'dinkes', opdCode: '3673-DINKES' }, NOW).record;
    const rotated = store.rotate(old.keyId, NOW, 0)!;
    expect(rotated.record.opdCode).toBe('3673-DINKES');
    expect(keyRefusal(store.find(old.keyId)!, NOW)).toBe('revoked');
    expect(store.rotate('0123456789abcdef', NOW, 0)).toBeUndefined();
    for (const grace of [-1, 1.5, 10_081]) expect(() => store.rotate(rotated.record.keyId, NOW, grace)).toThrow(/grace-minutes/);
  });

  it("records a key's last use at most once per interval", () => {
    const key = store.issue({ role: 'admin', label: 'a' }, NOW).record;
    expect(store.find(key.keyId)!.lastUsedAt).toBeUndefined();
    store.recordUse(key.keyId, NOW);
    store.recordUse(key.keyId, at(LAST_USED_WRITE_INTERVAL_MS - 1));
    expect(store.find(key.keyId)!.lastUsedAt).toBe(NOW.toISOString());
    store.recordUse(key.keyId, at(LAST_USED_WRITE_INTERVAL_MS));
    expect(store.find(key.keyId)!.lastUsedAt).toBe(at(LAST_USED_WRITE_INTERVAL_MS).toISOString());
  });
});

describe('an auth.db of the first schema', () => {
  it('is migrated in place: its keys keep working, with no expiry until rotated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bela-auth-'));
    try {
      const file = join(dir, 'auth.db');
      const old = new Database(file);
      old.exec(
        `CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, role TEXT NOT NULL, vendor_id TEXT, opd_code TEXT, label TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)`,
      );
      old
        .prepare('INSERT INTO api_keys VALUES (?, ?, ?, NULL, NULL, ?, ?, NULL)')
        .run('00112233445566ff', 'ab'.repeat(32), 'admin', 'old admin', NOW.toISOString());
      old.close();
      const store = ApiKeyStore.open(file);
      try {
        const record = store.find('00112233445566ff')!;
        expect(record.expiresAt).toBeUndefined();
        expect(keyRefusal(record, at(10 * 365 * DAY_MS))).toBeUndefined();
        store.recordUse(record.keyId, NOW);
        expect(store.find(record.keyId)!.lastUsedAt).toBe(NOW.toISOString());
      } finally {
        store.close();
      }
      // Opening again finds the columns already there.
      ApiKeyStore.open(file).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
