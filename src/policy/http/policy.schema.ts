import type { SchemaObject } from '@nestjs/swagger';
import { BOOLEAN, DATE_TIME, INTEGER, RUPIAH, arrayOf, objectSchema } from '../../http/openapi/api-responses.js';
import { SPLIT_PURCHASE_ACTIONS, VENDOR_SCALES, type PolicyVersion } from '../domain/policy.js';

const DAYS: SchemaObject = { ...INTEGER, minimum: 1 };
const PERCENT: SchemaObject = { ...INTEGER, minimum: 0, maximum: 100 };
const COUNT: SchemaObject = { ...INTEGER, minimum: 0 };

/** One policy version: its revision, when it takes effect, and every rule's value (src/policy/domain/policy.ts). */
const POLICY_VERSION_SCHEMA = objectSchema<PolicyVersion>({
  revision: { ...INTEGER, minimum: 0, description: '0 is the built-in default' },
  effectiveFrom: DATE_TIME,
  maxOrderTotalRupiah: RUPIAH,
  kkpPerPayeeCapRupiah: RUPIAH,
  domesticUmkAllowanceEnabled: BOOLEAN,
  domesticUmkKkpCapRupiah: RUPIAH,
  eligibleScales: { ...arrayOf({ type: 'string', enum: [...VENDOR_SCALES] }), minItems: 1, uniqueItems: true },
  authorisationTtlDays: DAYS,
  splitWindowDays: DAYS,
  splitPurchaseAction: { type: 'string', enum: [...SPLIT_PURCHASE_ACTIONS] },
  nearCapPercent: PERCENT,
  concentrationSharePercent: PERCENT,
  concentrationMinSpendRupiah: RUPIAH,
  duplicateWindowHours: { ...INTEGER, minimum: 1 },
  newVendorDays: DAYS,
  newVendorLargeOrderRupiah: RUPIAH,
  priceOutlierSampleSize: COUNT,
  priceOutlierMinSamples: COUNT,
  heterogeneousCategoriesMin: COUNT,
});

export const POLICY_SCHEMA = objectSchema<{ current: PolicyVersion; versions: readonly PolicyVersion[] }>({
  current: { ...POLICY_VERSION_SCHEMA, description: 'the version in force now' },
  versions: { ...arrayOf(POLICY_VERSION_SCHEMA), minItems: 1, description: 'every version, the built-in default first' },
});
