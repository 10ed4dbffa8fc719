import type { PolicyVersion } from '../../policy/domain/policy.js';
import type { VendorContact } from './vendor.events.js';
import type { LegalForm } from './vendor-rules.js';

export type VendorCommand =
  | {
      readonly type: 'RegisterVendor';
      readonly vendorId: string;
      readonly nib: string;
      readonly npwp: string;
      readonly name: string;
      readonly legalForm: LegalForm;
      readonly capitalRupiah?: number;
      readonly annualSalesRupiah?: number;
      readonly kabupatenKotaCode: string;
      readonly contact: VendorContact;
      readonly policy: PolicyVersion;
    }
  | { readonly type: 'VerifyVendor' }
  | { readonly type: 'RejectVendor'; readonly reason: string }
  | { readonly type: 'SuspendVendor'; readonly reason: string }
  | { readonly type: 'ReinstateVendor' }
  | {
      readonly type: 'UpdateVendorProfile';
      readonly name?: string;
      readonly contact?: VendorContact;
      readonly kabupatenKotaCode?: string;
    };

export type NibCommand =
  | { readonly type: 'ReserveNib'; readonly nib: string; readonly vendorId: string }
  | { readonly type: 'ReleaseNib'; readonly nib: string; readonly vendorId: string; readonly reason: string }
  | {
      /**
       * An admin frees a NIB whose holder never registered (a registration that crashed between
       * its claim and its VendorRegistered) or was rejected. `holderStatus` is the holder's
       * vendor stream as the handler read it.
       */
      readonly type: 'ReleaseUnregisteredNib';
      readonly nib: string;
      readonly vendorId: string;
      readonly holderStatus: 'absent' | 'pending' | 'verified' | 'rejected' | 'suspended';
      readonly reason: string;
    };
