import { assertNever } from '../../kernel/assert.js';
import type { Decider } from '../../kernel/decider.js';
import { conflict, forbidden, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { isPositiveRupiah } from '../../kernel/money.js';
import { requireText } from '../../kernel/text.js';
import { CATEGORY_CODES, isCategory } from './categories.js';
import type { ActingVendor, ListingCommand } from './listing.commands.js';
import type { ListingEvent } from './listing.events.js';
import type { ListingState } from './listing.state.js';

export const TITLE_LENGTH_MAX = 200;
export const UNIT_LENGTH_MAX = 40;
export const REASON_LENGTH_MAX = 500;

export const listingStreamId = (listingId: string): string => `listing-${listingId}`;

export const listingDecider: Decider<ListingState, ListingCommand, ListingEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};

function evolve(state: ListingState, event: ListingEvent): ListingState {
  switch (event.type) {
    case 'ListingCreated':
      return { status: 'active', ...event.data };
    case 'ListingPriceChanged':
      return state.status === 'absent' ? state : { ...state, priceRupiah: event.data.priceRupiah };
    case 'ListingDelisted':
      return state.status === 'absent' ? state : { ...state, status: 'delisted', reason: event.data.reason };
    default:
      return assertNever(event, 'listing event');
  }
}

function decide(command: ListingCommand, state: ListingState): ListingEvent[] {
  switch (command.type) {
    case 'CreateListing': {
      if (state.status !== 'absent') throw conflict('LISTING_EXISTS', 'this listing already exists', { listingId: state.listingId });
      requireSellingVendor(command.vendor);
      const title = requireText('title', command.title, TITLE_LENGTH_MAX);
      const unit = requireText('unit', command.unit, UNIT_LENGTH_MAX);
      if (!isCategory(command.category)) {
        throw invalid('UNKNOWN_CATEGORY', `unknown category ${command.category}`, [{ field: 'category', messages: [`one of ${CATEGORY_CODES.join(', ')}`] }]);
      }
      requirePrice(command.priceRupiah);
      return [
        {
          type: 'ListingCreated',
          data: {
            listingId: command.listingId,
            vendorId: command.vendor.vendorId,
            title,
            category: command.category,
            unit,
            priceRupiah: command.priceRupiah,
            isDomesticProduct: command.isDomesticProduct,
          },
        },
      ];
    }
    case 'ChangeListingPrice': {
      const listing = requireOwnActiveListing(state, command.vendor);
      requireSellingVendor(command.vendor);
      requirePrice(command.priceRupiah);
      if (command.priceRupiah === listing.priceRupiah) return [];
      return [
        {
          type: 'ListingPriceChanged',
          data: { listingId: listing.listingId, previousPriceRupiah: listing.priceRupiah, priceRupiah: command.priceRupiah },
        },
      ];
    }
    case 'DelistListing': {
      const listing = requireOwnActiveListing(state, command.vendor);
      return [
        {
          type: 'ListingDelisted',
          data: { listingId: listing.listingId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) },
        },
      ];
    }
    default:
      return assertNever(command, 'listing command');
  }
}

function requireSellingVendor(vendor: ActingVendor): void {
  if (vendor.status !== 'verified') {
    throw ruleViolation('VENDOR_NOT_SELLING', `a ${vendor.status} vendor may not list or reprice: only verified, unsuspended vendors sell`, {
      vendorId: vendor.vendorId,
      vendorStatus: vendor.status,
    });
  }
}

function requireOwnActiveListing(state: ListingState, vendor: ActingVendor): Extract<ListingState, { status: 'active' }> {
  if (state.status === 'absent') throw notFound('LISTING_NOT_FOUND', 'no such listing');
  if (state.vendorId !== vendor.vendorId) {
    throw forbidden('NOT_LISTING_OWNER', 'only the vendor that owns a listing changes it', { listingId: state.listingId });
  }
  if (state.status === 'delisted') throw ruleViolation('LISTING_DELISTED', 'the listing is delisted', { listingId: state.listingId });
  return state;
}

export const INVALID_PRICE = 'INVALID_PRICE';

function requirePrice(priceRupiah: number): void {
  if (!isPositiveRupiah(priceRupiah)) {
    throw invalid(INVALID_PRICE, 'price must be a positive integer number of rupiah', [
      { field: 'priceRupiah', messages: ['must be an integer > 0 (rupiah have no minor unit)'] },
    ]);
  }
}
