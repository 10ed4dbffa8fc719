import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newCommitmentSalt, privateDigest } from '../../src/audit/event-commitment.js';
import { LogQueries } from '../../src/audit/log-queries.js';
import { LogSigner } from '../../src/audit/log-signer.js';
import { TransparencyLog } from '../../src/audit/transparency-log.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { sampleEventsByStream, sampleIds } from '../support/ledger-event-samples.js';
import { PROJECT_ROOT } from '../support/test-app.js';

type Bundle = typeof import('../../src/verifier/index.js');

/** What the event store keeps beside every event: a random salt and the salted digest. */
function committed(event: RecordedEvent): RecordedEvent {
  const saltHex = newCommitmentSalt();
  return { ...event, commitment: { saltHex, privateDigest: privateDigest(saltHex, event.data, event.metadata) } };
}

/** The browser bundle, built by the same script as `npm run build`, loaded as the page would: one ES module. */
describe('verifier browser bundle (dist/web/verifier.js)', () => {
  let dir: string;
  let bundle: Bundle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bela-verifier-bundle-'));
    const outfile = join(dir, 'verifier.js');
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-web.mjs'), '--verifier-only', outfile], { cwd: PROJECT_ROOT, stdio: 'pipe' });
    expect(readFileSync(outfile, 'utf8')).not.toMatch(/from\s*["']node:|require\(/);
    bundle = (await import(pathToFileURL(outfile).href)) as Bundle;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies an inclusion proof and checkpoint made by the server code, and rejects tampered ones', async () => {
    const signer = LogSigner.generate('bela-ledger.test/log').signer;
    const log = new TransparencyLog(new Database(':memory:'), signer, { now: () => new Date() }, 0, silentLogger);
    const events: RecordedEvent[] = [];
    let position = 1n;
    for (const [streamId, data] of sampleEventsByStream(sampleIds())) {
      data.forEach((event, revision) =>
        events.push(committed({ ...event, streamId, revision: BigInt(revision), position: position++, created: new Date('2026-11-30T01:02:03.004Z') })),
      );
    }
    await log.handleBatch(events, position - 1n);
    const orderPlaced = events.find((event) => event.type === 'OrderPlaced')!;
    const document = new LogQueries(log, {} as EventStore).inclusion({ eventId: orderPlaced.id });
    if (document.checkpoint === null) throw new Error('the batch was not signed');

    const checkpoint = await bundle.verifyEventInclusion({ ...document, checkpoint: document.checkpoint }, signer.verifierKey);
    expect(checkpoint.treeSize).toBe(events.length);
    expect(bundle.bytesToHex(checkpoint.rootHash)).toBe(document.rootHash);

    const flipped = [...document.proof];
    flipped[1] = `${flipped[1]![0] === 'f' ? 'e' : 'f'}${flipped[1]!.slice(1)}`;
    await expect(bundle.verifyEventInclusion({ ...document, checkpoint: document.checkpoint, proof: flipped }, signer.verifierKey)).rejects.toBeInstanceOf(
      bundle.VerificationError,
    );
    await expect(
      bundle.verifyEventInclusion({ ...document, checkpoint: document.checkpoint, leafIndex: document.leafIndex + 1 }, signer.verifierKey),
    ).rejects.toBeInstanceOf(bundle.VerificationError);
    const altered = document.checkpoint.replace(`\n${events.length}\n`, `\n${events.length + 1}\n`);
    await expect(bundle.verifyEventInclusion({ ...document, checkpoint: altered, treeSize: events.length + 1 }, signer.verifierKey)).rejects.toBeInstanceOf(
      bundle.VerificationError,
    );
    const stranger = LogSigner.generate('bela-ledger.test/log').signer.verifierKey;
    await expect(bundle.verifyEventInclusion({ ...document, checkpoint: document.checkpoint }, stranger)).rejects.toBeInstanceOf(bundle.VerificationError);
  });
});
