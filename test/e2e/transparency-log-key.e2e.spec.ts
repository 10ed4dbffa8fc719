import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../../src/verifier/checkpoint.js';
import { bytesToHex } from '../../src/verifier/leaf.js';
import { parseVerifierKey } from '../../src/verifier/note.js';
import { TestApp } from '../support/test-app.js';

// The example key of golang.org/x/mod/sumdb/note, as an operator's own key file would hold one.
const GO_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const EMPTY_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('transparency log key and first checkpoint (e2e, built service)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bela-e2e-tlog-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates its signing key on first start (0600, never logged), signs the empty tree, and keeps the key across restarts', async () => {
    const first = await TestApp.start({ dataDir });
    let key: { origin: string; verifierKey: string };
    try {
      key = (await first.request('GET', '/log/key')).body;
      expect(key.origin).toBe('bela-ledger.local/log');
      const checkpoint = await first.request('GET', '/log/checkpoint');
      expect(checkpoint.status).toBe(200);
      expect(checkpoint.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const opened = await openCheckpoint(checkpoint.body, await parseVerifierKey(key.verifierKey));
      expect({ treeSize: opened.treeSize, root: bytesToHex(opened.rootHash) }).toEqual({ treeSize: 0, root: EMPTY_ROOT_HEX });
      const keyFile = join(dataDir, 'log-signing.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const secret = readFileSync(keyFile, 'utf8').trim().split('+').slice(4).join('+');
      expect(first.output()).not.toContain(secret);
    } finally {
      await first.close();
    }
    const second = await TestApp.start({ dataDir });
    try {
      expect((await second.request('GET', '/log/key')).body).toEqual(key);
    } finally {
      await second.close();
    }
  });

  it("signs with the operator's key file (Go note format) under its origin, and refuses to start when the origin does not match the key", async () => {
    const keyFile = join(dataDir, 'operator.key');
    writeFileSync(keyFile, `${GO_SIGNER_KEY}\n`, { mode: 0o600 });
    const app = await TestApp.start({ dataDir, env: { LOG_SIGNING_KEY_FILE: keyFile, LOG_ORIGIN: 'PeterNeumann' } });
    try {
      expect((await app.request('GET', '/log/key')).body).toEqual({ origin: 'PeterNeumann', verifierKey: GO_VERIFIER_KEY });
      await openCheckpoint((await app.request('GET', '/log/checkpoint')).body, await parseVerifierKey(GO_VERIFIER_KEY));
    } finally {
      await app.close();
    }
    // The refusal is the JSON fatal line: the quotes in its message are escaped.
    await expect(TestApp.start({ dataDir, env: { LOG_SIGNING_KEY_FILE: keyFile, LOG_ORIGIN: 'bela-ledger.local/log' } })).rejects.toThrow(
      /is for \\"PeterNeumann\\"/,
    );
  });
});
