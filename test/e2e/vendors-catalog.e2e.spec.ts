import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { EVERYWHERE, FieldKind, RefusalCheck, valuesFor, wholeBodies } from '../support/hostile-input.js';
import { HttpResponse, RequestOptions, TestApp } from '../support/test-app.js';

const JUTA = 1_000_000;
const MILIAR = 1_000 * JUTA;
const PROBLEM = 'application/problem+json';

interface Registration {
  nib: string;
  npwp: string;
  name: string;
  legalForm: string;
  capitalRupiah?: number;
  annualSalesRupiah?: number;
  kabupatenKotaCode: string;
  contact: { email: string; phone: string };
}

let nibCounter = 0;
/** A NIB no other test in this file uses (each file runs its own service and store). */
const freshNib = (): string => String(9_120_000_000_000 + (nibCounter += 1));

const registration = (overrides: Partial<Registration> = {}): Registration => ({
  nib: freshNib(),
  npwp: '012345678901234',
  name: 'CV Sari Rasa',
  legalForm: 'cv',
  capitalRupiah: 750 * JUTA,
  kabupatenKotaCode: '3673',
  contact: { email: 'sari@rasa.id', phone: '+62 254 123456' },
  ...overrides,
});

const listingBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Nasi kotak rapat (ayam bakar, sayur, buah)',
  category: 'makan-minum',
  unit: 'kotak',
  priceRupiah: 35_000,
  isDomesticProduct: true,
  ...overrides,
});

function expectProblem(response: HttpResponse, status: number, code?: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code: code ?? response.body?.code });
  expect(response.headers.get('content-type')).toContain(PROBLEM);
  expect(response.body.status).toBe(status);
}

describe('vendors and the catalog over HTTP (e2e)', () => {
  let app: TestApp;
  let admin: string;

  /** A vendor key issued for a fresh vendor id, as `npm run cli -- keys issue --role vendor --vendor-id <uuid>` does. */
  const newVendorKey = (): { vendorId: string; token: string } => {
    const vendorId = randomUUID();
    return { vendorId, token: app.issueKey('vendor', { vendorId }) };
  };

  const call = (method: string, path: string, options: RequestOptions = {}) => app.request(method, path, options);

  /** Runs a request that must be refused, and proves it wrote nothing. */
  async function refused(method: string, path: string, options: RequestOptions, status: number, code: string): Promise<HttpResponse> {
    const before = await app.eventCount();
    const response = await call(method, path, options);
    expectProblem(response, status, code);
    expect(await app.eventCount()).toBe(before);
    return response;
  }

  async function registeredVendor(overrides: Partial<Registration> = {}): Promise<{ vendorId: string; token: string; nib: string }> {
    const key = newVendorKey();
    const body = registration(overrides);
    const response = await call('POST', '/vendors', { token: key.token, body });
    expect(response.status).toBe(201);
    return { ...key, nib: body.nib };
  }

  async function verifiedVendor(overrides: Partial<Registration> = {}): Promise<{ vendorId: string; token: string; nib: string }> {
    const vendor = await registeredVendor(overrides);
    expect((await call('POST', `/vendors/${vendor.vendorId}/verify`, { token: admin })).status).toBe(200);
    return vendor;
  }

  async function listing(token: string, vendorId: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const response = await call('POST', `/vendors/${vendorId}/listings`, { token, body: listingBody(overrides) });
    expect(response.status).toBe(201);
    return response.body.listingId;
  }

  const streamEvents = async (streamId: string): Promise<RecordedEvent[]> => app.store.readStream(streamId);

  /** Reads a stream until `done` holds (bounded: what a process manager writes arrives within the deadline). */
  async function untilStream(streamId: string, done: (events: RecordedEvent[]) => boolean, deadlineMs = 30_000): Promise<RecordedEvent[]> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const events = await streamEvents(streamId);
      if (done(events)) return events;
      if (Date.now() > deadline)
        throw new Error(`${streamId} did not reach the expected state within ${deadlineMs} ms: ${events.map((event) => event.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
  });
  afterAll(async () => {
    await app.close();
  });

  it('a vendor registers, an admin verifies it, it lists a product and reprices it twice: the public sees every price, when and by whom', async () => {
    const { vendorId, token } = newVendorKey();
    const body = registration({ name: 'Warung Bu Siti — nasi uduk 🍛', npwp: '3673012345670001' });

    const registered = await call('POST', '/vendors', { token, body });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ vendorId, streamId: `vendor-${vendorId}`, revision: '0', replayed: false, events: [{ type: 'VendorRegistered' }] });
    expect(registered.headers.get('location')).toBe(`/vendors/${vendorId}`);
    expect(registered.headers.get('etag')).toBe('"0"');

    const pending = await call('GET', `/vendors/${vendorId}`, { token });
    expect(pending.body).toMatchObject({ vendorId, status: 'pending', scale: 'mikro', isLocal: true, kabupatenKotaName: 'Kota Serang', name: body.name });

    const verified = await call('POST', `/vendors/${vendorId}/verify`, { token: admin, headers: { 'if-match': pending.headers.get('etag')! } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ revision: '1', events: [{ type: 'VendorVerified' }] });

    const created = await call('POST', `/vendors/${vendorId}/listings`, { token, body: listingBody() });
    expect(created.status).toBe(201);
    const { listingId } = created.body;
    expect(created.headers.get('location')).toBe(`/listings/${listingId}`);
    expect(created.body).toMatchObject({ streamId: `listing-${listingId}`, revision: '0', events: [{ type: 'ListingCreated' }] });

    for (const priceRupiah of [37_500, 36_000]) {
      const repriced = await call('POST', `/listings/${listingId}/price`, { token, body: { priceRupiah } });
      expect(repriced.status).toBe(200);
      expect(repriced.body.events).toEqual([expect.objectContaining({ type: 'ListingPriceChanged' })]);
    }

    const shown = await call('GET', `/listings/${listingId}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('etag')).toBe('"2"');
    expect(shown.body).toMatchObject({ listingId, vendorId, status: 'active', category: 'makan-minum', priceRupiah: 36_000, revision: '2' });
    const stored = await streamEvents(`listing-${listingId}`);
    const vendorActor = stored[0]!.metadata.actor;
    expect(vendorActor).toMatchObject({ role: 'vendor', vendorId });
    expect(shown.body.priceHistory).toEqual(
      stored.map((event, index) => ({
        priceRupiah: [35_000, 37_500, 36_000][index],
        occurredAt: event.metadata.occurredAt,
        actor: { id: vendorActor.id, role: 'vendor' },
        revision: String(index),
      })),
    );
    const times = shown.body.priceHistory.map((entry: { occurredAt: string }) => Date.parse(entry.occurredAt));
    expect(times.every((time: number) => Number.isFinite(time))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(stored.map((event) => event.data)).toEqual([
      expect.objectContaining({ priceRupiah: 35_000 }),
      { listingId, previousPriceRupiah: 35_000, priceRupiah: 37_500 },
      { listingId, previousPriceRupiah: 37_500, priceRupiah: 36_000 },
    ]);
  });

  it('shows the NPWP whole only to the vendor itself, admins and auditors; the public and other vendors see it masked', async () => {
    const { vendorId, token } = await registeredVendor({ npwp: '3673012345670001' });
    const other = newVendorKey();
    const views = {
      public: await call('GET', `/vendors/${vendorId}`),
      otherVendor: await call('GET', `/vendors/${vendorId}`, { token: other.token }),
      itself: await call('GET', `/vendors/${vendorId}`, { token }),
      admin: await call('GET', `/vendors/${vendorId}`, { token: admin }),
      auditor: await call('GET', `/vendors/${vendorId}`, { token: app.issueKey('auditor') }),
    };
    expect(Object.fromEntries(Object.entries(views).map(([who, view]) => [who, [view.status, view.body.npwp]]))).toEqual({
      public: [200, '************0001'],
      otherVendor: [200, '************0001'],
      itself: [200, '3673012345670001'],
      admin: [200, '3673012345670001'],
      auditor: [200, '3673012345670001'],
    });
    expect(JSON.stringify(views.public.body)).not.toContain('3673012345670001');
  });

  it('refuses a second registration of a NIB by another vendor with 409 NIB_ALREADY_REGISTERED', async () => {
    const first = await registeredVendor();
    const second = newVendorKey();
    const response = await refused(
      'POST',
      '/vendors',
      { token: second.token, body: registration({ nib: first.nib, name: 'CV Lain' }) },
      409,
      'NIB_ALREADY_REGISTERED',
    );
    expect(response.body.nib).toBe(first.nib);
    expect((await call('GET', `/vendors/${second.vendorId}`)).status).toBe(404);
  });

  it('lets exactly one of two racing registrations of one NIB win: one 201, one 409, one NibReserved', async () => {
    const nib = freshNib();
    const [a, b] = [newVendorKey(), newVendorKey()];
    const before = await app.eventCount();
    const responses = await Promise.all([
      call('POST', '/vendors', { token: a.token, body: registration({ nib, name: 'CV Cepat' }) }),
      call('POST', '/vendors', { token: b.token, body: registration({ nib, name: 'CV Kilat' }) }),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    const loser = responses.find((response) => response.status === 409)!;
    expectProblem(loser, 409, 'NIB_ALREADY_REGISTERED');
    const winner = responses.find((response) => response.status === 201)!;

    const nibStream = await streamEvents(`nib-${nib}`);
    expect(nibStream.map((event) => [event.type, (event.data as { vendorId: string }).vendorId])).toEqual([['NibReserved', winner.body.vendorId]]);
    const all = await app.store.readAll({ maxCount: 10_000 });
    expect(all.filter((event) => event.type === 'NibReserved' && (event.data as { nib: string }).nib === nib)).toHaveLength(1);
    expect(await app.eventCount()).toBe(before + 2);
  });

  it.each([
    ['capital', { capitalRupiah: 5 * MILIAR + 1 }, 'menengah'],
    ['capital', { capitalRupiah: 10 * MILIAR + 1 }, 'besar'],
    ['annual sales', { capitalRupiah: undefined, annualSalesRupiah: 15 * MILIAR + 1 }, 'menengah'],
    ['annual sales', { capitalRupiah: undefined, annualSalesRupiah: 50 * MILIAR + 1 }, 'besar'],
  ])('refuses a business ineligible by %s with 422, the rule, the figures and the policy revision, and claims no NIB', async (_by, figures, scale) => {
    const { token } = newVendorKey();
    const body = registration(figures);
    const response = await refused('POST', '/vendors', { token, body }, 422, 'VENDOR_SCALE_INELIGIBLE');
    expect(response.body).toMatchObject({
      rule: 'PP 7/2021 Pasal 35',
      scale,
      capitalRupiah: body.capitalRupiah ?? null,
      annualSalesRupiah: body.annualSalesRupiah ?? null,
      eligibleScales: ['mikro', 'kecil', 'koperasi'],
      policyRevision: 0,
    });
    expect(response.body.detail).toContain('e-Katalog Lokal');
    // The NIB was not claimed: another (eligible) vendor can take it.
    const eligible = newVendorKey();
    expect((await call('POST', '/vendors', { token: eligible.token, body: { ...body, ...{ capitalRupiah: 1 * MILIAR } } })).status).toBe(201);
  });

  it('refuses malformed NIB, NPWP and unknown kabupaten/kota codes, and accepts 15- and 16-digit NPWPs', async () => {
    const { token } = newVendorKey();
    for (const [field, value, code] of [
      ['nib', '912030123456', 'VALIDATION_FAILED'],
      ['nib', '91203012345678', 'VALIDATION_FAILED'],
      ['npwp', '01234567890123', 'VALIDATION_FAILED'],
      ['npwp', '01.234.567.8-901.234', 'VALIDATION_FAILED'],
      ['kabupatenKotaCode', '3699', 'UNKNOWN_KABUPATEN_KOTA'],
      ['kabupatenKotaCode', '3170', 'UNKNOWN_KABUPATEN_KOTA'],
      ['kabupatenKotaCode', '9999', 'UNKNOWN_KABUPATEN_KOTA'],
    ] as const) {
      const response = await refused('POST', '/vendors', { token, body: { ...registration(), [field]: value } }, 400, code);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    for (const npwp of ['012345678901234', '0012345678901234']) {
      const vendor = newVendorKey();
      const response = await call('POST', '/vendors', { token: vendor.token, body: registration({ npwp, kabupatenKotaCode: '3273' }) });
      expect(response.status).toBe(201);
      expect((await call('GET', `/vendors/${vendor.vendorId}`, { token: vendor.token })).body).toMatchObject({ npwp, isLocal: false, kabupatenKotaName: null });
    }
  });

  it('answers a vendor that registers itself again: 409 VENDOR_EXISTS, and no NIB is claimed for it', async () => {
    const vendor = await registeredVendor();
    await refused('POST', '/vendors', { token: vendor.token, body: registration({ nib: vendor.nib }) }, 409, 'VENDOR_EXISTS');
    const otherNib = freshNib();
    await refused('POST', '/vendors', { token: vendor.token, body: registration({ nib: otherNib }) }, 409, 'VENDOR_EXISTS');
    await expect(streamEvents(`nib-${otherNib}`)).rejects.toThrow(/not found/);
    // The NIB it tried is still free for its real owner.
    expect((await call('POST', '/vendors', { token: newVendorKey().token, body: registration({ nib: otherNib }) })).status).toBe(201);
  });

  it('refuses an Idempotency-Key reused for a registration with another NIB, and claims nothing', async () => {
    const headers = { 'idempotency-key': `reg-${randomUUID()}` };
    const first = await call('POST', '/vendors', { token: admin, body: registration(), headers });
    expect(first.status).toBe(201);
    const otherNib = freshNib();
    await refused('POST', '/vendors', { token: admin, body: registration({ nib: otherNib }), headers }, 409, 'IDEMPOTENCY_KEY_REUSED');
    await expect(streamEvents(`nib-${otherNib}`)).rejects.toThrow(/not found/);
  });

  it("frees a rejected vendor's NIB (even when the rejection carried If-Match) so that a new vendor can register it", async () => {
    const rejectedVendor = await registeredVendor();
    const read = await call('GET', `/vendors/${rejectedVendor.vendorId}`, { token: admin });
    const rejection = await call('POST', `/vendors/${rejectedVendor.vendorId}/reject`, {
      token: admin,
      body: { reason: 'NIB tidak sesuai data OSS' },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect(rejection.status).toBe(200);
    expect(rejection.body.events).toEqual([expect.objectContaining({ type: 'VendorRejected' })]);

    const rejectedView = await call('GET', `/vendors/${rejectedVendor.vendorId}`);
    expect(rejectedView.body).toMatchObject({ status: 'rejected', reason: 'NIB tidak sesuai data OSS' });
    // The nib-release process manager frees the NIB right after the rejection (a checkpointed subscription).
    await untilStream(`nib-${rejectedVendor.nib}`, (events) => events.some((event) => event.type === 'NibReleased'));

    const newcomer = newVendorKey();
    const again = await call('POST', '/vendors', { token: newcomer.token, body: registration({ nib: rejectedVendor.nib, name: 'CV Pemilik Asli' }) });
    expect(again.status).toBe(201);
    const nibStream = await streamEvents(`nib-${rejectedVendor.nib}`);
    expect(nibStream.map((event) => [event.type, (event.data as { vendorId: string }).vendorId])).toEqual([
      ['NibReserved', rejectedVendor.vendorId],
      ['NibReleased', rejectedVendor.vendorId],
      ['NibReserved', newcomer.vendorId],
    ]);
    expect(nibStream[1]!.data).toMatchObject({ reason: 'NIB tidak sesuai data OSS' });
    expect(nibStream[1]!.metadata.causationId).toBe(rejection.body.events[0].id);

    // The rejected vendor is done: it cannot take its NIB back, be verified, or list.
    await refused('POST', '/vendors', { token: newVendorKey().token, body: registration({ nib: rejectedVendor.nib }) }, 409, 'NIB_ALREADY_REGISTERED');
    await refused('POST', `/vendors/${rejectedVendor.vendorId}/verify`, { token: admin }, 422, 'VENDOR_INVALID_TRANSITION');
    await refused('POST', `/vendors/${rejectedVendor.vendorId}/listings`, { token: rejectedVendor.token, body: listingBody() }, 422, 'VENDOR_NOT_SELLING');
  });

  it('shows admins a NIB claimed by a registration that never completed, and lets them release it; a registered holder keeps its NIB', async () => {
    // What a crash between the claim (NibReserved) and VendorRegistered leaves behind.
    const nib = freshNib();
    const ghost = randomUUID();
    const planted = await app.store.appendToStream(
      `nib-${nib}`,
      [
        {
          id: randomUUID(),
          type: 'NibReserved',
          data: { nib, vendorId: ghost },
          metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'key:admin', role: 'admin' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    expect(planted.nextExpectedRevision).toBe(0n);
    const rightful = newVendorKey();
    await refused('POST', '/vendors', { token: rightful.token, body: registration({ nib }) }, 409, 'NIB_ALREADY_REGISTERED');

    const claim = await call('GET', `/nibs/${nib}`, { token: admin });
    expect(claim.status).toBe(200);
    expect(claim.body).toMatchObject({ nib, status: 'reserved', vendorId: ghost, vendorStatus: 'absent', orphaned: true, revision: '0' });
    expect((await call('GET', `/nibs/${nib}`, { token: app.issueKey('auditor') })).body.orphaned).toBe(true);
    await refused('GET', `/nibs/${nib}`, { token: rightful.token }, 403, 'ROLE_NOT_ALLOWED');
    await refused('GET', `/nibs/${nib}`, {}, 401, 'UNAUTHENTICATED');
    await refused('POST', `/nibs/${nib}/release`, { token: rightful.token, body: { reason: 'milik saya' } }, 403, 'ROLE_NOT_ALLOWED');

    const released = await call('POST', `/nibs/${nib}/release`, {
      token: admin,
      body: { reason: 'pendaftaran terputus' },
      headers: { 'if-match': claim.headers.get('etag')! },
    });
    expect(released.status).toBe(200);
    expect(released.body.events).toEqual([expect.objectContaining({ type: 'NibReleased' })]);
    expect((await call('POST', '/vendors', { token: rightful.token, body: registration({ nib }) })).status).toBe(201);
    expect((await call('GET', `/nibs/${nib}`, { token: admin })).body).toMatchObject({
      status: 'reserved',
      vendorId: rightful.vendorId,
      vendorStatus: 'pending',
      orphaned: false,
    });

    const held = await refused('POST', `/nibs/${nib}/release`, { token: admin, body: { reason: 'coba' } }, 422, 'NIB_HELD_BY_VENDOR');
    expect(held.body).toMatchObject({ nib, vendorId: rightful.vendorId, vendorStatus: 'pending' });
    await refused('GET', '/nibs/123', { token: admin }, 400, 'INVALID_ID');
    await refused('GET', `/nibs/${freshNib()}`, { token: admin }, 404, 'NIB_NOT_FOUND');
    await refused('POST', `/nibs/${freshNib()}/release`, { token: admin, body: { reason: 'x' } }, 404, 'NIB_NOT_FOUND');
  });

  it('walks the lifecycle and refuses each invalid transition with 422 and nothing written', async () => {
    const { vendorId } = await registeredVendor();
    await refused('POST', `/vendors/${vendorId}/suspend`, { token: admin, body: { reason: 'uji' } }, 422, 'VENDOR_INVALID_TRANSITION');
    await refused('POST', `/vendors/${vendorId}/reinstate`, { token: admin }, 422, 'VENDOR_INVALID_TRANSITION');
    expect((await call('POST', `/vendors/${vendorId}/verify`, { token: admin })).status).toBe(200);
    await refused('POST', `/vendors/${vendorId}/verify`, { token: admin }, 422, 'VENDOR_INVALID_TRANSITION');
    await refused('POST', `/vendors/${vendorId}/reinstate`, { token: admin }, 422, 'VENDOR_INVALID_TRANSITION');
    await refused('POST', `/vendors/${vendorId}/reject`, { token: admin, body: { reason: 'terlambat' } }, 422, 'VENDOR_INVALID_TRANSITION');
    const suspended = await call('POST', `/vendors/${vendorId}/suspend`, { token: admin, body: { reason: 'keluhan pembeli' } });
    expect(suspended.status).toBe(200);
    await refused('POST', `/vendors/${vendorId}/suspend`, { token: admin, body: { reason: 'lagi' } }, 422, 'VENDOR_INVALID_TRANSITION');
    await refused('POST', `/vendors/${vendorId}/verify`, { token: admin }, 422, 'VENDOR_INVALID_TRANSITION');
    expect((await call('POST', `/vendors/${vendorId}/reinstate`, { token: admin })).status).toBe(200);
    expect((await call('GET', `/vendors/${vendorId}`)).body).toMatchObject({ status: 'verified' });
    expect((await streamEvents(`vendor-${vendorId}`)).map((event) => event.type)).toEqual([
      'VendorRegistered',
      'VendorVerified',
      'VendorSuspended',
      'VendorReinstated',
    ]);
    await refused('POST', `/vendors/${randomUUID()}/verify`, { token: admin }, 404, 'VENDOR_NOT_FOUND');
    await refused('POST', `/vendors/${vendorId}/verify`, { token: newVendorKey().token }, 403, 'ROLE_NOT_ALLOWED');
  });

  it('refuses a body on the commands that take none (verify, reinstate) instead of ignoring it; none or {} goes through', async () => {
    const { vendorId } = await registeredVendor();
    for (const rawBody of ['null', '[]', '{"isAdmin":true}', '"verify"', '{"status":"verified"}']) {
      await refused('POST', `/vendors/${vendorId}/verify`, { token: admin, rawBody }, 400, 'VALIDATION_FAILED');
    }
    expect((await call('POST', `/vendors/${vendorId}/verify`, { token: admin, body: {} })).status).toBe(200);
    expect((await call('POST', `/vendors/${vendorId}/suspend`, { token: admin, body: { reason: 'uji' } })).status).toBe(200);
    await refused('POST', `/vendors/${vendorId}/reinstate`, { token: admin, rawBody: '[{}]' }, 400, 'VALIDATION_FAILED');
    expect((await call('POST', `/vendors/${vendorId}/reinstate`, { token: admin })).status).toBe(200);
  });

  it('lets the vendor itself and an admin update the profile; nobody else, and a no-op writes nothing', async () => {
    const { vendorId, token } = await registeredVendor();
    const moved = await call('PATCH', `/vendors/${vendorId}`, { token, body: { name: 'CV Sari Rasa Banten', kabupatenKotaCode: '3273' } });
    expect(moved.status).toBe(200);
    expect(moved.body.events).toEqual([expect.objectContaining({ type: 'VendorProfileUpdated' })]);
    expect((await call('GET', `/vendors/${vendorId}`)).body).toMatchObject({ name: 'CV Sari Rasa Banten', kabupatenKotaCode: '3273', isLocal: false });
    const byAdmin = await call('PATCH', `/vendors/${vendorId}`, { token: admin, body: { contact: { email: 'baru@rasa.id', phone: '0254 123456' } } });
    expect(byAdmin.status).toBe(200);

    const before = await app.eventCount();
    const noop = await call('PATCH', `/vendors/${vendorId}`, { token, body: { name: 'CV Sari Rasa Banten' } });
    expect(noop.status).toBe(200);
    expect(noop.body.events).toEqual([]);
    expect(await app.eventCount()).toBe(before);

    await refused('PATCH', `/vendors/${vendorId}`, { token: newVendorKey().token, body: { name: 'Bukan Saya' } }, 403, 'OUT_OF_SCOPE');
    await refused('PATCH', `/vendors/${vendorId}`, { token, body: { kabupatenKotaCode: '3699' } }, 400, 'UNKNOWN_KABUPATEN_KOTA');
    await refused('PATCH', `/vendors/${vendorId}`, { token, body: { name: null } }, 400, 'VALIDATION_FAILED');
    await refused('PATCH', `/vendors/${vendorId}`, { token, body: { contact: [] } }, 400, 'VALIDATION_FAILED');
  });

  it('refuses listings by a pending, a suspended or an unregistered vendor with 422 VENDOR_NOT_SELLING; a reinstated vendor lists again', async () => {
    const pending = await registeredVendor();
    const response = await refused('POST', `/vendors/${pending.vendorId}/listings`, { token: pending.token, body: listingBody() }, 422, 'VENDOR_NOT_SELLING');
    expect(response.body).toMatchObject({ vendorId: pending.vendorId, vendorStatus: 'pending' });

    const unregistered = newVendorKey();
    await refused('POST', `/vendors/${unregistered.vendorId}/listings`, { token: unregistered.token, body: listingBody() }, 422, 'VENDOR_NOT_SELLING');

    const seller = await verifiedVendor();
    const listingId = await listing(seller.token, seller.vendorId);
    expect((await call('POST', `/vendors/${seller.vendorId}/suspend`, { token: admin, body: { reason: 'keluhan pembeli' } })).status).toBe(200);
    const whileSuspended = await refused(
      'POST',
      `/vendors/${seller.vendorId}/listings`,
      { token: seller.token, body: listingBody() },
      422,
      'VENDOR_NOT_SELLING',
    );
    expect(whileSuspended.body.vendorStatus).toBe('suspended');
    await refused('POST', `/listings/${listingId}/price`, { token: seller.token, body: { priceRupiah: 40_000 } }, 422, 'VENDOR_NOT_SELLING');

    expect((await call('POST', `/vendors/${seller.vendorId}/reinstate`, { token: admin })).status).toBe(200);
    await listing(seller.token, seller.vendorId, { title: 'Snack box rapat', priceRupiah: 15_000 });
    expect((await call('POST', `/listings/${listingId}/price`, { token: seller.token, body: { priceRupiah: 40_000 } })).status).toBe(200);
  });

  it("keeps a vendor out of another vendor's catalog: 403 on listing for, repricing or delisting another vendor", async () => {
    const a = await verifiedVendor();
    const b = await verifiedVendor();
    const bListing = await listing(b.token, b.vendorId);
    await refused('POST', `/vendors/${b.vendorId}/listings`, { token: a.token, body: listingBody() }, 403, 'OUT_OF_SCOPE');
    await refused('POST', `/listings/${bListing}/price`, { token: a.token, body: { priceRupiah: 1 } }, 403, 'NOT_LISTING_OWNER');
    await refused('POST', `/listings/${bListing}/delist`, { token: a.token, body: { reason: 'iseng' } }, 403, 'NOT_LISTING_OWNER');
    await refused('POST', `/listings/${bListing}/price`, { token: admin, body: { priceRupiah: 1 } }, 403, 'ROLE_NOT_ALLOWED');
    await refused('POST', `/listings/${bListing}/price`, { body: { priceRupiah: 1 } }, 401, 'UNAUTHENTICATED');
    await refused('POST', `/listings/${randomUUID()}/price`, { token: a.token, body: { priceRupiah: 1 } }, 404, 'LISTING_NOT_FOUND');
    expect((await call('GET', `/listings/${bListing}`)).body.priceRupiah).toBe(35_000);
  });

  it('refuses unknown categories and bad prices, writes nothing for a same-price reprice, and ends sales on delisting', async () => {
    const seller = await verifiedVendor();
    await refused(
      'POST',
      `/vendors/${seller.vendorId}/listings`,
      { token: seller.token, body: listingBody({ category: 'senjata' }) },
      400,
      'VALIDATION_FAILED',
    );
    for (const priceRupiah of [0, -1, 1.5, 2 ** 53, '35000', null]) {
      await refused('POST', `/vendors/${seller.vendorId}/listings`, { token: seller.token, body: listingBody({ priceRupiah }) }, 400, 'INVALID_PRICE');
    }
    const listingId = await listing(seller.token, seller.vendorId);
    const before = await app.eventCount();
    const same = await call('POST', `/listings/${listingId}/price`, { token: seller.token, body: { priceRupiah: 35_000 } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ events: [], revision: '0' });
    expect(await app.eventCount()).toBe(before);

    const delisted = await call('POST', `/listings/${listingId}/delist`, { token: seller.token, body: { reason: 'tidak diproduksi lagi' } });
    expect(delisted.status).toBe(200);
    expect((await call('GET', `/listings/${listingId}`)).body).toMatchObject({ status: 'delisted', delistedReason: 'tidak diproduksi lagi' });
    await refused('POST', `/listings/${listingId}/price`, { token: seller.token, body: { priceRupiah: 30_000 } }, 422, 'LISTING_DELISTED');
    await refused('POST', `/listings/${listingId}/delist`, { token: seller.token, body: { reason: 'lagi' } }, 422, 'LISTING_DELISTED');
  });

  it('refuses a change based on a stale ETag with 412 and writes nothing; the fresh ETag goes through', async () => {
    const seller = await verifiedVendor();
    const listingId = await listing(seller.token, seller.vendorId);
    const read = await call('GET', `/listings/${listingId}`);
    const staleEtag = read.headers.get('etag')!;
    expect(staleEtag).toBe('"0"');
    const changed = await call('POST', `/listings/${listingId}/price`, {
      token: seller.token,
      body: { priceRupiah: 36_000 },
      headers: { 'if-match': staleEtag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"1"');

    const stale = await refused(
      'POST',
      `/listings/${listingId}/price`,
      { token: seller.token, body: { priceRupiah: 37_000 }, headers: { 'if-match': staleEtag } },
      412,
      'REVISION_MISMATCH',
    );
    expect(stale.body).toMatchObject({ ifMatch: '0', currentRevision: '1' });
    await refused(
      'POST',
      `/vendors/${seller.vendorId}/suspend`,
      { token: admin, body: { reason: 'uji' }, headers: { 'if-match': '"0"' } },
      412,
      'REVISION_MISMATCH',
    );
    await refused(
      'POST',
      `/listings/${listingId}/price`,
      { token: seller.token, body: { priceRupiah: 37_000 }, headers: { 'if-match': 'nonsense' } },
      400,
      'INVALID_HEADER',
    );

    const fresh = await call('POST', `/listings/${listingId}/price`, {
      token: seller.token,
      body: { priceRupiah: 37_000 },
      headers: { 'if-match': changed.headers.get('etag')! },
    });
    expect(fresh.status).toBe(200);
    expect((await call('GET', `/listings/${listingId}`)).body.priceRupiah).toBe(37_000);
  });

  it('answers an Idempotency-Key retry of a listing creation with the same listingId, replayed=true, and writes nothing', async () => {
    const seller = await verifiedVendor();
    const headers = { 'idempotency-key': `listing-${randomUUID()}` };
    const first = await call('POST', `/vendors/${seller.vendorId}/listings`, { token: seller.token, body: listingBody(), headers });
    expect(first.status).toBe(201);
    expect(first.body.replayed).toBe(false);
    const before = await app.eventCount();
    const retry = await call('POST', `/vendors/${seller.vendorId}/listings`, { token: seller.token, body: listingBody(), headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ listingId: first.body.listingId, replayed: true, revision: '0', position: first.body.position });
    expect(retry.body.events).toEqual(first.body.events);
    expect(await app.eventCount()).toBe(before);
    await refused(
      'POST',
      `/vendors/${seller.vendorId}/listings`,
      { token: seller.token, body: listingBody({ priceRupiah: 1 }), headers },
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );

    // The same key from another vendor is another request: its own listing.
    const other = await verifiedVendor();
    const theirs = await call('POST', `/vendors/${other.vendorId}/listings`, { token: other.token, body: listingBody(), headers });
    expect(theirs.status).toBe(201);
    expect(theirs.body.listingId).not.toBe(first.body.listingId);
  });

  it('lets an admin set a future policy and refuses one in the past; GET /policy shows every version', async () => {
    const values = {
      maxOrderTotalRupiah: 50_000_000,
      kkpPerPayeeCapRupiah: 50_000_000,
      domesticUmkAllowanceEnabled: true,
      domesticUmkKkpCapRupiah: 200_000_000,
      eligibleScales: ['mikro', 'kecil', 'koperasi'],
      authorisationTtlDays: 30,
      splitWindowDays: 30,
    };
    const set = await call('POST', '/policy', { token: admin, body: { ...values, effectiveFrom: '2099-01-01T00:00:00+07:00' } });
    expect(set.status).toBe(201);
    expect(set.body.events).toEqual([expect.objectContaining({ type: 'PolicySet' })]);
    const past = await refused('POST', '/policy', { token: admin, body: { ...values, effectiveFrom: '2020-01-01T00:00:00Z' } }, 422, 'POLICY_IN_THE_PAST');
    expect(past.body.effectiveFrom).toBe('2020-01-01T00:00:00.000Z');
    await refused('POST', '/policy', { token: admin, body: { ...values, effectiveFrom: '2099-02-30T00:00:00Z' } }, 400, 'VALIDATION_FAILED');
    await refused('POST', '/policy', { token: newVendorKey().token, body: { ...values, effectiveFrom: '2099-01-01T00:00:00Z' } }, 403, 'ROLE_NOT_ALLOWED');

    const policy = await call('GET', '/policy');
    expect(policy.status).toBe(200);
    expect(policy.body.current.revision).toBe(0);
    expect(policy.body.versions.map((version: { revision: number; effectiveFrom: string }) => [version.revision, version.effectiveFrom])).toEqual([
      [0, '1970-01-01T00:00:00.000Z'],
      [1, '2098-12-31T17:00:00.000Z'],
    ]);
  });

  describe('no 500 for hostile input', () => {
    interface Target {
      readonly name: string;
      readonly method: string;
      readonly path: string;
      readonly token: string;
      readonly base: Record<string, unknown>;
      readonly fields: Record<string, FieldKind>;
    }
    let targets: Target[];

    beforeAll(async () => {
      const seller = await verifiedVendor();
      const pending = await registeredVendor();
      const listingId = await listing(seller.token, seller.vendorId);
      const registrationBody = registration({ capitalRupiah: 500 * JUTA, annualSalesRupiah: 900 * JUTA }) as unknown as Record<string, unknown>;
      targets = [
        {
          name: 'register',
          method: 'POST',
          path: '/vendors',
          token: admin,
          base: registrationBody,
          fields: {
            nib: 'code',
            npwp: 'code',
            name: 'text',
            legalForm: 'code',
            capitalRupiah: 'number',
            annualSalesRupiah: 'number',
            kabupatenKotaCode: 'code',
            contact: 'contact',
          },
        },
        {
          name: 'update profile',
          method: 'PATCH',
          path: `/vendors/${seller.vendorId}`,
          token: seller.token,
          base: { name: 'CV Baru' },
          fields: { name: 'text', contact: 'contact', kabupatenKotaCode: 'code' },
        },
        {
          name: 'reject',
          method: 'POST',
          path: `/vendors/${pending.vendorId}/reject`,
          token: admin,
          base: { reason: 'tidak lengkap' },
          fields: { reason: 'text' },
        },
        { name: 'suspend', method: 'POST', path: `/vendors/${seller.vendorId}/suspend`, token: admin, base: { reason: 'keluhan' }, fields: { reason: 'text' } },
        { name: 'verify (no body; already verified)', method: 'POST', path: `/vendors/${seller.vendorId}/verify`, token: admin, base: {}, fields: {} },
        { name: 'reinstate (no body; not suspended)', method: 'POST', path: `/vendors/${seller.vendorId}/reinstate`, token: admin, base: {}, fields: {} },
        {
          name: 'create listing',
          method: 'POST',
          path: `/vendors/${seller.vendorId}/listings`,
          token: seller.token,
          base: listingBody(),
          fields: { title: 'text', category: 'code', unit: 'text', priceRupiah: 'positive', isDomesticProduct: 'boolean' },
        },
        {
          name: 'reprice',
          method: 'POST',
          path: `/listings/${listingId}/price`,
          token: seller.token,
          base: { priceRupiah: 40_000 },
          fields: { priceRupiah: 'positive' },
        },
        { name: 'delist', method: 'POST', path: `/listings/${listingId}/delist`, token: seller.token, base: { reason: 'habis' }, fields: { reason: 'text' } },
        {
          name: 'release nib (held by a verified vendor)',
          method: 'POST',
          path: `/nibs/${seller.nib}/release`,
          token: admin,
          base: { reason: 'uji' },
          fields: { reason: 'text' },
        },
        {
          name: 'set policy',
          method: 'POST',
          path: '/policy',
          token: admin,
          base: {
            effectiveFrom: '2099-06-01T00:00:00Z',
            maxOrderTotalRupiah: 50_000_000,
            kkpPerPayeeCapRupiah: 50_000_000,
            domesticUmkAllowanceEnabled: false,
            domesticUmkKkpCapRupiah: 200_000_000,
            eligibleScales: ['mikro', 'kecil', 'koperasi'],
            authorisationTtlDays: 30,
            splitWindowDays: 30,
          },
          fields: {
            effectiveFrom: 'code',
            maxOrderTotalRupiah: 'positive',
            kkpPerPayeeCapRupiah: 'positive',
            domesticUmkAllowanceEnabled: 'boolean',
            domesticUmkKkpCapRupiah: 'positive',
            eligibleScales: 'scales',
            authorisationTtlDays: 'positive',
            splitWindowDays: 'positive',
          },
        },
      ];
    });

    it('answers every hostile body to every vendor, catalog and policy write with a 4xx problem+json and writes nothing', async () => {
      const before = await app.eventCount();
      const refusals = new RefusalCheck();
      const check = (label: string, response: HttpResponse): void => refusals.check(label, response);
      for (const target of targets) {
        const label = (what: string): string => `${target.name} ${target.method} ${target.path} with ${what}`;
        for (const { label: what, rawBody } of wholeBodies(target.base)) {
          check(label(what), await call(target.method, target.path, { token: target.token, rawBody }));
        }
        for (const [field, kind] of Object.entries(target.fields)) {
          for (const value of valuesFor(kind)) {
            const body = { ...target.base, [field]: value };
            check(label(`${field}=${JSON.stringify(value)?.slice(0, 40)}`), await call(target.method, target.path, { token: target.token, body }));
          }
          if (kind === 'contact') {
            for (const sub of ['email', 'phone']) {
              for (const value of EVERYWHERE) {
                const contact = { email: 'a@b.co', phone: '+62 254 123456', [sub]: value };
                check(
                  label(`contact.${sub}=${JSON.stringify(value)?.slice(0, 40)}`),
                  await call(target.method, target.path, { token: target.token, body: { ...target.base, contact } }),
                );
              }
            }
          }
        }
      }
      expect(refusals.failures).toEqual([]);
      expect(refusals.sent).toBeGreaterThan(500);
      expect(await app.eventCount()).toBe(before);
      const health = (await call('GET', '/health')).body;
      expect(health.subscriptions.filter((s: { state: string }) => s.state === 'failing')).toEqual([]);
      expect(health.status).toBe('ok');
    });

    it('refuses hostile path ids and headers with 4xx problem+json and writes nothing', async () => {
      const before = await app.eventCount();
      const seller = targets.find((target) => target.name === 'reprice')!;
      const responses = [
        await call('POST', '/vendors/..%2F..%2Fetc/verify', { token: admin }),
        await call('POST', `/vendors/${'a'.repeat(5_000)}/verify`, { token: admin }),
        await call('POST', '/vendors/00000000-0000-0000-0000-00000000000G/verify', { token: admin }),
        await call('POST', '/vendors/%E0%A4%A/verify', { token: admin }),
        await call('POST', '/listings/%00/price', { token: seller.token, body: { priceRupiah: 1 } }),
        await call('POST', '/nibs/%00/release', { token: admin, body: { reason: 'x' } }),
        await call('GET', `/nibs/${'9'.repeat(5_000)}`, { token: admin }),
        await call('GET', '/nibs/%EF%BC%99120301234567', { token: admin }),
        await call('POST', seller.path, { token: seller.token, body: seller.base, headers: { 'if-match': '"99999999999999999999"' } }),
        await call('POST', seller.path, { token: seller.token, body: seller.base, headers: { 'if-match': '"-2"' } }),
        await call('POST', seller.path, { token: seller.token, body: seller.base, headers: { 'idempotency-key': 'k'.repeat(129) } }),
        await call('POST', seller.path, { token: seller.token, body: seller.base, headers: { 'x-correlation-id': 'has space' } }),
        await call('POST', seller.path, { token: `${seller.token}x`, body: seller.base }),
        await call('POST', seller.path, { token: seller.token, rawBody: 'priceRupiah=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      ];
      for (const response of responses) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('content-type')).toContain(PROBLEM);
      }
      expect(await app.eventCount()).toBe(before);
    });
  });
});
