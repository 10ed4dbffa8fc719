import type { Decider } from '../../kernel/decider.js';
import { invalid, ruleViolation } from '../../kernel/errors.js';

/** Limits are data, not constants: every decision records the revision it used. */
export const VENDOR_SCALES = ['mikro', 'kecil', 'menengah', 'besar', 'koperasi'] as const;
export type VendorScale = (typeof VENDOR_SCALES)[number];

export interface PolicyValues {
  readonly maxOrderTotalRupiah: number;
  readonly kkpPerPayeeCapRupiah: number;
  /** PMK 97/PMK.05/2021: a higher KKP cap for domestic products of UMK bought in the toko daring. */
  readonly domesticUmkAllowanceEnabled: boolean;
  readonly domesticUmkKkpCapRupiah: number;
  readonly eligibleScales: readonly VendorScale[];
  readonly authorisationTtlDays: number;
  readonly splitWindowDays: number;
}

export interface PolicyVersion extends PolicyValues {
  /** 0 is the built-in default; every PolicySet adds one. */
  readonly revision: number;
  readonly effectiveFrom: string;
}

export const POLICY_STREAM = 'policy-bela';

export const DEFAULT_POLICY: PolicyVersion = {
  revision: 0,
  effectiveFrom: '1970-01-01T00:00:00.000Z',
  maxOrderTotalRupiah: 50_000_000,
  kkpPerPayeeCapRupiah: 50_000_000,
  domesticUmkAllowanceEnabled: false,
  domesticUmkKkpCapRupiah: 200_000_000,
  eligibleScales: ['mikro', 'kecil', 'koperasi'],
  authorisationTtlDays: 30,
  splitWindowDays: 30,
};

export type PolicyEvent = { readonly type: 'PolicySet'; readonly data: PolicyVersion };

export interface PolicyState {
  readonly versions: readonly PolicyVersion[];
}

export interface SetPolicy {
  readonly type: 'SetPolicy';
  readonly effectiveFrom: Date;
  readonly values: PolicyValues;
  /** The command's time: a new rule may not take effect in the past. */
  readonly now: Date;
}

const DAYS_MAX = 3_650;

export const policyDecider: Decider<PolicyState, SetPolicy, PolicyEvent> = {
  initialState: () => ({ versions: [] }),
  evolve: (state, event) => ({ versions: [...state.versions, event.data] }),
  decide: (command, state) => {
    checkValues(command.values);
    if (Number.isNaN(command.effectiveFrom.getTime())) {
      throw invalid('INVALID_POLICY', 'the policy is invalid', [{ field: 'effectiveFrom', messages: ['must be a valid date and time'] }]);
    }
    if (command.effectiveFrom.getTime() < command.now.getTime()) {
      throw ruleViolation('POLICY_IN_THE_PAST', 'a policy may not take effect before it is set: decisions already made used the old one', {
        effectiveFrom: command.effectiveFrom.toISOString(),
        now: command.now.toISOString(),
      });
    }
    return [
      {
        type: 'PolicySet',
        data: { ...command.values, revision: state.versions.length + 1, effectiveFrom: command.effectiveFrom.toISOString() },
      },
    ];
  },
};

/** The policy in force at `at`: the latest effective version, the later revision winning a tie. */
export function policyAt(state: PolicyState, at: Date): PolicyVersion {
  let current = DEFAULT_POLICY;
  for (const version of state.versions) {
    const from = Date.parse(version.effectiveFrom);
    if (from > at.getTime()) continue;
    const currentFrom = Date.parse(current.effectiveFrom);
    if (from > currentFrom || (from === currentFrom && version.revision > current.revision)) current = version;
  }
  return current;
}

/** The KKP cap for one payment: the PMK 97/2021 allowance applies to domestic UMK products only. */
export function kkpCapFor(policy: PolicyValues, domesticUmkPurchase: boolean): number {
  return policy.domesticUmkAllowanceEnabled && domesticUmkPurchase ? policy.domesticUmkKkpCapRupiah : policy.kkpPerPayeeCapRupiah;
}

function checkValues(values: PolicyValues): void {
  const problems: { field: string; messages: string[] }[] = [];
  const amounts = ['maxOrderTotalRupiah', 'kkpPerPayeeCapRupiah', 'domesticUmkKkpCapRupiah'] as const;
  for (const field of amounts) {
    if (!Number.isSafeInteger(values[field]) || values[field] <= 0) problems.push({ field, messages: ['must be a positive integer (rupiah)'] });
  }
  for (const field of ['authorisationTtlDays', 'splitWindowDays'] as const) {
    if (!Number.isSafeInteger(values[field]) || values[field] < 1 || values[field] > DAYS_MAX) {
      problems.push({ field, messages: [`must be an integer from 1 to ${DAYS_MAX}`] });
    }
  }
  if (values.eligibleScales.length === 0 || values.eligibleScales.some((scale) => !VENDOR_SCALES.includes(scale))) {
    problems.push({ field: 'eligibleScales', messages: [`must be a non-empty subset of ${VENDOR_SCALES.join(', ')}`] });
  }
  if (problems.length > 0) throw invalid('INVALID_POLICY', 'the policy is invalid', problems);
}
