import type { CategoryCode } from '../../catalog/domain/categories.js';
import type { VendorScale } from '../../policy/domain/policy.js';

export interface OrderBuyer {
  readonly opdCode: string;
  readonly opdName: string;
  readonly kabupatenKotaCode: string;
  /** The official who placed the order (pejabat pengadaan / PPK / cardholder). */
  readonly officialName: string;
}

export interface OrderLine {
  readonly listingId: string;
  /** The listing stream revision the unit price was read at. */
  readonly listingRevision: number;
  readonly title: string;
  readonly category: CategoryCode;
  readonly unit: string;
  readonly quantity: number;
  readonly unitPriceRupiah: number;
  readonly lineTotalRupiah: number;
  readonly isDomesticProduct: boolean;
}

export type OrderEvent =
  | {
      readonly type: 'OrderPlaced';
      readonly data: {
        readonly orderId: string;
        readonly buyer: OrderBuyer;
        readonly vendorId: string;
        readonly vendorScale: VendorScale;
        readonly cardId: string;
        readonly lines: readonly OrderLine[];
        readonly shippingRupiah: number;
        readonly totalRupiah: number;
        readonly domesticUmkPurchase: boolean;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'OrderAuthorised';
      readonly data: { readonly orderId: string; readonly cardId: string; readonly amountRupiah: number; readonly holdExpiresAt: string; readonly policyRevision: number };
    }
  | { readonly type: 'OrderDeclined'; readonly data: { readonly orderId: string; readonly cardId: string; readonly reason: string; readonly policyRevision: number } }
  | { readonly type: 'OrderAccepted'; readonly data: { readonly orderId: string; readonly vendorId: string } }
  | { readonly type: 'OrderRejected'; readonly data: { readonly orderId: string; readonly vendorId: string; readonly reason: string } }
  | { readonly type: 'OrderShipped'; readonly data: { readonly orderId: string; readonly vendorId: string; readonly note: string | null } }
  | { readonly type: 'OrderReceived'; readonly data: { readonly orderId: string; readonly bastNumber: string; readonly bastDate: string } }
  | { readonly type: 'OrderPaid'; readonly data: { readonly orderId: string; readonly cardId: string; readonly amountRupiah: number; readonly policyRevision: number } }
  | { readonly type: 'OrderCancelled'; readonly data: { readonly orderId: string; readonly reason: string } }
  | { readonly type: 'OrderHoldExpired'; readonly data: { readonly orderId: string; readonly cardId: string; readonly holdExpiresAt: string } };

export type OrderEventType = OrderEvent['type'];
