import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { TRANSPARENCY_LOG_CONSUMER } from '../../src/audit/transparency-log.js';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { SubscriptionRegistry } from '../../src/event-store/subscription-registry.js';
import { ProblemDetailsFilter } from '../../src/http/problem-details.filter.js';
import { createValidationPipe } from '../../src/http/validation.pipe.js';
import { openCheckpoint } from '../../src/verifier/checkpoint.js';
import { recomputePrivateDigest, verifyCheckpointConsistency, verifyEventInclusion } from '../../src/verifier/event-proof.js';
import { VerificationError } from '../../src/verifier/merkle.js';
import { parseVerifierKey } from '../../src/verifier/note.js';
import { hashLeaf } from '../../src/verifier/hash.js';
import { bytesToHex } from '../../src/verifier/leaf.js';
import { withTimeout } from '../support/events.js';
import { FORBIDDEN_PUBLIC_STRINGS, sampleEventsByStream, sampleIds } from '../support/ledger-event-samples.js';

const WAIT_MS = 15_000;

/**
 * The service in-process on 127.0.0.1, over a store that gives each event a stand-in commitment
 * (the embedded store does not keep one yet), answering a citizen and an auditor over HTTP.
 */
describe('transparency log over HTTP (integration, in-process service)', () => {
  let dir: string;
  let raw: SqliteEventStore;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let keys: ApiKeyStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-tlog-http-'));
    raw = SqliteEventStore.open(join(dir, 'events.db'));
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'error', LOG_CHECKPOINT_INTERVAL_MS: '100', LOG_ORIGIN: 'bela-ledger.test/log' });
    const store: EventStore = raw;
    const module = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider('OPENED_EVENT_STORE')
      .useValue({ store, adapter: 'sqlite' })
      .compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    keys = ApiKeyStore.open(join(dir, 'auth.db'));
  });

  afterAll(async () => {
    await app?.close();
    keys?.close();
    await raw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function get(path: string, token?: string): Promise<{ status: number; type: string; text: string; json: any }> {
    const response = await fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(WAIT_MS) });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, text, json: type.includes('json') ? JSON.parse(text) : undefined };
  }

  async function appendSamples(): Promise<void> {
    for (const [streamId, events] of sampleEventsByStream(sampleIds())) await raw.appendToStream(streamId, events, { expectedRevision: 'any' });
  }

  /** Waits until the log has handled the head and signed a checkpoint covering it. */
  async function logCaughtUp(): Promise<number> {
    const runner = app.get(SubscriptionRegistry).runner(TRANSPARENCY_LOG_CONSUMER)!;
    await withTimeout(runner.waitForPosition(await raw.headPosition(), WAIT_MS), WAIT_MS + 1_000, 'log catches up');
    const size = (await raw.readAll({ maxCount: 10_000 })).length;
    for (;;) {
      const checkpoint = await get('/log/checkpoint');
      if (checkpoint.text.split('\n')[1] === String(size)) return size;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('a citizen checks a transaction against the signed checkpoint, then that the log only grew', async () => {
    const key = await get('/log/key');
    expect(key.json).toEqual({ origin: 'bela-ledger.test/log', verifierKey: expect.stringMatching(/^bela-ledger\.test\/log\+[0-9a-f]{8}\+/) });
    const empty = await get('/log/checkpoint');
    expect(empty.type).toContain('text/plain');
    await openCheckpoint(empty.text, await parseVerifierKey(key.json.verifierKey));

    await appendSamples();
    const firstSize = await logCaughtUp();
    const firstCheckpoint = (await get('/log/checkpoint')).text;
    const orderPlaced = (await raw.readAll({ maxCount: 10_000 })).find((event) => event.type === 'OrderPlaced')!;

    const proof = await get(`/log/proofs/inclusion?eventId=${orderPlaced.id}`);
    expect(proof.status).toBe(200);
    expect(proof.json).toMatchObject({ treeSize: firstSize, checkpoint: firstCheckpoint, leaf: { eventId: orderPlaced.id, type: 'OrderPlaced' } });
    expect(proof.json.leaf.publicView).not.toBeNull();
    const checkpoint = await verifyEventInclusion(proof.json, key.json.verifierKey);
    expect(checkpoint.treeSize).toBe(firstSize);
    const byPosition = await get(`/log/proofs/inclusion?position=${orderPlaced.position}&treeSize=${firstSize}`);
    expect(byPosition.json.proof).toEqual(proof.json.proof);
    expect((await get(`/log/proofs/inclusion?leafIndex=${proof.json.leafIndex}`)).json.proof).toEqual(proof.json.proof);

    // The order as a whole: every event of its stream, each proven against the same checkpoint.
    const order = await get(`/log/proofs/stream?streamId=${orderPlaced.streamId}`);
    expect(order.status).toBe(200);
    const orderEvents = (await raw.readStream(orderPlaced.streamId)).map((event) => event.id);
    expect(order.json.events.map((event: { leaf: { eventId: string } }) => event.leaf.eventId)).toEqual(orderEvents);
    for (const event of order.json.events)
      await verifyEventInclusion({ ...event, treeSize: order.json.treeSize, checkpoint: order.json.checkpoint }, key.json.verifierKey);

    // A tampered proof, leaf or tree size fails.
    const flipped = proof.json.proof.map((hash: string, i: number) => (i === 0 ? `${hash[0] === '0' ? '1' : '0'}${hash.slice(1)}` : hash));
    await expect(verifyEventInclusion({ ...proof.json, proof: flipped }, key.json.verifierKey)).rejects.toBeInstanceOf(VerificationError);
    await expect(
      verifyEventInclusion(
        { ...proof.json, leaf: { ...proof.json.leaf, publicView: { ...proof.json.leaf.publicView, totalRupiah: 1 } } },
        key.json.verifierKey,
      ),
    ).rejects.toBeInstanceOf(VerificationError);

    await appendSamples();
    const secondSize = await logCaughtUp();
    const secondCheckpoint = (await get('/log/checkpoint')).text;
    const consistency = await get(`/log/proofs/consistency?from=${firstSize}&to=${secondSize}`);
    expect(consistency.status).toBe(200);
    expect(consistency.json.to.checkpoint).toBe(secondCheckpoint);
    await verifyCheckpointConsistency(firstCheckpoint, secondCheckpoint, consistency.json, key.json.verifierKey);
    await expect(verifyCheckpointConsistency(secondCheckpoint, firstCheckpoint, consistency.json, key.json.verifierKey)).rejects.toBeInstanceOf(
      VerificationError,
    );
  });

  it('public routes carry no salt and no personal data; auditors get the whole event and can recompute the digest', async () => {
    const size = await logCaughtUp();
    const leaves = await get(`/log/leaves?start=0&end=${size}`);
    expect(leaves.status).toBe(200);
    expect(leaves.json.leaves).toHaveLength(size);
    const all = await raw.readAll({ maxCount: 10_000 });
    const proofs = await Promise.all(all.map((event) => get(`/log/proofs/inclusion?position=${event.position}`)));
    expect(proofs.map((proof) => proof.status)).toEqual(all.map(() => 200));
    const streams = [...new Set(all.map((event) => event.streamId))];
    const streamProofs = await Promise.all(streams.map((streamId) => get(`/log/proofs/stream?streamId=${streamId}`)));
    expect(streamProofs.map((proof) => proof.status)).toEqual(streams.map(() => 200));
    const publicTexts = [
      leaves.text,
      ...proofs.map((proof) => proof.text),
      ...streamProofs.map((proof) => proof.text),
      (await get(`/log/tile/entries/000.p/${Math.min(size, 255)}`)).text,
    ];
    // The store's own salts: none may reach a public answer.
    const salts = all.map((event) => event.commitment!.saltHex);
    for (const text of publicTexts) {
      expect(text).not.toMatch(/salt/i);
      for (const forbidden of [...FORBIDDEN_PUBLIC_STRINGS, ...salts])
        expect({ forbidden, found: text.includes(forbidden) }).toEqual({ forbidden, found: false });
    }

    expect((await get('/audit/leaves?start=0&end=5')).status).toBe(401);
    const buyer = keys.issue({ role: 'buyer', label: 'buyer', opdCode: '3673-DINKES' }, new Date()).token;
    expect((await get('/audit/leaves?start=0&end=5', buyer)).status).toBe(403);
    const auditor = keys.issue({ role: 'auditor', label: 'auditor' }, new Date()).token;
    const audit = await get('/audit/leaves?start=0&end=5', auditor);
    expect(audit.status).toBe(200);
    for (const entry of audit.json.leaves) {
      expect(entry.event.commitment.saltHex).toMatch(/^[0-9a-f]{64}$/);
      expect(await recomputePrivateDigest(entry.event.commitment.saltHex, entry.event.data, entry.event.metadata)).toBe(entry.leaf.privateDigest);
    }
  });

  it('serves C2SP tiles whose hashes give the checkpoint root', async () => {
    const size = await logCaughtUp();
    const tile = await fetch(`${baseUrl}/log/tile/0/000.p/${size}`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('content-type')).toBe('application/octet-stream');
    const hashes = new Uint8Array(await tile.arrayBuffer());
    expect(hashes.length).toBe(size * 32);
    const leaves = (await get(`/log/leaves?start=0&end=${size}`)).json.leaves as { leafHash: string }[];
    expect(leaves.map((leaf) => leaf.leafHash)).toEqual([...Array(size).keys()].map((i) => bytesToHex(hashes.slice(i * 32, i * 32 + 32))));
    const bundle = Buffer.from(await (await fetch(`${baseUrl}/log/tile/entries/000.p/${size}`)).arrayBuffer());
    const firstLength = bundle.readUInt16BE(0);
    expect(bytesToHex(await hashLeaf(bundle.subarray(2, 2 + firstLength)))).toBe(leaves[0]!.leafHash);
  });

  it('answers bad requests with problem+json and a clear code', async () => {
    const size = await logCaughtUp();
    const cases: [string, number, string][] = [
      [`/log/proofs/inclusion?position=1&treeSize=${size + 1000}`, 404, 'LOG_TREE_SIZE_BEYOND_HEAD'],
      ['/log/proofs/inclusion?eventId=0b000000-0000-4000-8000-00000000dead', 404, 'LOG_LEAF_NOT_FOUND'],
      ['/log/proofs/inclusion?position=999999', 404, 'LOG_LEAF_NOT_FOUND'],
      [`/log/proofs/inclusion?position=${size}&treeSize=1`, 404, 'LOG_LEAF_NOT_IN_TREE'],
      ['/log/proofs/inclusion', 400, 'LOG_QUERY_INVALID'],
      ['/log/proofs/inclusion?position=1&eventId=0b000000-0000-4000-8000-00000000dead', 400, 'LOG_QUERY_INVALID'],
      ['/log/proofs/inclusion?position=abc', 400, ''],
      ['/log/proofs/inclusion?leafIndex=1&position=1', 400, 'LOG_QUERY_INVALID'],
      [`/log/proofs/inclusion?leafIndex=${size}&treeSize=${size}`, 404, 'LOG_LEAF_NOT_FOUND'],
      ['/log/proofs/inclusion?leafIndex=-1', 400, ''],
      [`/log/proofs/consistency?from=${size + 1}&to=${size}`, 400, 'LOG_QUERY_INVALID'],
      [`/log/proofs/consistency?from=1&to=${size + 1}`, 404, 'LOG_TREE_SIZE_BEYOND_HEAD'],
      ['/log/proofs/stream?streamId=order-0b000000-0000-4000-8000-00000000dead', 404, 'LOG_LEAF_NOT_FOUND'],
      ['/log/proofs/stream?streamId=..%2Fetc', 400, ''],
      ['/log/proofs/stream', 400, ''],
      ['/log/leaves?start=10&end=5', 400, 'LOG_QUERY_INVALID'],
      ['/log/leaves?start=0&end=100000', 400, 'LOG_QUERY_INVALID'],
      ['/log/leaves?start=-1&end=5', 400, ''],
      ['/log/tile/0/999', 404, 'LOG_TILE_NOT_FOUND'],
      ['/log/tile/0/x1/000', 404, 'LOG_TILE_NOT_FOUND'],
      ['/log/tile/64/000', 404, 'LOG_TILE_NOT_FOUND'],
      ['/log/tile/0/000.p/0', 404, 'LOG_TILE_NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const response = await get(path);
      expect({ path, status: response.status, type: response.type }).toEqual({ path, status, type: expect.stringContaining('application/problem+json') });
      if (code) expect({ path, code: response.json.code }).toEqual({ path, code });
    }
  });
});
