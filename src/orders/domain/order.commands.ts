import type { Actor } from '../../kernel/actor.js';
import type { PolicyVersion, VendorScale } from '../../policy/domain/policy.js';
import type { CategoryCode } from '../../catalog/domain/categories.js';
import type { WindowOrder } from '../../red-flags/domain/red-flag-rules.js';
import type { PaymentFailure } from './order.events.js';
import type { OpdSnapshot } from '../../opds/domain/opd.state.js';

/** What placement needs to know of the vendor, its listings and the card (read by the handler). */
export interface VendorSnapshot {
  readonly vendorId: string;
  readonly status: 'absent' | 'pending' | 'verified' | 'rejected' | 'suspended';
  readonly scale?: VendorScale;
}

export type ListingSnapshot =
  | { readonly listingId: string; readonly status: 'absent' }
  | {
      readonly listingId: string;
      readonly status: 'active' | 'delisted';
      readonly revision: number;
      readonly vendorId: string;
      readonly title: string;
      readonly category: CategoryCode;
      readonly unit: string;
      readonly priceRupiah: number;
      readonly isDomesticProduct: boolean;
    };

export type CardSnapshot =
  | { readonly cardId: string; readonly status: 'absent' }
  | { readonly cardId: string; readonly status: 'active' | 'suspended' | 'closed'; readonly opdCode: string };

export interface RequestedLine {
  readonly listingId: string;
  readonly quantity: number;
}

export type OrderCommand =
  | {
      readonly type: 'PlaceOrder';
      readonly orderId: string;
      readonly by: Actor;
      readonly opdCode: string;
      /** The buying OPD as the registry has it (read by the handler): its name and kabupaten/kota go into OrderPlaced. */
      readonly opd: OpdSnapshot;
      readonly officialName: string;
      readonly lines: readonly RequestedLine[];
      readonly shippingRupiah: number;
      readonly vendor: VendorSnapshot;
      readonly listings: readonly ListingSnapshot[];
      readonly card: CardSnapshot;
      readonly policy: PolicyVersion;
      /** When it is placed (the command's time): a BAST is never dated before it. */
      readonly at: Date;
      /**
       * The OPD and vendor pair's recent orders (read by the handler), when the policy refuses
       * split purchases; absent when it only flags them.
       */
      readonly recentOrders?: readonly WindowOrder[];
    }
  | { readonly type: 'RecordAuthorisationApproved'; readonly amountRupiah: number; readonly holdExpiresAt: string; readonly policyRevision: number }
  | { readonly type: 'RecordAuthorisationDeclined'; readonly reason: string; readonly policyRevision: number }
  | {
      readonly type: 'AcceptOrder';
      readonly by: Actor;
      /** The order's vendor's status now (read by the handler): a suspended vendor accepts nothing. */
      readonly vendorStatus: VendorSnapshot['status'];
    }
  | { readonly type: 'RejectOrder'; readonly by: Actor; readonly reason: string }
  | { readonly type: 'ShipOrder'; readonly by: Actor; readonly note?: string }
  | { readonly type: 'ReceiveOrder'; readonly by: Actor; readonly bastNumber: string; readonly bastDate: string; readonly at: Date }
  | { readonly type: 'CancelOrder'; readonly by: Actor; readonly reason: string }
  | {
      /** The vendor-suspension process manager: an order its suspended vendor had not yet accepted is cancelled. */
      readonly type: 'CancelOrderOfSuspendedVendor';
      readonly by: Actor;
      readonly vendorId: string;
      readonly suspensionReason: string;
    }
  | { readonly type: 'RecordPayment'; readonly amountRupiah: number; readonly policyRevision: number }
  | { readonly type: 'ExpireOrderHold'; readonly at: Date }
  /** A payment step the order-payment process manager issued was refused by the card or the order. */
  | ({ readonly type: 'RecordPaymentFailure' } & PaymentFailure);

export type OrderCommandType = OrderCommand['type'];
