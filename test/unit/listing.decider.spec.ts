import { CATEGORY_CODES } from '../../src/catalog/domain/categories.js';
import type { ActingVendor, ListingCommand } from '../../src/catalog/domain/listing.commands.js';
import { listingDecider, listingStreamId } from '../../src/catalog/domain/listing.decider.js';
import type { ListingEvent } from '../../src/catalog/domain/listing.events.js';
import { given } from '../support/given-when-then.js';

const LISTING_ID = '7e6d5c4b-3a29-4817-9f6e-5d4c3b2a1908';
const OWNER_ID = '0b9c7d3e-8a41-4f0e-9d6b-2f3a1c5e7d90';
const OTHER_ID = '5d2e8f10-3b7c-4a96-8e21-c4f5a6b7d8e9';

const owner: ActingVendor = { vendorId: OWNER_ID, status: 'verified' };
const other: ActingVendor = { vendorId: OTHER_ID, status: 'verified' };

type Create = Extract<ListingCommand, { type: 'CreateListing' }>;

const create = (overrides: Partial<Create> = {}): Create => ({
  type: 'CreateListing',
  listingId: LISTING_ID,
  title: 'Nasi kotak rapat',
  category: 'makan-minum',
  unit: 'kotak',
  priceRupiah: 35_000,
  isDomesticProduct: true,
  vendor: owner,
  ...overrides,
});

const created: ListingEvent = {
  type: 'ListingCreated',
  data: {
    listingId: LISTING_ID,
    vendorId: OWNER_ID,
    title: 'Nasi kotak rapat',
    category: 'makan-minum',
    unit: 'kotak',
    priceRupiah: 35_000,
    isDomesticProduct: true,
  },
};
const repriced = (previousPriceRupiah: number, priceRupiah: number): ListingEvent => ({
  type: 'ListingPriceChanged',
  data: { listingId: LISTING_ID, previousPriceRupiah, priceRupiah },
});
const delisted: ListingEvent = { type: 'ListingDelisted', data: { listingId: LISTING_ID, reason: 'tidak diproduksi lagi' } };

const BAD_PRICES = [0, -1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY, -0.5];

describe('listing decider (unit)', () => {
  it('names its stream listing-<id>', () => {
    expect(listingStreamId(LISTING_ID)).toBe(`listing-${LISTING_ID}`);
  });

  describe('CreateListing', () => {
    it('given nothing, when a verified vendor lists a product, then ListingCreated owned by that vendor', () => {
      given(listingDecider, []).when(create()).then([created]);
      expect(given(listingDecider, [created]).state()).toMatchObject({ status: 'active', vendorId: OWNER_ID, priceRupiah: 35_000 });
    });

    it('trims the title and unit', () => {
      given(listingDecider, [])
        .when(create({ title: '  Nasi kotak rapat ', unit: ' kotak ' }))
        .then([created]);
    });

    it('accepts the largest safe integer price and a 1-rupiah price', () => {
      for (const priceRupiah of [1, Number.MAX_SAFE_INTEGER]) {
        const [event] = given(listingDecider, []).when(create({ priceRupiah })).decided();
        expect(event).toMatchObject({ type: 'ListingCreated', data: { priceRupiah } });
      }
    });

    it.each(CATEGORY_CODES)('accepts the category %s', (category) => {
      const [event] = given(listingDecider, []).when(create({ category })).decided();
      expect(event).toMatchObject({ data: { category } });
    });

    it.each(['pending', 'rejected', 'suspended', 'absent'] as const)('refuses a %s vendor with VENDOR_NOT_SELLING (422)', (status) => {
      given(listingDecider, [])
        .when(create({ vendor: { vendorId: OWNER_ID, status } }))
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_NOT_SELLING', details: { vendorId: OWNER_ID, vendorStatus: status } });
    });

    it.each(['makanan', 'ATK', '', 'toString', '__proto__', 'constructor', 'hasOwnProperty'])('refuses the unknown category %j', (category) => {
      given(listingDecider, [])
        .when(create({ category }))
        .thenRefuses({ kind: 'validation', code: 'UNKNOWN_CATEGORY', details: { errors: [{ field: 'category' }] } });
    });

    it.each(BAD_PRICES)('refuses the price %p (not an integer rupiah > 0)', (priceRupiah) => {
      given(listingDecider, [])
        .when(create({ priceRupiah }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_PRICE', details: { errors: [{ field: 'priceRupiah' }] } });
    });

    it.each([
      ['title', { title: '   ' }],
      ['title', { title: 'x'.repeat(201) }],
      ['unit', { unit: '' }],
      ['unit', { unit: 'x'.repeat(41) }],
      ['title', { title: 'Nasi\u0000kotak' }],
      ['title', { title: 'Nasi\nkotak' }],
      ['unit', { unit: 'kotak\u0007' }],
    ])('refuses a blank or overlong %s', (field, overrides) => {
      given(listingDecider, [])
        .when(create(overrides))
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT', details: { errors: [{ field }] } });
    });

    it('given a listing, when it is created again, then LISTING_EXISTS', () => {
      given(listingDecider, [created])
        .when(create())
        .thenRefuses({ kind: 'conflict', code: 'LISTING_EXISTS', details: { listingId: LISTING_ID } });
    });
  });

  describe('ChangeListingPrice', () => {
    it('given a listing, when its vendor reprices it, then ListingPriceChanged with the previous price', () => {
      given(listingDecider, [created])
        .when({ type: 'ChangeListingPrice', priceRupiah: 37_500, vendor: owner })
        .then([repriced(35_000, 37_500)]);
    });

    it('given a repriced listing, when repriced again, then the previous price is the latest one', () => {
      given(listingDecider, [created, repriced(35_000, 37_500)])
        .when({ type: 'ChangeListingPrice', priceRupiah: 36_000, vendor: owner })
        .then([repriced(37_500, 36_000)]);
      expect(given(listingDecider, [created, repriced(35_000, 37_500), repriced(37_500, 36_000)]).state()).toMatchObject({ priceRupiah: 36_000 });
    });

    it('given a listing, when repriced to the same price, then nothing is written', () => {
      given(listingDecider, [created, repriced(35_000, 37_500)])
        .when({ type: 'ChangeListingPrice', priceRupiah: 37_500, vendor: owner })
        .then([]);
    });

    it('given a listing, when another vendor reprices it, then NOT_LISTING_OWNER (403)', () => {
      given(listingDecider, [created])
        .when({ type: 'ChangeListingPrice', priceRupiah: 1, vendor: other })
        .thenRefuses({ kind: 'forbidden', code: 'NOT_LISTING_OWNER', details: { listingId: LISTING_ID } });
    });

    it('given a delisted listing, when repriced, then LISTING_DELISTED (422)', () => {
      given(listingDecider, [created, delisted])
        .when({ type: 'ChangeListingPrice', priceRupiah: 40_000, vendor: owner })
        .thenRefuses({ kind: 'business_rule', code: 'LISTING_DELISTED' });
    });

    it('given no listing, when repriced, then LISTING_NOT_FOUND', () => {
      given(listingDecider, [])
        .when({ type: 'ChangeListingPrice', priceRupiah: 40_000, vendor: owner })
        .thenRefuses({ kind: 'not_found', code: 'LISTING_NOT_FOUND' });
    });

    it.each(['suspended', 'rejected', 'pending'] as const)('given a listing whose vendor is now %s, when repriced, then VENDOR_NOT_SELLING', (status) => {
      given(listingDecider, [created])
        .when({ type: 'ChangeListingPrice', priceRupiah: 40_000, vendor: { vendorId: OWNER_ID, status } })
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_NOT_SELLING', details: { vendorStatus: status } });
    });

    it.each(BAD_PRICES)('refuses the new price %p', (priceRupiah) => {
      given(listingDecider, [created])
        .when({ type: 'ChangeListingPrice', priceRupiah, vendor: owner })
        .thenRefuses({ kind: 'validation', code: 'INVALID_PRICE' });
    });
  });

  describe('DelistListing', () => {
    it('given a listing, when its vendor delists it, then ListingDelisted with the reason', () => {
      given(listingDecider, [created]).when({ type: 'DelistListing', reason: ' tidak diproduksi lagi ', vendor: owner }).then([delisted]);
      expect(given(listingDecider, [created, delisted]).state()).toMatchObject({ status: 'delisted', reason: 'tidak diproduksi lagi' });
    });

    it('lets a suspended vendor delist its own listing (delisting only ends sales)', () => {
      given(listingDecider, [created])
        .when({ type: 'DelistListing', reason: 'tidak diproduksi lagi', vendor: { vendorId: OWNER_ID, status: 'suspended' } })
        .then([delisted]);
    });

    it('given a listing, when another vendor delists it, then NOT_LISTING_OWNER (403)', () => {
      given(listingDecider, [created])
        .when({ type: 'DelistListing', reason: 'iseng', vendor: other })
        .thenRefuses({ kind: 'forbidden', code: 'NOT_LISTING_OWNER' });
    });

    it('given a delisted listing, when delisted again, then LISTING_DELISTED', () => {
      given(listingDecider, [created, delisted])
        .when({ type: 'DelistListing', reason: 'lagi', vendor: owner })
        .thenRefuses({ kind: 'business_rule', code: 'LISTING_DELISTED' });
    });

    it('given no listing, when delisted, then LISTING_NOT_FOUND', () => {
      given(listingDecider, []).when({ type: 'DelistListing', reason: 'x', vendor: owner }).thenRefuses({ kind: 'not_found', code: 'LISTING_NOT_FOUND' });
    });

    it.each(['  ', 'x'.repeat(501), 'habis\u0000'])('refuses the reason %j', (reason) => {
      given(listingDecider, [created])
        .when({ type: 'DelistListing', reason, vendor: owner })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT', details: { errors: [{ field: 'reason' }] } });
    });
  });
});
