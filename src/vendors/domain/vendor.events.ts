import type { VendorScale } from '../../policy/domain/policy.js';
import type { LegalForm } from './vendor-rules.js';

export interface VendorContact {
  readonly email: string;
  readonly phone: string;
}

export type VendorEvent =
  | {
      readonly type: 'VendorRegistered';
      readonly data: {
        readonly vendorId: string;
        readonly nib: string;
        readonly npwp: string;
        readonly name: string;
        readonly legalForm: LegalForm;
        readonly scale: VendorScale;
        readonly capitalRupiah: number | null;
        readonly annualSalesRupiah: number | null;
        readonly kabupatenKotaCode: string;
        readonly isLocal: boolean;
        readonly contact: VendorContact;
        readonly policyRevision: number;
      };
    }
  | { readonly type: 'VendorVerified'; readonly data: { readonly vendorId: string } }
  | { readonly type: 'VendorRejected'; readonly data: { readonly vendorId: string; readonly reason: string } }
  | { readonly type: 'VendorSuspended'; readonly data: { readonly vendorId: string; readonly reason: string } }
  | { readonly type: 'VendorReinstated'; readonly data: { readonly vendorId: string } }
  | {
      readonly type: 'VendorProfileUpdated';
      readonly data: {
        readonly vendorId: string;
        readonly name: string;
        readonly contact: VendorContact;
        readonly kabupatenKotaCode: string;
        readonly isLocal: boolean;
      };
    };

export type NibEvent =
  | { readonly type: 'NibReserved'; readonly data: { readonly nib: string; readonly vendorId: string } }
  | { readonly type: 'NibReleased'; readonly data: { readonly nib: string; readonly vendorId: string; readonly reason: string } };
