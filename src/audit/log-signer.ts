import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isValidKeyName, signatureLine } from '../verifier/note.js';

/**
 * The log's Ed25519 note key. On disk it is the signer key string of golang.org/x/mod/sumdb/note
 * (`PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>`), so the operator can make one with the Go
 * tooling or use the one created on first start (mode 0600). The key never reaches a log line.
 */
const SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';
const ED25519_TYPE = 0x01;
const SEED_BYTES = 32;
/** PKCS#8 DER of an Ed25519 key is this prefix followed by the 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class LogKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogKeyError';
  }
}

export class LogSigner {
  private constructor(
    readonly name: string,
    readonly keyId: string,
    readonly publicKey: Buffer,
    private readonly privateKey: KeyObject,
  ) {}

  /** The `<name>+<key id>+<base64(0x01 || public key)>` string verifiers are configured with. */
  get verifierKey(): string {
    return `${this.name}+${this.keyId}+${Buffer.concat([Buffer.from([ED25519_TYPE]), this.publicKey]).toString('base64')}`;
  }

  /** The signed note of `text` (which ends in a newline): text, blank line, signature line. */
  signNote(text: string): string {
    if (!text.endsWith('\n')) throw new Error('a note text ends with a newline');
    const signature = sign(null, Buffer.from(text, 'utf8'), this.privateKey);
    return `${text}\n${signatureLine(this.name, this.keyId, signature)}`;
  }

  static fromSignerKey(signerKey: string): LogSigner {
    const text = signerKey.trim();
    if (!text.startsWith(SIGNER_KEY_PREFIX)) throw new LogKeyError(`a log signing key starts with ${SIGNER_KEY_PREFIX}`);
    const [name, keyId, encoded, ...rest] = text.slice(SIGNER_KEY_PREFIX.length).split('+');
    if (name === undefined || keyId === undefined || encoded === undefined || !isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(keyId)) {
      throw new LogKeyError('a log signing key is PRIVATE+KEY+<name>+<key id>+<base64 key>');
    }
    // The base64 may itself contain '+'.
    const typed = Buffer.from([encoded, ...rest].join('+'), 'base64');
    if (typed.length !== 1 + SEED_BYTES || typed[0] !== ED25519_TYPE) throw new LogKeyError('the log signing key is not an Ed25519 note key');
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, typed.subarray(1)]), format: 'der', type: 'pkcs8' });
    const publicKey = rawPublicKey(privateKey);
    if (keyIdOf(name, publicKey) !== keyId) throw new LogKeyError('the log signing key id does not match its key');
    return new LogSigner(name, keyId, publicKey, privateKey);
  }

  static generate(name: string): { signer: LogSigner; signerKey: string } {
    if (!isValidKeyName(name)) throw new LogKeyError('a log name is non-empty, without spaces or +');
    const { privateKey } = generateKeyPairSync('ed25519');
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
    const publicKey = rawPublicKey(privateKey);
    const signerKey = `${SIGNER_KEY_PREFIX}${name}+${keyIdOf(name, publicKey)}+${Buffer.concat([Buffer.from([ED25519_TYPE]), seed]).toString('base64')}`;
    return { signer: LogSigner.fromSignerKey(signerKey), signerKey };
  }

  /**
   * The key in `path`, created there (mode 0600) when missing. Its name must be `origin`: a log
   * whose origin changed is a different log, and should not sign under the old key's name.
   */
  static openOrCreate(path: string, origin: string): LogSigner {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      const { signerKey } = LogSigner.generate(origin);
      // 'wx': never overwrite a key that another process created meanwhile.
      writeFileSync(path, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
    }
    const signer = LogSigner.fromSignerKey(readFileSync(path, 'utf8'));
    if (signer.name !== origin) throw new LogKeyError(`the log signing key in ${path} is for "${signer.name}", but LOG_ORIGIN is "${origin}"`);
    return signer;
  }
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - SEED_BYTES);
}

function keyIdOf(name: string, publicKey: Buffer): string {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([ED25519_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
    .toString('hex');
}
