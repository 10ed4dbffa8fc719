/**
 * C2SP tlog-tiles paths (https://c2sp.org/tlog-tiles): `<L>/<N>[.p/<W>]` and
 * `entries/<N>[.p/<W>]` under `tile/`, where N is written as 3-digit groups, all but the last
 * prefixed with `x` (1234067 -> x001/x234/067). Pure.
 */
export const TILE_WIDTH = 256;
/** Tree levels per tile level. */
export const TILE_HEIGHT = 8;
export const TILE_LEVEL_MAX = 63;
/** Index groups beyond this would exceed 2^53 tiles. */
const INDEX_GROUPS_MAX = 6;
/** Entry bundles prefix each entry with a big-endian uint16 length. */
export const BUNDLE_ENTRY_BYTES_MAX = 0xffff;

export interface TileRef {
  /** A tile level, or 'entries' for an entry bundle. */
  readonly level: number | 'entries';
  readonly index: number;
  /** 1..256; 256 is a full tile. */
  readonly width: number;
}

/** The tile named by `path` (the part after `tile/`), or undefined when it is not a tile path. */
export function parseTilePath(path: string): TileRef | undefined {
  const parts = path.split('/');
  const head = parts.shift();
  let level: number | 'entries';
  if (head === 'entries') level = 'entries';
  else if (head !== undefined && /^(?:0|[1-9][0-9]?)$/.test(head) && Number(head) <= TILE_LEVEL_MAX) level = Number(head);
  else return undefined;
  let width = TILE_WIDTH;
  const last = parts.length >= 2 ? parts[parts.length - 2]! : undefined;
  if (last?.endsWith('.p')) {
    const w = parts.pop()!;
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) return undefined;
    width = Number(w);
    parts[parts.length - 1] = last.slice(0, -2);
  }
  if (parts.length === 0 || parts.length > INDEX_GROUPS_MAX) return undefined;
  const groups = parts.map((part, i) => (i < parts.length - 1 ? /^x([0-9]{3})$/.exec(part)?.[1] : /^([0-9]{3})$/.exec(part)?.[1]));
  if (groups.some((group) => group === undefined)) return undefined;
  return { level, index: Number(groups.join('')), width };
}

export function tilePath(tile: TileRef): string {
  const digits = String(tile.index).padStart(3, '0');
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/.{3}/g)!;
  const encoded = groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
  return `${tile.level}/${encoded}${tile.width < TILE_WIDTH ? `.p/${tile.width}` : ''}`;
}

/** An entry bundle: each entry as a big-endian uint16 length then its bytes. */
export function entryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > BUNDLE_ENTRY_BYTES_MAX) throw new RangeError(`an entry of ${entry.length} bytes does not fit a bundle`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry));
  }
  return Buffer.concat(parts);
}
