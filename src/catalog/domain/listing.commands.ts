/** What the catalog needs to know of the vendor acting (read from the vendor stream by the handler). */
export interface ActingVendor {
  readonly vendorId: string;
  readonly status: 'absent' | 'pending' | 'verified' | 'rejected' | 'suspended';
}

export type ListingCommand =
  | {
      readonly type: 'CreateListing';
      readonly listingId: string;
      readonly title: string;
      readonly category: string;
      readonly unit: string;
      readonly priceRupiah: number;
      readonly isDomesticProduct: boolean;
      readonly vendor: ActingVendor;
    }
  | { readonly type: 'ChangeListingPrice'; readonly priceRupiah: number; readonly vendor: ActingVendor }
  | { readonly type: 'DelistListing'; readonly reason: string; readonly vendor: ActingVendor };
