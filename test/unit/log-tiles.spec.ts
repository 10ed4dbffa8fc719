import Database from 'better-sqlite3';
import { LogQueries } from '../../src/audit/log-queries.js';
import { LogSigner } from '../../src/audit/log-signer.js';
import { TILE_WIDTH, entryBundle, parseTilePath, tilePath } from '../../src/audit/tiles.js';
import { TransparencyLog } from '../../src/audit/transparency-log.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { DomainError } from '../../src/kernel/errors.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { bytesToHex } from '../../src/verifier/leaf.js';
import { treeHash } from '../../src/verifier/merkle.js';

describe('C2SP tlog-tiles', () => {
  it('reads and writes tile paths as the spec spells them', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1_234_067, width: 256 });
    expect(parseTilePath('2/000.p/17')).toEqual({ level: 2, index: 0, width: 17 });
    expect(parseTilePath('entries/x001/000.p/255')).toEqual({ level: 'entries', index: 1_000, width: 255 });
    expect(tilePath({ level: 0, index: 1_234_067, width: 256 })).toBe('0/x001/x234/067');
    expect(tilePath({ level: 1, index: 5, width: 3 })).toBe('1/005.p/3');
    for (const bad of ['', '00/000', '64/000', '0/1', '0/x001', '0/001/002', '0/000.p/256', '0/000.p/0', '0/000.p/07', 'entries', '0/x1/000', '0/000.p']) {
      expect({ bad, parsed: parseTilePath(bad) }).toEqual({ bad, parsed: undefined });
    }
  });

  it('bundles entries with big-endian uint16 lengths and refuses one that does not fit', () => {
    expect([...entryBundle([new Uint8Array([7]), new Uint8Array(0), new Uint8Array([1, 2])])]).toEqual([0, 1, 7, 0, 0, 0, 2, 1, 2]);
    expect(() => entryBundle([new Uint8Array(0x10000)])).toThrow(RangeError);
  });

  it('serves level 0 and level 1 tiles whose hashes are the subtree roots, full once complete, partial before', async () => {
    const log = new TransparencyLog(new Database(':memory:'), LogSigner.generate('bela-ledger.test/log').signer, { now: () => new Date() }, 0, silentLogger);
    const leafData = Array.from({ length: TILE_WIDTH + 3 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
    log.tree.append(leafData.map((data, i) => ({ position: BigInt(i + 1), eventId: `e${i}`, streamId: 'test-1', data })));
    const queries = new LogQueries(log, {} as EventStore);
    const level1 = queries.tile({ level: 1, index: 0, width: 1 });
    expect(bytesToHex(level1.body)).toBe(bytesToHex(await treeHash(leafData.slice(0, TILE_WIDTH))));
    expect(queries.tile({ level: 0, index: 0, width: TILE_WIDTH })).toMatchObject({ full: true });
    expect(queries.tile({ level: 0, index: 1, width: 3 }).body.length).toBe(3 * 32);
    expect(() => queries.tile({ level: 0, index: 1, width: 4 })).toThrow(DomainError);
    expect(() => queries.tile({ level: 1, index: 0, width: 2 })).toThrow(DomainError);
    const bundle = queries.tile({ level: 'entries', index: 1, width: 3 }).body;
    expect(bundle.subarray(2, 2 + bundle.readUInt16BE(0)).toString()).toBe(`leaf ${TILE_WIDTH}`);
  });
});
