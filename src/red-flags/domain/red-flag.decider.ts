import type { Actor } from '../../kernel/actor.js';
import type { Decider } from '../../kernel/decider.js';
import { forbidden, invalid, notFound } from '../../kernel/errors.js';
import { requireText } from '../../kernel/text.js';
import { REVIEW_REASON_LENGTH_MAX, REVIEW_STATUSES, RedFlagStatus, ReviewStatus } from './red-flag-rules.js';
import type { RedFlagEvent } from './red-flag.events.js';

export interface RedFlagState {
  readonly refused: boolean;
  readonly status: RedFlagStatus;
  readonly reviews: number;
}

type Refusal = Extract<RedFlagEvent, { type: 'SplitPurchaseRefused' }>['data'];

export type RedFlagCommand =
  | { readonly type: 'RecordSplitPurchaseRefusal'; readonly refusal: Refusal }
  | {
      readonly type: 'ReviewRedFlag';
      readonly flagId: string;
      readonly status: ReviewStatus;
      readonly reason: unknown;
      readonly by: Actor;
      /** Read by the handler from the red-flags read model: flags are raised there, not in this stream. */
      readonly flagExists: boolean;
    };

const REVIEWER_ROLES: readonly string[] = ['admin', 'auditor'];

export const redFlagDecider: Decider<RedFlagState, RedFlagCommand, RedFlagEvent> = {
  initialState: () => ({ refused: false, status: 'open', reviews: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SplitPurchaseRefused':
        return { ...state, refused: true };
      case 'RedFlagReviewed':
        return { ...state, status: event.data.status, reviews: state.reviews + 1 };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RecordSplitPurchaseRefusal':
        // A retried placement refuses again with the same flag id: the refusal is recorded once.
        return state.refused ? [] : [{ type: 'SplitPurchaseRefused', data: command.refusal }];
      case 'ReviewRedFlag': {
        if (!REVIEWER_ROLES.includes(command.by.role))
          throw forbidden('ROLE_NOT_ALLOWED', 'only admins and auditors review red flags', { role: command.by.role });
        if (!command.flagExists) throw notFound('RED_FLAG_NOT_FOUND', `no red flag ${command.flagId}`, { flagId: command.flagId });
        if (!REVIEW_STATUSES.includes(command.status)) {
          throw invalid('INVALID_REVIEW', 'the review is invalid', [{ field: 'status', messages: [`one of ${REVIEW_STATUSES.join(', ')}`] }]);
        }
        const reason = requireText('reason', command.reason, REVIEW_REASON_LENGTH_MAX, { multiline: true });
        return [{ type: 'RedFlagReviewed', data: { flagId: command.flagId, status: command.status, reason } }];
      }
    }
  },
};
