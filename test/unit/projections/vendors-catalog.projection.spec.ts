import { catalogProjection } from '../../../projections/catalog/catalog.projection.js';
import { vendorsProjection } from '../../../projections/vendors/vendors.projection.js';
import { lookupOf, noLookup, projected } from '../../support/projected-events.js';

const vendorId = '11111111-1111-5111-8111-111111111111';
const listingId = '22222222-2222-5222-8222-222222222222';
const registered = {
  vendorId,
  nib: '9120301234567',
  npwp: '012345678901234',
  name: 'Koperasi Sari Rasa',
  legalForm: 'koperasi',
  scale: 'koperasi',
  capitalRupiah: null,
  annualSalesRupiah: null,
  kabupatenKotaCode: '3673',
  isLocal: true,
  contact: { email: 'sari@rasa.id', phone: '+62 254 123456' },
  policyRevision: 0,
};

describe('vendors projection (unit)', () => {
  it('given VendorRegistered, then a pending directory row with the full profile', () => {
    const changes = vendorsProjection.project(projected('VendorRegistered', registered, { at: '2025-01-06T01:00:00.000Z' }), noLookup);
    expect(changes).toEqual([
      {
        op: 'upsert',
        table: 'vendor_directory',
        key: { vendor_id: vendorId },
        values: expect.objectContaining({
          status: 'pending',
          name: 'Koperasi Sari Rasa',
          scale: 'koperasi',
          is_local: 1,
          npwp: '012345678901234',
          registered_at: '2025-01-06T01:00:00.000Z',
          verified_at: null,
        }),
      },
    ]);
  });

  it('given VendorVerified / Suspended / Reinstated, then the status (and reason) change', () => {
    expect(vendorsProjection.project(projected('VendorVerified', { vendorId }, { revision: 1, at: '2025-01-07T00:00:00.000Z' }), noLookup)).toEqual([
      {
        op: 'update',
        table: 'vendor_directory',
        key: { vendor_id: vendorId },
        set: { status: 'verified', status_reason: null, verified_at: '2025-01-07T00:00:00.000Z', updated_at: '2025-01-07T00:00:00.000Z', revision: 1 },
      },
    ]);
    const [suspended] = vendorsProjection.project(projected('VendorSuspended', { vendorId, reason: 'audit' }, { revision: 2 }), noLookup);
    expect(suspended).toMatchObject({ op: 'update', set: { status: 'suspended', status_reason: 'audit', revision: 2 } });
    const [reinstated] = vendorsProjection.project(projected('VendorReinstated', { vendorId }, { revision: 3 }), noLookup);
    expect(reinstated).toMatchObject({ op: 'update', set: { status: 'verified', status_reason: null } });
  });

  it('given VendorProfileUpdated, then name, contact and locality change', () => {
    const [change] = vendorsProjection.project(
      projected('VendorProfileUpdated', {
        vendorId,
        name: 'Koperasi Baru',
        contact: { email: 'a@b.id', phone: '1' },
        kabupatenKotaCode: '3171',
        isLocal: false,
      }),
      noLookup,
    );
    expect(change).toMatchObject({ op: 'update', set: { name: 'Koperasi Baru', email: 'a@b.id', kabupaten_kota_code: '3171', is_local: 0 } });
  });
});

describe('catalog projection (unit)', () => {
  const created = { listingId, vendorId, title: 'Nasi kotak', category: 'makan-minum', unit: 'kotak', priceRupiah: 35_000, isDomesticProduct: true };

  it('given a vendor, when a listing is created, then the listing (with the vendor name) and its first price', () => {
    const lookup = lookupOf({ catalog_vendor_names: [{ vendor_id: vendorId, name: 'Koperasi Sari Rasa', status: 'verified' }] });
    const changes = catalogProjection.project(projected('ListingCreated', created, { position: 7, at: '2025-01-20T00:00:00.000Z', actorId: 'key:v' }), lookup);
    expect(changes).toEqual([
      {
        op: 'insert',
        table: 'catalog_listings',
        values: expect.objectContaining({
          listing_id: listingId,
          vendor_name: 'Koperasi Sari Rasa',
          vendor_status: 'verified',
          price_rupiah: 35_000,
          status: 'active',
          price_change_count: 0,
        }),
      },
      {
        op: 'insert',
        table: 'catalog_price_history',
        values: {
          listing_id: listingId,
          position: 7,
          price_rupiah: 35_000,
          previous_price_rupiah: null,
          effective_at: '2025-01-20T00:00:00.000Z',
          changed_by: 'key:v',
          revision: 0,
        },
      },
    ]);
  });

  it('when repriced, then the current price moves and the history gains a row', () => {
    const changes = catalogProjection.project(
      projected('ListingPriceChanged', { listingId, previousPriceRupiah: 35_000, priceRupiah: 38_000 }, { position: 9, revision: 1 }),
      noLookup,
    );
    expect(changes[0]).toMatchObject({
      op: 'update',
      key: { listing_id: listingId },
      set: { price_rupiah: 38_000, revision: 1 },
      add: { price_change_count: 1 },
    });
    expect(changes[1]).toMatchObject({
      op: 'insert',
      table: 'catalog_price_history',
      values: { position: 9, price_rupiah: 38_000, previous_price_rupiah: 35_000 },
    });
  });

  it('when delisted, then the status and reason; when the vendor is renamed, then every listing shows the new name', () => {
    expect(catalogProjection.project(projected('ListingDelisted', { listingId, reason: 'habis' }, { revision: 2 }), noLookup)).toEqual([
      { op: 'update', table: 'catalog_listings', key: { listing_id: listingId }, set: { status: 'delisted', delist_reason: 'habis', revision: 2 } },
    ]);
    const renamed = catalogProjection.project(
      projected('VendorProfileUpdated', { vendorId, name: 'Nama Baru', contact: { email: 'a@b.id', phone: '1' }, kabupatenKotaCode: '3673', isLocal: true }),
      noLookup,
    );
    expect(renamed).toContainEqual({ op: 'update', table: 'catalog_listings', key: { vendor_id: vendorId }, set: { vendor_name: 'Nama Baru' } });
  });

  it("when the vendor is suspended or reinstated, then every listing shows the vendor's status", () => {
    expect(catalogProjection.project(projected('VendorSuspended', { vendorId, reason: 'audit' }), noLookup)).toContainEqual({
      op: 'update',
      table: 'catalog_listings',
      key: { vendor_id: vendorId },
      set: { vendor_status: 'suspended' },
    });
    expect(catalogProjection.project(projected('VendorReinstated', { vendorId }), noLookup)).toContainEqual({
      op: 'update',
      table: 'catalog_listings',
      key: { vendor_id: vendorId },
      set: { vendor_status: 'verified' },
    });
  });
});
