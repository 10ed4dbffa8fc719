import type { OpdSnapshot } from '../../opds/domain/opd.state.js';
import type { PolicyVersion } from '../../policy/domain/policy.js';

export type CardCommand =
  | {
      readonly type: 'IssueCard';
      readonly cardId: string;
      /** The OPD the card belongs to, as the registry has it (read by the handler): its code and name go into CardIssued. */
      readonly opd: OpdSnapshot;
      readonly holderName: string;
      readonly cardLast4: string;
      readonly limitRupiah: number;
      readonly expiresOn: string;
      /** When it is issued: a card whose expiry date has already passed is refused. */
      readonly at: Date;
    }
  | { readonly type: 'ChangeCardLimit'; readonly limitRupiah: number }
  | { readonly type: 'SuspendCard'; readonly reason: string }
  | { readonly type: 'ReinstateCard' }
  | { readonly type: 'CloseCard'; readonly reason: string }
  | {
      readonly type: 'AuthoriseCard';
      readonly orderId: string;
      /**
       * The order (read by the handler) is placed and has no answer from the card yet. A replayed
       * trigger for an order that was answered, cancelled or closed since changes nothing, however
       * long ago its hold ended: the card does not need to remember every order it ever paid.
       */
      readonly orderAwaitingAuthorisation: boolean;
      /** The ordering OPD: a card pays only for its own OPD. */
      readonly opdCode: string;
      readonly payeeVendorId: string;
      readonly amountRupiah: number;
      /** Every line a domestic product of a micro/small business or koperasi (PMK 97/2021 allowance). */
      readonly domesticUmkPurchase: boolean;
      readonly policy: PolicyVersion;
      readonly at: Date;
    }
  | {
      readonly type: 'CaptureAuthorisation';
      readonly orderId: string;
      readonly amountRupiah: number;
      /** The order is in state received (BAST signed): the only state a capture is for. */
      readonly orderReceived: boolean;
      readonly bastNumber: string;
      readonly policy: PolicyVersion;
    }
  | { readonly type: 'VoidAuthorisation'; readonly orderId: string; readonly reason: string; readonly policy: PolicyVersion }
  | { readonly type: 'ExpireAuthorisation'; readonly orderId: string; readonly at: Date; readonly policy: PolicyVersion }
  | { readonly type: 'SettleStatement'; readonly statementReference: string; readonly amountRupiah: number };

export type CardCommandType = CardCommand['type'];
