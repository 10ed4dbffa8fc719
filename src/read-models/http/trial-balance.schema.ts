import { ACCOUNTS } from '../../../projections/journal/journal.projection.js';
import { BOOLEAN, INTEGER, arrayOf, objectSchema } from '../../http/openapi/api-responses.js';
import type { AccountBalance, TrialBalance } from '../queries/trial-balance.js';

const SIGNED_RUPIAH = { ...INTEGER, description: 'whole rupiah (a balance may be negative)' };
const TOTAL_RUPIAH = { ...INTEGER, minimum: 0, description: 'whole rupiah' };

const ACCOUNT_BALANCE_SCHEMA = objectSchema<AccountBalance>({
  account: { type: 'string', enum: [...ACCOUNTS] },
  debitRupiah: TOTAL_RUPIAH,
  creditRupiah: TOTAL_RUPIAH,
  balanceRupiah: SIGNED_RUPIAH,
  cards: { ...INTEGER, minimum: 1, description: 'cards with a line on the account' },
});

export const TRIAL_BALANCE_SCHEMA = objectSchema<TrialBalance>({
  accounts: arrayOf(ACCOUNT_BALANCE_SCHEMA),
  totalDebitRupiah: TOTAL_RUPIAH,
  totalCreditRupiah: TOTAL_RUPIAH,
  netRupiah: { ...SIGNED_RUPIAH, description: 'the sum of the balances: always 0' },
  unbalancedEntries: { ...INTEGER, minimum: 0, description: 'entries whose debits differ from their credits: always 0' },
  balanced: BOOLEAN,
});
