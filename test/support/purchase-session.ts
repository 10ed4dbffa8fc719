import { randomInt, randomUUID } from 'node:crypto';
import type { TestApp } from './test-app.js';

/** Helpers for e2e and fault sessions that buy over HTTP, as users would. */
export const OPD = '3673-DINKES';
export const OTHER_OPD = '3673-DISDIK';
const OPD_NAMES: Readonly<Record<string, string>> = { [OPD]: 'Dinas Kesehatan Kota Serang', [OTHER_OPD]: 'Dinas Pendidikan Kota Serang' };
export const POLL_INTERVAL_MS = 50;

export interface SellingVendor {
  readonly vendorId: string;
  readonly vendorToken: string;
  readonly listingIds: readonly string[];
}

function expectStatus(response: { status: number; body: unknown }, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
}

export function uniqueNib(): string {
  return `91${String(randomInt(0, 10 ** 11)).padStart(11, '0')}`;
}

/** Registers and verifies a koperasi, and lists products at the given prices. */
export async function sellingVendor(app: TestApp, adminToken: string, pricesRupiah: readonly number[]): Promise<SellingVendor> {
  const registered = await app.request('POST', '/vendors', {
    token: adminToken,
    body: {
      nib: uniqueNib(),
      npwp: '012345678901234',
      name: 'Koperasi Sari Rasa Serang',
      legalForm: 'koperasi',
      kabupatenKotaCode: '3673',
      contact: { email: 'sari@rasa.id', phone: '+62 254 123456' },
    },
  });
  expectStatus(registered, 201, 'register vendor');
  const vendorId: string = registered.body.vendorId;
  expectStatus(await app.request('POST', `/vendors/${vendorId}/verify`, { token: adminToken }), 200, 'verify vendor');
  const vendorToken = app.issueKey('vendor', { vendorId });
  const listingIds: string[] = [];
  for (const [index, priceRupiah] of pricesRupiah.entries()) {
    const listed = await app.request('POST', `/vendors/${vendorId}/listings`, {
      token: vendorToken,
      body: { title: `Nasi kotak paket ${index + 1}`, category: 'makan-minum', unit: 'kotak', priceRupiah, isDomesticProduct: true },
    });
    expectStatus(listed, 201, 'create listing');
    listingIds.push(listed.body.listingId);
  }
  return { vendorId, vendorToken, listingIds };
}

/**
 * Registers an OPD of Kota Serang (3673) as an admin does before any card, key or order names it.
 * Registered already (by this or another session on the same service) is fine.
 */
export async function registerOpd(app: TestApp, adminToken: string, opdCode = OPD, kabupatenKotaCode = '3673'): Promise<void> {
  const registered = await app.request('POST', '/opds', {
    token: adminToken,
    headers: { 'idempotency-key': `opd-${opdCode}` },
    body: { opdCode, name: OPD_NAMES[opdCode] ?? `OPD ${opdCode}`, kabupatenKotaCode },
  });
  if (registered.status === 409 && registered.body.code === 'OPD_EXISTS') return;
  expectStatus(registered, 201, `register OPD ${opdCode}`);
}

/** Registers the OPD (if need be), then issues a buyer key for it: the CLI refuses a key for an unregistered OPD. */
export async function buyerKey(app: TestApp, adminToken: string, opdCode = OPD): Promise<string> {
  await registerOpd(app, adminToken, opdCode);
  return app.issueKey('buyer', { opdCode });
}

export async function issueCard(app: TestApp, adminToken: string, limitRupiah: number, opdCode = OPD): Promise<string> {
  await registerOpd(app, adminToken, opdCode);
  const issued = await app.request('POST', '/cards', {
    token: adminToken,
    headers: { 'idempotency-key': randomUUID() },
    body: { opdCode, holderName: 'Siti Rahmawati', cardLast4: '4821', limitRupiah, expiresOn: '2099-12-31' },
  });
  expectStatus(issued, 201, 'issue card');
  return issued.body.cardId;
}

export function orderBody(vendor: SellingVendor, cardId: string, lines: readonly { listingIndex: number; quantity: number }[], shippingRupiah = 0) {
  return {
    officialName: 'Budi Santoso',
    vendorId: vendor.vendorId,
    cardId,
    lines: lines.map((line) => ({ listingId: vendor.listingIds[line.listingIndex]!, quantity: line.quantity })),
    shippingRupiah,
  };
}

/** Polls GET path until `done` holds or the deadline passes (bounded; never a timing assertion). */
export async function pollUntil<T = any>(app: TestApp, token: string, path: string, done: (body: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    const response = await app.request<T>('GET', path, { token });
    last = response.body;
    if (response.status === 200 && done(response.body)) return response.body;
    if (Date.now() > deadline) throw new Error(`${path} did not reach the expected state within ${deadlineMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
