import type { VendorScale } from '../../policy/domain/policy.js';
import type { VendorContact } from './vendor.events.js';
import type { LegalForm } from './vendor-rules.js';

export interface VendorProfile {
  readonly vendorId: string;
  readonly nib: string;
  readonly npwp: string;
  readonly name: string;
  readonly legalForm: LegalForm;
  readonly scale: VendorScale;
  readonly kabupatenKotaCode: string;
  readonly isLocal: boolean;
  readonly contact: VendorContact;
}

/** Keyed on status so an impossible vendor (verified but never registered) cannot be written down. */
export type VendorState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'pending' | 'verified' } & VendorProfile)
  | ({ readonly status: 'rejected' } & VendorProfile & { readonly reason: string })
  | ({ readonly status: 'suspended' } & VendorProfile & { readonly reason: string });

export type NibState = { readonly status: 'free' } | { readonly status: 'reserved'; readonly vendorId: string };
