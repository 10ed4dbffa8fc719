import type { ReviewStatus } from './red-flag-rules.js';

export interface RefusedEarlierOrder {
  readonly orderId: string;
  readonly totalRupiah: number;
  readonly placedAt: string;
}

export type RedFlagEvent =
  | {
      /** An order refused at placement because it would complete a split purchase (policy splitPurchaseAction 'refuse'). */
      readonly type: 'SplitPurchaseRefused';
      readonly data: {
        readonly flagId: string;
        /** The id the refused order would have had; no order stream was written. */
        readonly orderId: string;
        readonly opdCode: string;
        readonly vendorId: string;
        readonly cardId: string;
        readonly totalRupiah: number;
        readonly attemptedAt: string;
        readonly splitWindowDays: number;
        readonly maxOrderTotalRupiah: number;
        readonly sumRupiah: number;
        readonly earlierOrders: readonly RefusedEarlierOrder[];
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'RedFlagReviewed';
      /** The reviewer is the event's actor (metadata); the reason is free text and stays internal. */
      readonly data: { readonly flagId: string; readonly status: ReviewStatus; readonly reason: string };
    };

export type RedFlagEventType = RedFlagEvent['type'];
