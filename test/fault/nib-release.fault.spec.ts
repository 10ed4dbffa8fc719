import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { uniqueNib } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

const VENDORS = 40;
const ANSWERS_BEFORE_KILL = 15;
const CATCH_UP_WAIT_MS = 60_000;
const POLL_INTERVAL_MS = 50;

const registration = (nib: string) => ({
  nib,
  npwp: '012345678901234',
  name: 'CV Uji Gangguan',
  legalForm: 'cv',
  capitalRupiah: 500_000_000,
  kabupatenKotaCode: '3673',
  contact: { email: 'uji@contoh.id', phone: '+62 254 123456' },
});

async function nibHistory(store: EventStore, nib: string): Promise<string[]> {
  const events: RecordedEvent[] = await store.readStream(`nib-${nib}`);
  return events.map((event) => `${event.type} ${(event.data as { vendorId: string }).vendorId}`);
}

describe("a rejected vendor's NIB is released exactly once across SIGKILL (fault)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bela-nib-fault-'));
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('kills the service while rejections are being answered and released, restarts it, and finds one NibReleased per rejection', async () => {
    app = await TestApp.start({ dataDir });
    const admin = app.issueKey('admin');
    const vendors: { vendorId: string; nib: string }[] = [];
    for (let index = 0; index < VENDORS; index += 1) {
      const nib = uniqueNib();
      const response = await app.request('POST', '/vendors', {
        token: admin,
        body: registration(nib),
        headers: { 'idempotency-key': `fault-${randomUUID()}` },
      });
      if (response.status !== 201) throw new Error(`register: ${response.status} ${JSON.stringify(response.body)}`);
      vendors.push({ vendorId: response.body.vendorId, nib });
    }

    // Every rejection in flight at once; the service dies after a few answers, mid-way through
    // the rejections and the process manager's releases.
    let answers = 0;
    let killed: Promise<void> | undefined;
    const running = app;
    await Promise.allSettled(
      vendors.map(async ({ vendorId }) => {
        await running.request('POST', `/vendors/${vendorId}/reject`, { token: admin, body: { reason: 'dokumen tidak sesuai OSS' } });
        answers += 1;
        if (answers === ANSWERS_BEFORE_KILL) killed = running.kill();
      }),
    );
    await killed;
    expect(answers).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL);

    app = await TestApp.start({ dataDir });
    const store = app.store;
    const rejected: { vendorId: string; nib: string }[] = [];
    for (const vendor of vendors) {
      const events = await store.readStream(`vendor-${vendor.vendorId}`);
      if (events.some((event) => event.type === 'VendorRejected')) rejected.push(vendor);
    }
    expect(rejected.length).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL);

    const deadline = Date.now() + CATCH_UP_WAIT_MS;
    for (;;) {
      const histories = await Promise.all(rejected.map((vendor) => nibHistory(store, vendor.nib)));
      if (histories.every((history) => history.length >= 2)) break;
      if (Date.now() > deadline) throw new Error(`releases missing after restart: ${JSON.stringify(histories.filter((history) => history.length < 2))}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    for (const vendor of rejected) {
      expect(await nibHistory(store, vendor.nib)).toEqual([`NibReserved ${vendor.vendorId}`, `NibReleased ${vendor.vendorId}`]);
    }
    // Vendors whose rejection never made it to the store keep their NIB.
    for (const vendor of vendors.filter((candidate) => !rejected.includes(candidate))) {
      expect(await nibHistory(store, vendor.nib)).toEqual([`NibReserved ${vendor.vendorId}`]);
    }

    // The rightful businesses register the released NIBs again.
    const again = await app.request('POST', '/vendors', { token: admin, body: registration(rejected[0]!.nib) });
    expect(again.status).toBe(201);
  });
});
