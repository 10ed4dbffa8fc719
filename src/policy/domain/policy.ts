import { CATEGORY_CODES } from '../../catalog/domain/categories.js';
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
  /** 'flag': a split purchase is only raised as a red flag; 'refuse': placing the order that completes one is refused. */
  readonly splitPurchaseAction: SplitPurchaseAction;
  /** Red flag "just under the cap": an order total at or above this percent of maxOrderTotalRupiah. */
  readonly nearCapPercent: number;
  /** Red flag "concentration": one vendor's share of an OPD's yearly spending above this percent... */
  readonly concentrationSharePercent: number;
  /** ...once that OPD has spent at least this much in the year (tiny totals do not flag). */
  readonly concentrationMinSpendRupiah: number;
  /** Red flag "duplicate payment": same OPD, vendor and total within this many hours. */
  readonly duplicateWindowHours: number;
  /** Red flag "new vendor, large order": an order of at least newVendorLargeOrderRupiah within newVendorDays of verification. */
  readonly newVendorDays: number;
  readonly newVendorLargeOrderRupiah: number;
  /** Red flag "price outlier": the category's last priceOutlierSampleSize unit prices form the reference... */
  readonly priceOutlierSampleSize: number;
  /** ...and no flag is raised before it holds this many. */
  readonly priceOutlierMinSamples: number;
  /** Red flag "heterogeneous supplier": a micro or small vendor that has sold in at least this many categories. */
  readonly heterogeneousCategoriesMin: number;
}

export const SPLIT_PURCHASE_ACTIONS = ['flag', 'refuse'] as const;
export type SplitPurchaseAction = (typeof SPLIT_PURCHASE_ACTIONS)[number];

/** The red-flag parameters: PolicySet events written before they existed replay with these values. */
export const RED_FLAG_POLICY_DEFAULTS = {
  splitPurchaseAction: 'flag',
  nearCapPercent: 95,
  concentrationSharePercent: 50,
  concentrationMinSpendRupiah: 100_000_000,
  duplicateWindowHours: 72,
  newVendorDays: 14,
  newVendorLargeOrderRupiah: 25_000_000,
  priceOutlierSampleSize: 50,
  priceOutlierMinSamples: 10,
  heterogeneousCategoriesMin: 5,
} as const satisfies Partial<PolicyValues>;

/** Bounds of the red-flag parameters (one source: the DTO and the decider use them). */
export const PERCENT_MAX = 100;
export const DUPLICATE_WINDOW_HOURS_MAX = 24 * 366;
export const PRICE_OUTLIER_SAMPLE_SIZE_MAX = 500;
/** Q1 and Q3 need a few prices to mean anything. */
export const PRICE_OUTLIER_MIN_SAMPLES_MIN = 4;
export const CATEGORY_COUNT_MIN = 2;
/** Bound of every policy period in days (authorisation TTL, split-purchase window, new-vendor age). */
export const POLICY_DAYS_MAX = 3_650;

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
  ...RED_FLAG_POLICY_DEFAULTS,
};

/** A stored PolicySet's data, filled with the defaults of the parameters added after it was written. */
export function withPolicyDefaults(data: PolicySetData): PolicyVersion {
  return { ...RED_FLAG_POLICY_DEFAULTS, ...data };
}

type RedFlagParameter = keyof typeof RED_FLAG_POLICY_DEFAULTS;
/** PolicySet as stored: events written before the red-flag parameters existed lack them. */
export type PolicySetData = Omit<PolicyVersion, RedFlagParameter> & Partial<Pick<PolicyVersion, RedFlagParameter>>;

export type PolicyEvent = { readonly type: 'PolicySet'; readonly data: PolicySetData };

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

export const policyDecider: Decider<PolicyState, SetPolicy, PolicyEvent> = {
  initialState: () => ({ versions: [] }),
  evolve: (state, event) => ({ versions: [...state.versions, withPolicyDefaults(event.data)] }),
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
  for (const field of ['authorisationTtlDays', 'splitWindowDays', 'newVendorDays'] as const) {
    if (!Number.isSafeInteger(values[field]) || values[field] < 1 || values[field] > POLICY_DAYS_MAX) {
      problems.push({ field, messages: [`must be an integer from 1 to ${POLICY_DAYS_MAX}`] });
    }
  }
  const ranges: readonly [keyof PolicyValues, number, number][] = [
    ['nearCapPercent', 1, PERCENT_MAX],
    ['concentrationSharePercent', 1, PERCENT_MAX],
    ['concentrationMinSpendRupiah', 0, Number.MAX_SAFE_INTEGER],
    ['newVendorLargeOrderRupiah', 1, Number.MAX_SAFE_INTEGER],
    ['duplicateWindowHours', 1, DUPLICATE_WINDOW_HOURS_MAX],
    ['priceOutlierSampleSize', PRICE_OUTLIER_MIN_SAMPLES_MIN, PRICE_OUTLIER_SAMPLE_SIZE_MAX],
    ['priceOutlierMinSamples', PRICE_OUTLIER_MIN_SAMPLES_MIN, PRICE_OUTLIER_SAMPLE_SIZE_MAX],
    ['heterogeneousCategoriesMin', CATEGORY_COUNT_MIN, CATEGORY_CODES.length],
  ];
  for (const [field, min, max] of ranges) {
    const value = values[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
      problems.push({ field, messages: [`must be an integer from ${min} to ${max}`] });
  }
  if (values.priceOutlierMinSamples > values.priceOutlierSampleSize) {
    problems.push({ field: 'priceOutlierMinSamples', messages: ['must not exceed priceOutlierSampleSize'] });
  }
  if (!SPLIT_PURCHASE_ACTIONS.includes(values.splitPurchaseAction)) {
    problems.push({ field: 'splitPurchaseAction', messages: [`one of ${SPLIT_PURCHASE_ACTIONS.join(', ')}`] });
  }
  if (values.eligibleScales.length === 0 || values.eligibleScales.some((scale) => !VENDOR_SCALES.includes(scale))) {
    problems.push({ field: 'eligibleScales', messages: [`must be a non-empty subset of ${VENDOR_SCALES.join(', ')}`] });
  }
  if (problems.length > 0) throw invalid('INVALID_POLICY', 'the policy is invalid', problems);
}
