import type Database from 'better-sqlite3';

export interface AccountBalance {
  readonly account: string;
  readonly debitRupiah: number;
  readonly creditRupiah: number;
  readonly balanceRupiah: number;
  /** Cards with a line on the account. */
  readonly cards: number;
}

export interface TrialBalance {
  readonly accounts: readonly AccountBalance[];
  readonly totalDebitRupiah: number;
  readonly totalCreditRupiah: number;
  readonly netRupiah: number;
  readonly unbalancedEntries: number;
  readonly balanced: boolean;
}

/** The journal's trial balance over all cards: the live endpoint and the as-of balances answer with it. */
export function trialBalance(db: Database.Database): TrialBalance {
  const accounts = db
    .prepare(
      `SELECT account, SUM(debit_rupiah) AS debitRupiah, SUM(credit_rupiah) AS creditRupiah, SUM(balance_rupiah) AS balanceRupiah, COUNT(*) AS cards
       FROM journal_balances GROUP BY account ORDER BY account`,
    )
    .all() as AccountBalance[];
  const totals = db.prepare('SELECT COALESCE(SUM(debit_rupiah), 0) AS debit, COALESCE(SUM(credit_rupiah), 0) AS credit FROM journal_lines').get() as {
    debit: number;
    credit: number;
  };
  const unbalanced = db
    .prepare('SELECT COUNT(*) AS n FROM (SELECT position FROM journal_lines GROUP BY position HAVING SUM(debit_rupiah) <> SUM(credit_rupiah))')
    .get() as { n: number };
  const netRupiah = accounts.reduce((sum, account) => sum + account.balanceRupiah, 0);
  return {
    accounts,
    totalDebitRupiah: totals.debit,
    totalCreditRupiah: totals.credit,
    netRupiah,
    unbalancedEntries: unbalanced.n,
    balanced: netRupiah === 0 && totals.debit === totals.credit && unbalanced.n === 0,
  };
}
