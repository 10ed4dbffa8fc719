import { DomainError } from '../../kernel/errors.js';
import type { WindowOrder } from '../../red-flags/domain/red-flag-rules.js';

/**
 * Where placement reads an OPD and vendor pair's recent orders when the policy refuses split
 * purchases. The service's source is the red-flags read model, read once it has caught up with
 * the store's head (src/red-flags/application/read-model-split-purchase-facts.ts).
 */
export interface SplitPurchaseFacts {
  recentOrders(opdCode: string, vendorId: string): Promise<readonly WindowOrder[]>;
}

export const SPLIT_PURCHASE_FACTS = Symbol('SplitPurchaseFacts');

/** For callers without read models (the demo generator under the default 'flag' policy): refusing needs a source. */
export const NO_SPLIT_PURCHASE_FACTS: SplitPurchaseFacts = {
  recentOrders: () =>
    Promise.reject(new DomainError('unavailable', 'SPLIT_CHECK_UNAVAILABLE', 'split purchases cannot be checked here: no read model of recent orders')),
};
