import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogKeyError, LogSigner } from '../../src/audit/log-signer.js';
import { openCheckpoint, parseCheckpointText } from '../../src/verifier/checkpoint.js';
import { VerificationError } from '../../src/verifier/merkle.js';
import { formatVerifierKey, openNote, parseNote, parseVerifierKey } from '../../src/verifier/note.js';

// The example key and note of golang.org/x/mod/sumdb/note (its package documentation and note_test.go).
const GO_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const ORIGIN = 'bela-ledger.test/log';
const ROOT_B64 = Buffer.alloc(32, 7).toString('base64');

const rejects = (promise: Promise<unknown>): Promise<void> => expect(promise).rejects.toBeInstanceOf(VerificationError);

describe('signed notes and checkpoints (C2SP)', () => {
  it('reads the Go reference key and opens the Go reference note', async () => {
    const key = await parseVerifierKey(GO_VERIFIER_KEY);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId).toBe('c74f20a3');
    expect(await formatVerifierKey(key.name, key.publicKey)).toBe(GO_VERIFIER_KEY);
    await expect(openNote(GO_NOTE, key)).resolves.toBe(GO_TEXT);
  });

  it('signs byte for byte as the Go reference does, with the same key', () => {
    const signer = LogSigner.fromSignerKey(GO_SIGNER_KEY);
    expect(signer.verifierKey).toBe(GO_VERIFIER_KEY);
    expect(signer.signNote(GO_TEXT)).toBe(GO_NOTE);
  });

  it('round trip: a generated key signs a checkpoint the verifier opens', async () => {
    const { signer } = LogSigner.generate(ORIGIN);
    const note = signer.signNote(`${ORIGIN}\n42\n${ROOT_B64}\n`);
    const checkpoint = await openCheckpoint(note, await parseVerifierKey(signer.verifierKey));
    expect(checkpoint).toEqual({ origin: ORIGIN, treeSize: 42, rootHash: new Uint8Array(Buffer.alloc(32, 7)), extensions: [] });
  });

  it('rejects an altered body, a wrong key, a key with the same name and id but another public key, and a wrong origin', async () => {
    const { signer } = LogSigner.generate(ORIGIN);
    const key = await parseVerifierKey(signer.verifierKey);
    const note = signer.signNote(`${ORIGIN}\n42\n${ROOT_B64}\n`);
    await rejects(openCheckpoint(note.replace('\n42\n', '\n43\n'), key));
    await rejects(openCheckpoint(note, await parseVerifierKey(LogSigner.generate(ORIGIN).signer.verifierKey)));
    await rejects(openCheckpoint(note, { ...key, publicKey: (await parseVerifierKey(LogSigner.generate(ORIGIN).signer.verifierKey)).publicKey }));
    await rejects(openCheckpoint(note, key, 'someone-else.example/log'));
    const other = LogSigner.generate('other.example/log').signer;
    await rejects(openCheckpoint(other.signNote(`${ORIGIN}\n42\n${ROOT_B64}\n`), key));
    // A signature by an unknown key beside ours is ignored, as the spec requires.
    const cosigned = note + other.signNote(`${ORIGIN}\n42\n${ROOT_B64}\n`).split('\n\n')[1];
    await expect(openCheckpoint(cosigned, key)).resolves.toMatchObject({ treeSize: 42 });
  });

  it('refuses malformed notes, keys and checkpoint bodies', async () => {
    expect(() => parseNote('no signatures\n')).toThrow(VerificationError);
    expect(() => parseNote(`${GO_TEXT}\n- PeterNeumann abc=\n`)).toThrow(VerificationError);
    expect(() => parseNote(`${GO_TEXT}\u0007\n\n${GO_NOTE.split('\n\n')[1]}`)).toThrow(VerificationError);
    await rejects(parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'));
    await rejects(parseVerifierKey('no-plus'));
    expect(() => parseCheckpointText(`${ORIGIN}\n042\n${ROOT_B64}\n`)).toThrow(VerificationError);
    expect(() => parseCheckpointText(`${ORIGIN}\n42\nnot-base64\n`)).toThrow(VerificationError);
    expect(() => parseCheckpointText(`${ORIGIN}\n42\n${ROOT_B64}`)).toThrow(VerificationError);
    expect(parseCheckpointText(`${ORIGIN}\n0\n${ROOT_B64}\nextension line\n`).extensions).toEqual(['extension line']);
  });

  it('creates the key file once, mode 0600, and refuses a key made for another origin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bela-log-key-'));
    try {
      const path = join(dir, 'keys', 'log-signing.key');
      const first = LogSigner.openOrCreate(path, ORIGIN);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toMatch(/^PRIVATE\+KEY\+bela-ledger\.test\/log\+[0-9a-f]{8}\+/);
      expect(LogSigner.openOrCreate(path, ORIGIN).verifierKey).toBe(first.verifierKey);
      expect(() => LogSigner.openOrCreate(path, 'renamed.example/log')).toThrow(LogKeyError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
