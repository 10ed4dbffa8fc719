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

/**
 * The steps of paying for an order that a process manager carries out on the order's behalf; a
 * refused step is recorded on the order as OrderPaymentFailed.
 */
export const PAYMENT_STEPS = ['authorise', 'record-authorisation', 'void', 'capture', 'record-payment', 'expire'] as const;
export type PaymentStep = (typeof PAYMENT_STEPS)[number];
/** A refusal's reason is kept to this many characters. */
export const PAYMENT_FAILURE_REASON_LENGTH_MAX = 500;
/** Refusal codes are the DomainError codes: upper case, digits and underscores. */
export const PAYMENT_FAILURE_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface PaymentFailure {
  readonly step: PaymentStep;
  /** The refusal's code, e.g. HOLD_NOT_FOUND, CARD_SUSPENDED. */
  readonly code: string;
  readonly reason: string;
  /** The policy revision the refusing decision applied, when it named one. */
  readonly policyRevision?: number;
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
        /** When it was placed (ISO 8601 UTC). Absent from orders placed before this field was added. */
        readonly placedAt?: string;
      };
    }
  | {
      readonly type: 'OrderAuthorised';
      readonly data: {
        readonly orderId: string;
        readonly cardId: string;
        readonly amountRupiah: number;
        readonly holdExpiresAt: string;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'OrderDeclined';
      readonly data: { readonly orderId: string; readonly cardId: string; readonly reason: string; readonly policyRevision: number };
    }
  | { readonly type: 'OrderAccepted'; readonly data: { readonly orderId: string; readonly vendorId: string } }
  | { readonly type: 'OrderRejected'; readonly data: { readonly orderId: string; readonly vendorId: string; readonly reason: string } }
  | { readonly type: 'OrderShipped'; readonly data: { readonly orderId: string; readonly vendorId: string; readonly note: string | null } }
  | { readonly type: 'OrderReceived'; readonly data: { readonly orderId: string; readonly bastNumber: string; readonly bastDate: string } }
  | {
      readonly type: 'OrderPaid';
      readonly data: { readonly orderId: string; readonly cardId: string; readonly amountRupiah: number; readonly policyRevision: number };
    }
  | { readonly type: 'OrderCancelled'; readonly data: { readonly orderId: string; readonly reason: string } }
  | { readonly type: 'OrderHoldExpired'; readonly data: { readonly orderId: string; readonly cardId: string; readonly holdExpiresAt: string } }
  | { readonly type: 'OrderPaymentFailed'; readonly data: { readonly orderId: string; readonly cardId: string } & PaymentFailure };

export type OrderEventType = OrderEvent['type'];
