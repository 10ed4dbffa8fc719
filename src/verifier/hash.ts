import { concatBytes } from './encoding.js';

/** SHA-256 through WebCrypto: the same code runs in Node 20+ and in browsers. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

export const HASH_BYTES = 32;
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** RFC 6962 / 9162 section 2.1.1: the hash of a leaf, SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(LEAF_PREFIX, data));
}

/** The hash of an interior node, SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}
