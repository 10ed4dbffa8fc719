import { base64ToBytes, bytesToBase64, concatBytes, utf8 } from './encoding.js';
import { sha256 } from './hash.js';
import { VerificationError } from './merkle.js';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures, the format of
 * golang.org/x/mod/sumdb/note: text ending in a newline, a blank line, then signature lines
 * `— <name> <base64(key id || signature)>`. WebCrypto only, so it runs in browsers too.
 */
export const SIGNATURE_TYPE_ED25519 = 0x01;
export const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const KEY_ID_BYTES = 4;
/** The spec asks verifiers to accept at least 16 signatures; more is refused as abuse. */
export const NOTE_SIGNATURES_MAX = 16;
export const NOTE_BYTES_MAX = 64 * 1024;
const EM_DASH = '\u2014';

export interface NoteSignature {
  readonly name: string;
  /** The key id, as 8 lowercase hex digits. */
  readonly keyId: string;
  readonly signature: Uint8Array;
}

export interface ParsedNote {
  /** The signed text, with its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifierKey {
  readonly name: string;
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

/** Key names: non-empty, no Unicode spaces, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** SHA-256(name || 0x0A || 0x01 || public key)[:4], as 8 hex digits. */
export async function ed25519KeyId(name: string, publicKey: Uint8Array): Promise<string> {
  const digest = await sha256(concatBytes(utf8(`${name}\n`), new Uint8Array([SIGNATURE_TYPE_ED25519]), publicKey));
  return [...digest.slice(0, KEY_ID_BYTES)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** `<name>+<key id hex>+<base64(0x01 || public key)>`, as note.NewVerifier reads it. */
export async function formatVerifierKey(name: string, publicKey: Uint8Array): Promise<string> {
  if (!isValidKeyName(name)) throw new TypeError('a key name is non-empty, without spaces or +');
  return `${name}+${await ed25519KeyId(name, publicKey)}+${bytesToBase64(concatBytes(new Uint8Array([SIGNATURE_TYPE_ED25519]), publicKey))}`;
}

export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new VerificationError('a verifier key is <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const keyId = text.slice(first + 1, second);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(keyId)) throw new VerificationError('malformed verifier key name or id');
  let typed: Uint8Array;
  try {
    typed = base64ToBytes(text.slice(second + 1));
  } catch {
    throw new VerificationError('the verifier key is not base64');
  }
  if (typed.length !== 1 + ED25519_PUBLIC_KEY_BYTES || typed[0] !== SIGNATURE_TYPE_ED25519)
    throw new VerificationError('only Ed25519 verifier keys are supported');
  const publicKey = typed.slice(1);
  if ((await ed25519KeyId(name, publicKey)) !== keyId) throw new VerificationError('the verifier key id does not match its key');
  return { name, keyId, publicKey };
}

/** Splits a signed note into its text and signature lines, checking the syntax only. */
export function parseNote(message: string): ParsedNote {
  if (utf8(message).length > NOTE_BYTES_MAX) throw new VerificationError(`a note is at most ${NOTE_BYTES_MAX} bytes`);
  if (/[\u0000-\u0009\u000b-\u001f]/.test(message)) throw new VerificationError('a note has no control characters but newline');
  if (!message.endsWith('\n')) throw new VerificationError('a note ends with a newline');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new VerificationError('a note has a blank line before its signatures');
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2, -1).split('\n');
  if (lines.length > NOTE_SIGNATURES_MAX) throw new VerificationError(`a note has at most ${NOTE_SIGNATURES_MAX} signatures`);
  const signatures = lines.map((line): NoteSignature => {
    const match = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`).exec(line);
    if (!match || !isValidKeyName(match[1]!)) throw new VerificationError('malformed signature line');
    let blob: Uint8Array;
    try {
      blob = base64ToBytes(match[2]!);
    } catch {
      throw new VerificationError('a signature is not base64');
    }
    if (blob.length <= KEY_ID_BYTES) throw new VerificationError('a signature is too short');
    const keyId = [...blob.slice(0, KEY_ID_BYTES)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    return { name: match[1]!, keyId, signature: blob.slice(KEY_ID_BYTES) };
  });
  return { text, signatures };
}

async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  const key = await globalThis.crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
  return globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
}

/**
 * Opens a note signed by `key`: returns its text when a signature by that key (same name and
 * id) verifies. Signatures by other keys are ignored, as the spec says; a failing signature by
 * the key rejects the note.
 */
export async function openNote(message: string, key: VerifierKey): Promise<string> {
  const note = parseNote(message);
  const ours = note.signatures.filter((signature) => signature.name === key.name && signature.keyId === key.keyId);
  if (ours.length === 0) throw new VerificationError(`the note is not signed by ${key.name}+${key.keyId}`);
  const text = utf8(note.text);
  for (const signature of ours) {
    if (!(await ed25519Verify(key.publicKey, signature.signature, text))) throw new VerificationError(`the signature by ${key.name} does not verify`);
  }
  return note.text;
}

/** A signature line for `text` (which ends in a newline) made with a raw Ed25519 signature. */
export function signatureLine(name: string, keyId: string, signature: Uint8Array): string {
  const id = new Uint8Array(KEY_ID_BYTES);
  for (let i = 0; i < KEY_ID_BYTES; i += 1) id[i] = parseInt(keyId.slice(i * 2, i * 2 + 2), 16);
  return `${EM_DASH} ${name} ${bytesToBase64(concatBytes(id, signature))}\n`;
}
