import { DEFAULT_POLICY, PolicyEvent, PolicyValues, PolicyVersion, SetPolicy, kkpCapFor, policyAt, policyDecider } from '../../src/policy/domain/policy.js';
import { given } from '../support/given-when-then.js';

const NOW = new Date('2026-11-26T03:00:00.000Z');
const { revision: _revision, effectiveFrom: _from, ...DEFAULT_VALUES } = DEFAULT_POLICY;

const setPolicy = (effectiveFrom: string | Date, values: Partial<PolicyValues> = {}, now = NOW): SetPolicy => ({
  type: 'SetPolicy',
  effectiveFrom: new Date(effectiveFrom),
  values: { ...DEFAULT_VALUES, ...values },
  now,
});

const policySet = (revision: number, effectiveFrom: string, values: Partial<PolicyValues> = {}): PolicyEvent & { data: PolicyVersion } => ({
  type: 'PolicySet',
  data: { ...DEFAULT_VALUES, ...values, revision, effectiveFrom },
});

describe('policy decider (unit)', () => {
  describe('SetPolicy', () => {
    it('given no policy set, when an admin sets one from tomorrow, then PolicySet revision 1', () => {
      given(policyDecider, [])
        .when(setPolicy('2026-11-27T00:00:00+07:00', { maxOrderTotalRupiah: 40_000_000 }))
        .then([policySet(1, '2026-11-26T17:00:00.000Z', { maxOrderTotalRupiah: 40_000_000 })]);
    });

    it('given two versions, when another is set, then it is revision 3', () => {
      given(policyDecider, [policySet(1, '2026-12-01T00:00:00.000Z'), policySet(2, '2027-01-01T00:00:00.000Z')])
        .when(setPolicy('2027-02-01T00:00:00.000Z', { domesticUmkAllowanceEnabled: true }))
        .then([policySet(3, '2027-02-01T00:00:00.000Z', { domesticUmkAllowanceEnabled: true })]);
    });

    it('accepts a policy effective at the very moment it is set', () => {
      given(policyDecider, [])
        .when(setPolicy(NOW))
        .then([policySet(1, NOW.toISOString())]);
    });

    it('refuses a policy effective in the past: decisions already made used the old one', () => {
      given(policyDecider, [])
        .when(setPolicy(new Date(NOW.getTime() - 1)))
        .thenRefuses({
          kind: 'business_rule',
          code: 'POLICY_IN_THE_PAST',
          details: { effectiveFrom: '2026-11-26T02:59:59.999Z', now: NOW.toISOString() },
        });
    });

    it('refuses an effective date that is not a date', () => {
      given(policyDecider, [])
        .when(setPolicy(new Date(Number.NaN)))
        .thenRefuses({ kind: 'validation', code: 'INVALID_POLICY', details: { errors: [{ field: 'effectiveFrom' }] } });
    });

    it.each(['maxOrderTotalRupiah', 'kkpPerPayeeCapRupiah', 'domesticUmkKkpCapRupiah'] as const)(
      'refuses a %s that is not a positive safe integer',
      (field) => {
        for (const value of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
          given(policyDecider, [])
            .when(setPolicy('2027-01-01T00:00:00Z', { [field]: value }))
            .thenRefuses({ kind: 'validation', code: 'INVALID_POLICY', details: { errors: [{ field }] } });
        }
      },
    );

    it.each(['authorisationTtlDays', 'splitWindowDays'] as const)('refuses a %s outside 1..3650 whole days', (field) => {
      for (const value of [0, -1, 1.5, 3_651, Number.NaN]) {
        given(policyDecider, [])
          .when(setPolicy('2027-01-01T00:00:00Z', { [field]: value }))
          .thenRefuses({ kind: 'validation', code: 'INVALID_POLICY', details: { errors: [{ field }] } });
      }
      const [event] = given(policyDecider, [])
        .when(setPolicy('2027-01-01T00:00:00Z', { [field]: 3_650 }))
        .decided();
      expect(event!.data[field]).toBe(3_650);
    });

    it.each([[[]], [['mikro', 'raksasa']]])('refuses the eligible scales %j', (eligibleScales) => {
      given(policyDecider, [])
        .when(setPolicy('2027-01-01T00:00:00Z', { eligibleScales: eligibleScales as never }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_POLICY', details: { errors: [{ field: 'eligibleScales' }] } });
    });

    it('names every invalid value at once', () => {
      const error = given(policyDecider, [])
        .when(setPolicy('2027-01-01T00:00:00Z', { maxOrderTotalRupiah: 0, splitWindowDays: 0, eligibleScales: [] }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_POLICY' });
      expect((error.details.errors as { field: string }[]).map((e) => e.field)).toEqual(['maxOrderTotalRupiah', 'splitWindowDays', 'eligibleScales']);
    });
  });

  describe('red-flag parameters', () => {
    it('carries them in PolicySet (splitPurchaseAction refuse, a 90% near-cap floor)', () => {
      given(policyDecider, [])
        .when(setPolicy('2027-01-01T00:00:00.000Z', { splitPurchaseAction: 'refuse', nearCapPercent: 90 }))
        .then([policySet(1, '2027-01-01T00:00:00.000Z', { splitPurchaseAction: 'refuse', nearCapPercent: 90 })]);
    });

    it('reads a PolicySet written before they existed with their defaults', () => {
      const {
        splitPurchaseAction: _a,
        nearCapPercent: _b,
        concentrationSharePercent: _c,
        concentrationMinSpendRupiah: _d,
        duplicateWindowHours: _e,
        newVendorDays: _f,
        newVendorLargeOrderRupiah: _g,
        priceOutlierSampleSize: _h,
        priceOutlierMinSamples: _i,
        heterogeneousCategoriesMin: _j,
        ...old
      } = policySet(1, '2027-01-01T00:00:00.000Z', { maxOrderTotalRupiah: 40_000_000 }).data;
      const version = policyAt(given(policyDecider, [{ type: 'PolicySet', data: old }]).state(), new Date('2027-02-01T00:00:00.000Z'));
      expect(version).toEqual({ ...DEFAULT_POLICY, revision: 1, effectiveFrom: '2027-01-01T00:00:00.000Z', maxOrderTotalRupiah: 40_000_000 });
      expect(version).toMatchObject({ splitPurchaseAction: 'flag', nearCapPercent: 95, duplicateWindowHours: 72 });
    });

    it('refuses values out of range, naming each', () => {
      const error = given(policyDecider, [])
        .when(
          setPolicy('2027-01-01T00:00:00Z', {
            splitPurchaseAction: 'block' as never,
            nearCapPercent: 101,
            concentrationSharePercent: 0,
            duplicateWindowHours: 0,
            priceOutlierSampleSize: 20,
            priceOutlierMinSamples: 30,
            heterogeneousCategoriesMin: 1,
          }),
        )
        .thenRefuses({ kind: 'validation', code: 'INVALID_POLICY' });
      expect((error.details.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(
        [
          'concentrationSharePercent',
          'duplicateWindowHours',
          'heterogeneousCategoriesMin',
          'nearCapPercent',
          'priceOutlierMinSamples',
          'splitPurchaseAction',
        ].sort(),
      );
    });
  });

  describe('policyAt: the version in force at a time', () => {
    const state = (events: PolicyEvent[]) => given(policyDecider, events).state();

    it('is the built-in default (revision 0) before any version is set', () => {
      expect(policyAt(state([]), NOW)).toEqual(DEFAULT_POLICY);
      expect(DEFAULT_POLICY).toMatchObject({
        revision: 0,
        maxOrderTotalRupiah: 50_000_000,
        kkpPerPayeeCapRupiah: 50_000_000,
        eligibleScales: ['mikro', 'kecil', 'koperasi'],
        authorisationTtlDays: 30,
        splitWindowDays: 30,
      });
    });

    it('is the default until the first version takes effect, and that version from its first millisecond', () => {
      const versions = state([policySet(1, '2027-01-01T00:00:00.000Z')]);
      expect(policyAt(versions, new Date('2026-12-31T23:59:59.999Z')).revision).toBe(0);
      expect(policyAt(versions, new Date('2027-01-01T00:00:00.000Z')).revision).toBe(1);
      expect(policyAt(versions, new Date('2030-01-01T00:00:00.000Z')).revision).toBe(1);
    });

    it('picks the version with the latest effective date not after the time, whatever order they were set in', () => {
      const versions = state([policySet(1, '2027-03-01T00:00:00.000Z'), policySet(2, '2027-01-01T00:00:00.000Z'), policySet(3, '2027-02-01T00:00:00.000Z')]);
      expect(policyAt(versions, new Date('2027-01-15T00:00:00.000Z')).revision).toBe(2);
      expect(policyAt(versions, new Date('2027-02-15T00:00:00.000Z')).revision).toBe(3);
      expect(policyAt(versions, new Date('2027-03-15T00:00:00.000Z')).revision).toBe(1);
    });

    it('breaks a tie of effective dates by the later revision', () => {
      const versions = state([
        policySet(1, '2027-01-01T00:00:00.000Z', { maxOrderTotalRupiah: 10 }),
        policySet(2, '2027-01-01T00:00:00.000Z', { maxOrderTotalRupiah: 20 }),
        policySet(3, '2026-12-01T00:00:00.000Z', { maxOrderTotalRupiah: 30 }),
      ]);
      expect(policyAt(versions, new Date('2027-01-01T00:00:00.000Z'))).toMatchObject({ revision: 2, maxOrderTotalRupiah: 20 });
      expect(policyAt(versions, new Date('2026-12-15T00:00:00.000Z'))).toMatchObject({ revision: 3, maxOrderTotalRupiah: 30 });
    });
  });

  describe('kkpCapFor (PMK 97/PMK.05/2021 allowance)', () => {
    it('is the ordinary per-payee cap unless the allowance is on and the purchase is a domestic UMK product', () => {
      expect(kkpCapFor(DEFAULT_POLICY, true)).toBe(50_000_000);
      const withAllowance = { ...DEFAULT_POLICY, domesticUmkAllowanceEnabled: true };
      expect(kkpCapFor(withAllowance, true)).toBe(200_000_000);
      expect(kkpCapFor(withAllowance, false)).toBe(50_000_000);
    });
  });
});
