import type { CategoryCode } from './categories.js';

export interface ListingDetails {
  readonly listingId: string;
  readonly vendorId: string;
  readonly title: string;
  readonly category: CategoryCode;
  readonly unit: string;
  readonly priceRupiah: number;
  readonly isDomesticProduct: boolean;
}

export type ListingState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & ListingDetails)
  | ({ readonly status: 'delisted'; readonly reason: string } & ListingDetails);
