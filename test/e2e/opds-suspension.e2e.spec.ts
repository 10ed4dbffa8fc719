import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { issueCard, orderBody, pollUntil, registerOpd, sellingVendor } from '../support/purchase-session.js';
import { PROJECT_ROOT, TestApp } from '../support/test-app.js';
import { projectionsCaughtUp } from '../support/projections-caught-up.js';

const CLI_JS = join(PROJECT_ROOT, 'dist', 'src', 'cli.js');
const CLI_TIMEOUT_MS = 30_000;
/** Dinas Kesehatan of Kabupaten Pandeglang (3601): its spending belongs to Pandeglang, whatever a request says. */
const PANDEGLANG_DINKES = '3601-DINKES';

describe('OPDs as registered data, and a suspended vendor (e2e)', () => {
  let app: TestApp;
  let admin: string;

  /** `npm run cli -- keys issue` against the service's data directory, as an operator runs it. */
  async function cliBuyerKey(opdCode: string): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [CLI_JS, 'keys', 'issue', '--role', 'buyer', '--label', 'e2e', '--opd-code', opdCode],
        {
          cwd: PROJECT_ROOT,
          env: { PATH: process.env.PATH ?? '', DATA_DIR: app.dataDir },
          timeout: CLI_TIMEOUT_MS,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
  });
  afterAll(async () => {
    await app.close();
  });

  it("registers an OPD, issues a buyer key and a card for it, and credits its order to the OPD's kabupaten/kota", async () => {
    // Before registration: no buyer key, no card.
    const refusedKey = await cliBuyerKey(PANDEGLANG_DINKES);
    expect(refusedKey.code).toBe(2);
    expect(refusedKey.stderr).toContain('not registered');
    const early = await app.request('POST', '/cards', {
      token: admin,
      headers: { 'idempotency-key': 'kartu-pandeglang-awal' },
      body: { opdCode: PANDEGLANG_DINKES, holderName: 'Siti', cardLast4: '4821', limitRupiah: 10_000_000, expiresOn: '2099-12-31' },
    });
    expect(early.status).toBe(422);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(early.body).toMatchObject({ code: 'OPD_NOT_REGISTERED', opdCode: PANDEGLANG_DINKES });

    const registered = await app.request('POST', '/opds', {
      token: admin,
      headers: { 'idempotency-key': 'opd-pandeglang-dinkes' },
      body: { opdCode: PANDEGLANG_DINKES, name: 'Dinas Kesehatan Kabupaten Pandeglang', kabupatenKotaCode: '3601' },
    });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('location')).toBe(`/opds/${PANDEGLANG_DINKES}`);
    expect(registered.body.events.map((event: { type: string }) => event.type)).toEqual(['OpdRegistered']);
    const again = await app.request('POST', '/opds', {
      token: app.issueKey('admin'),
      headers: { 'idempotency-key': 'opd-pandeglang-lagi' },
      body: { opdCode: PANDEGLANG_DINKES, name: 'Dinkes lain', kabupatenKotaCode: '3601' },
    });
    expect([again.status, again.body.code]).toEqual([409, 'OPD_EXISTS']);
    for (const [body, status, code] of [
      [{ opdCode: 'DINKES-3601', name: 'x', kabupatenKotaCode: '3601' }, 400, 'VALIDATION_FAILED'],
      [{ opdCode: '3601-DISDIK', name: 'x', kabupatenKotaCode: '3699' }, 400, 'UNKNOWN_KABUPATEN_KOTA'],
      [{ opdCode: '3601-DISDIK', name: 'x', kabupatenKotaCode: '3673' }, 422, 'OPD_OUTSIDE_ITS_PEMDA'],
    ] as const) {
      const refused = await app.request('POST', '/opds', { token: admin, headers: { 'idempotency-key': `opd-salah-${code}` }, body });
      expect([refused.status, refused.body.code]).toEqual([status, code]);
    }
    const publicView = await app.request('GET', `/opds/${PANDEGLANG_DINKES}`);
    expect(publicView.body).toMatchObject({
      opdCode: PANDEGLANG_DINKES,
      name: 'Dinas Kesehatan Kabupaten Pandeglang',
      kabupatenKotaCode: '3601',
      kabupatenKotaName: 'Kab. Pandeglang',
      pemdaCode: '3601',
      pemdaLevel: 'kabupaten-kota',
      pemdaName: 'Pemerintah Kabupaten Pandeglang',
    });
    expect((await app.request('GET', '/opds/3601-BELUMADA')).status).toBe(404);
    expect((await app.request('GET', '/opds/DINKES-3601')).status).toBe(400);
    const listed = await app.request('GET', `/opds?kabupatenKotaCode=3601&waitForPosition=${registered.body.position}`, { token: app.issueKey('auditor') });
    expect(listed.body.items).toEqual([expect.objectContaining({ opdCode: PANDEGLANG_DINKES, pemdaLevel: 'kabupaten-kota' })]);
    expect((await app.request('GET', '/opds')).status).toBe(401);

    const issuedKey = await cliBuyerKey(PANDEGLANG_DINKES);
    expect(issuedKey.code).toBe(0);
    const buyer: string = JSON.parse(issuedKey.stdout).token;
    const cardId = await issueCard(app, admin, 10_000_000, PANDEGLANG_DINKES);
    const card = await app.request('GET', `/cards/${cardId}`, { token: buyer });
    expect(card.body).toMatchObject({ opdCode: PANDEGLANG_DINKES, opdName: 'Dinas Kesehatan Kabupaten Pandeglang' });

    const vendor = await sellingVendor(app, admin, [45_000]);
    const body = orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 20 }]);
    // The region is the OPD's: a region in the request is refused, and nothing is written.
    const before = await app.eventCount();
    const elsewhere = await app.request('POST', '/orders', {
      token: buyer,
      headers: { 'idempotency-key': 'pesanan-serang' },
      body: { ...body, kabupatenKotaCode: '3673' },
    });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await app.eventCount()).toBe(before);

    const placed = await app.request('POST', '/orders', { token: buyer, headers: { 'idempotency-key': 'pesanan-pandeglang' }, body });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.orderId;
    const authorised = await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'authorised');
    expect(authorised.buyer).toMatchObject({ opdCode: PANDEGLANG_DINKES, opdName: 'Dinas Kesehatan Kabupaten Pandeglang', kabupatenKotaCode: '3601' });
    expect((await app.request('POST', `/orders/${orderId}/accept`, { token: vendor.vendorToken })).status).toBe(200);
    expect((await app.request('POST', `/orders/${orderId}/ship`, { token: vendor.vendorToken })).status).toBe(200);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect(
      (await app.request('POST', `/orders/${orderId}/receive`, { token: buyer, body: { bastNumber: 'BAST/001/DINKES-PDG', bastDate: today } })).status,
    ).toBe(200);
    await pollUntil(app, buyer, `/orders/${orderId}`, (order) => order.status === 'paid');

    // Public queries never wait for a position: wait for the projections, then ask.
    await projectionsCaughtUp(app, admin, (await app.store.headPosition()).toString());
    const spending = await app.request('GET', '/public/spending?by=kabupaten-kota');
    expect(spending.status).toBe(200);
    expect(spending.body.items).toEqual([expect.objectContaining({ key: '3601', amountRupiah: 900_000 })]);
    const byOpd = await app.request('GET', `/public/spending?by=opd&opdCode=${PANDEGLANG_DINKES}`);
    expect(byOpd.body.items).toEqual([expect.objectContaining({ key: PANDEGLANG_DINKES, amountRupiah: 900_000 })]);
  });

  it('a suspended vendor: its listing is not available, it accepts nothing, its orders not yet accepted are cancelled and their holds voided, accepted ones go on', async () => {
    await registerOpd(app, admin);
    const buyer = app.issueKey('buyer', { opdCode: '3673-DINKES' });
    const cardId = await issueCard(app, admin, 50_000_000);
    const vendor = await sellingVendor(app, admin, [100_000]);
    const place = async (key: string): Promise<string> => {
      const placed = await app.request('POST', '/orders', {
        token: buyer,
        headers: { 'idempotency-key': key },
        body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 5 }]),
      });
      expect(placed.status).toBe(201);
      await pollUntil(app, buyer, `/orders/${placed.body.orderId}`, (order) => order.status === 'authorised');
      return placed.body.orderId;
    };
    const waiting = await place('menunggu-vendor');
    const accepted = await place('sudah-diterima');
    expect((await app.request('POST', `/orders/${accepted}/accept`, { token: vendor.vendorToken })).status).toBe(200);
    const listingPath = `/listings/${vendor.listingIds[0]}`;
    expect((await app.request('GET', listingPath)).body).toMatchObject({ status: 'active', vendorStatus: 'verified', available: true });

    const suspended = await app.request('POST', `/vendors/${vendor.vendorId}/suspend`, {
      token: admin,
      headers: { 'idempotency-key': 'suspend-vendor' },
      body: { reason: 'izin usaha dicabut' },
    });
    expect(suspended.status).toBe(200);
    expect((await app.request('GET', listingPath)).body).toMatchObject({ status: 'active', vendorStatus: 'suspended', available: false });
    const newOrder = await app.request('POST', '/orders', {
      token: buyer,
      headers: { 'idempotency-key': 'pesanan-baru' },
      body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 }]),
    });
    expect([newOrder.status, newOrder.body.code]).toEqual([422, 'VENDOR_NOT_SELLING']);

    const cancelled = await pollUntil(app, buyer, `/orders/${waiting}`, (order) => order.status !== 'authorised');
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'vendor suspended: izin usaha dicabut' });
    const refusedAccept = await app.request('POST', `/orders/${waiting}/accept`, { token: vendor.vendorToken });
    expect(refusedAccept.status).toBe(422);
    const card = await pollUntil(app, admin, `/cards/${cardId}`, (state) =>
      state.holds.some((hold: { orderId: string; status: string }) => hold.orderId === waiting && hold.status === 'voided'),
    );
    expect(card.holds.find((hold: { orderId: string }) => hold.orderId === accepted)).toMatchObject({ status: 'held' });
    const events = await app.store.readStream(`order-${waiting}`);
    expect(events.at(-1)!.metadata.actor).toEqual({ id: 'process:vendor-suspension', role: 'system' });

    // Goods delivered must be paid: the accepted order is shipped, received and paid.
    expect((await app.request('POST', `/orders/${accepted}/ship`, { token: vendor.vendorToken })).status).toBe(200);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect((await app.request('POST', `/orders/${accepted}/receive`, { token: buyer, body: { bastNumber: 'BAST/002/DINKES', bastDate: today } })).status).toBe(
      200,
    );
    await pollUntil(app, buyer, `/orders/${accepted}`, (order) => order.status === 'paid');

    const head = await app.store.headPosition();
    const listings = await app.request('GET', `/admin/listings?vendorId=${vendor.vendorId}&waitForPosition=${head}`, { token: admin });
    expect(listings.body.items).toEqual([expect.objectContaining({ status: 'active', vendorStatus: 'suspended' })]);
  });
});
