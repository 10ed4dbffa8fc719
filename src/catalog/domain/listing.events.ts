import type { CategoryCode } from './categories.js';

export type ListingEvent =
  | {
      readonly type: 'ListingCreated';
      readonly data: {
        readonly listingId: string;
        readonly vendorId: string;
        readonly title: string;
        readonly category: CategoryCode;
        readonly unit: string;
        readonly priceRupiah: number;
        readonly isDomesticProduct: boolean;
      };
    }
  | {
      readonly type: 'ListingPriceChanged';
      readonly data: { readonly listingId: string; readonly previousPriceRupiah: number; readonly priceRupiah: number };
    }
  | { readonly type: 'ListingDelisted'; readonly data: { readonly listingId: string; readonly reason: string } };
