import { base64ToBytes } from './encoding.js';
import { HASH_BYTES } from './hash.js';
import { VerificationError } from './merkle.js';
import { VerifierKey, openNote } from './note.js';

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text is the origin line,
 * the tree size in decimal, the base64 root hash, then optional extension lines.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
}

export function parseCheckpointText(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new VerificationError('a checkpoint ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((line) => line.length === 0)) throw new VerificationError('a checkpoint has at least three non-empty lines');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(?:0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new VerificationError('malformed tree size');
  let rootHash: Uint8Array;
  try {
    rootHash = base64ToBytes(root);
  } catch {
    throw new VerificationError('the root hash is not base64');
  }
  if (rootHash.length !== HASH_BYTES) throw new VerificationError(`the root hash is ${HASH_BYTES} bytes`);
  return { origin, treeSize: Number(size), rootHash, extensions };
}

/** Verifies the log's signature and the origin, then parses the checkpoint. */
export async function openCheckpoint(signedNote: string, key: VerifierKey, origin: string = key.name): Promise<Checkpoint> {
  const checkpoint = parseCheckpointText(await openNote(signedNote, key));
  if (checkpoint.origin !== origin) throw new VerificationError(`the checkpoint is for origin ${checkpoint.origin}, not ${origin}`);
  return checkpoint;
}
