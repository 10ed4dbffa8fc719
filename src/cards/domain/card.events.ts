/** Why an authorisation was declined: stable codes, documented in docs/events-orders-cards.md. */
export const DECLINE_REASONS = ['CARD_NOT_ACTIVE', 'CARD_EXPIRED', 'CARD_OF_ANOTHER_OPD', 'OVER_PER_PAYEE_CAP', 'INSUFFICIENT_AVAILABLE'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export type CardEvent =
  | {
      readonly type: 'CardIssued';
      readonly data: {
        readonly cardId: string;
        readonly opdCode: string;
        readonly opdName: string;
        readonly holderName: string;
        /** The only part of the card number the ledger ever holds. */
        readonly cardLast4: string;
        readonly limitRupiah: number;
        /** YYYY-MM-DD; the card is valid through the end of that day, WIB. */
        readonly expiresOn: string;
      };
    }
  | { readonly type: 'CardLimitChanged'; readonly data: { readonly cardId: string; readonly previousLimitRupiah: number; readonly limitRupiah: number } }
  | { readonly type: 'CardSuspended'; readonly data: { readonly cardId: string; readonly reason: string } }
  | { readonly type: 'CardReinstated'; readonly data: { readonly cardId: string } }
  | { readonly type: 'CardClosed'; readonly data: { readonly cardId: string; readonly reason: string } }
  | {
      readonly type: 'AuthorisationApproved';
      readonly data: {
        readonly cardId: string;
        readonly orderId: string;
        readonly payeeVendorId: string;
        readonly amountRupiah: number;
        readonly availableBeforeRupiah: number;
        readonly capRupiah: number;
        /** When the hold lapses: the command's time plus the policy's authorisationTtlDays. */
        readonly expiresAt: string;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'AuthorisationDeclined';
      readonly data: {
        readonly cardId: string;
        readonly orderId: string;
        readonly payeeVendorId: string;
        readonly amountRupiah: number;
        readonly reason: DeclineReason;
        readonly availableRupiah: number;
        readonly capRupiah: number;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'AuthorisationCaptured';
      readonly data: {
        readonly cardId: string;
        readonly orderId: string;
        readonly amountRupiah: number;
        /** The hold released by the capture (>= amountRupiah; the rest goes back to available). */
        readonly heldRupiah: number;
        readonly bastNumber: string;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'AuthorisationVoided';
      readonly data: {
        readonly cardId: string;
        readonly orderId: string;
        readonly amountRupiah: number;
        readonly reason: string;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'AuthorisationExpired';
      readonly data: {
        readonly cardId: string;
        readonly orderId: string;
        readonly amountRupiah: number;
        readonly expiresAt: string;
        readonly policyRevision: number;
      };
    }
  | {
      readonly type: 'StatementSettled';
      readonly data: { readonly cardId: string; readonly statementReference: string; readonly amountRupiah: number };
    };

export type CardEventType = CardEvent['type'];
