import { DEFAULT_POLICY, PolicyVersion } from '../../src/policy/domain/policy.js';
import type { VendorCommand } from '../../src/vendors/domain/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../../src/vendors/domain/vendor.decider.js';
import type { VendorEvent } from '../../src/vendors/domain/vendor.events.js';
import { given } from '../support/given-when-then.js';

const JUTA = 1_000_000;
const MILIAR = 1_000 * JUTA;
const VENDOR_ID = '0b9c7d3e-8a41-4f0e-9d6b-2f3a1c5e7d90';
const CONTACT = { email: 'sari@rasa.id', phone: '+62 254 123456' };

type Register = Extract<VendorCommand, { type: 'RegisterVendor' }>;
type Registered = Extract<VendorEvent, { type: 'VendorRegistered' }>;

const register = (overrides: Partial<Register> = {}): Register => ({
  type: 'RegisterVendor',
  vendorId: VENDOR_ID,
  nib: '9120301234567',
  npwp: '012345678901234',
  name: 'CV Sari Rasa',
  legalForm: 'cv',
  capitalRupiah: 750 * JUTA,
  kabupatenKotaCode: '3673',
  contact: CONTACT,
  policy: DEFAULT_POLICY,
  ...overrides,
});

const registered = (overrides: Partial<Registered['data']> = {}): Registered => ({
  type: 'VendorRegistered',
  data: {
    vendorId: VENDOR_ID,
    nib: '9120301234567',
    npwp: '012345678901234',
    name: 'CV Sari Rasa',
    legalForm: 'cv',
    scale: 'mikro',
    capitalRupiah: 750 * JUTA,
    annualSalesRupiah: null,
    kabupatenKotaCode: '3673',
    isLocal: true,
    contact: CONTACT,
    policyRevision: 0,
    ...overrides,
  },
});

const verified: VendorEvent = { type: 'VendorVerified', data: { vendorId: VENDOR_ID } };
const rejected: VendorEvent = { type: 'VendorRejected', data: { vendorId: VENDOR_ID, reason: 'NIB tidak sesuai OSS' } };
const suspended: VendorEvent = { type: 'VendorSuspended', data: { vendorId: VENDOR_ID, reason: 'keluhan pembeli' } };
const reinstated: VendorEvent = { type: 'VendorReinstated', data: { vendorId: VENDOR_ID } };

/** A policy that narrows eligibility, to show the decision records the revision it used. */
const policy = (overrides: Partial<PolicyVersion>): PolicyVersion => ({ ...DEFAULT_POLICY, ...overrides });

describe('vendor decider (unit)', () => {
  it('names its stream vendor-<id>', () => {
    expect(vendorStreamId(VENDOR_ID)).toBe(`vendor-${VENDOR_ID}`);
  });

  describe('RegisterVendor', () => {
    it('given nothing, when a mikro CV in Kota Serang registers, then VendorRegistered with scale, figures, locality and policy revision', () => {
      given(vendorDecider, []).when(register()).then([registered()]);
    });

    it('records the policy revision in force and keeps the figures it classified on', () => {
      given(vendorDecider, [])
        .when(register({ capitalRupiah: undefined, annualSalesRupiah: 9 * MILIAR, policy: policy({ revision: 4 }) }))
        .then([registered({ scale: 'kecil', capitalRupiah: null, annualSalesRupiah: 9 * MILIAR, policyRevision: 4 })]);
    });

    it('registers a koperasi without figures: it is its own class', () => {
      given(vendorDecider, [])
        .when(register({ legalForm: 'koperasi', capitalRupiah: undefined, name: 'Koperasi Sari Rasa' }))
        .then([registered({ legalForm: 'koperasi', scale: 'koperasi', capitalRupiah: null, name: 'Koperasi Sari Rasa' })]);
    });

    it('registers a koperasi with large figures: the scale test is for businesses, not cooperatives', () => {
      const [event] = given(vendorDecider, [])
        .when(register({ legalForm: 'koperasi', capitalRupiah: 20 * MILIAR }))
        .decided();
      expect(event).toMatchObject({ type: 'VendorRegistered', data: { scale: 'koperasi', capitalRupiah: 20 * MILIAR } });
    });

    it('marks a vendor outside Banten as not local', () => {
      given(vendorDecider, [])
        .when(register({ kabupatenKotaCode: '3273' }))
        .then([registered({ kabupatenKotaCode: '3273', isLocal: false })]);
    });

    it('trims the name', () => {
      given(vendorDecider, [])
        .when(register({ name: '  CV Sari Rasa  ' }))
        .then([registered()]);
    });

    it.each([
      ['capital', 1 * MILIAR, undefined, 'mikro'],
      ['capital', 1 * MILIAR + 1, undefined, 'kecil'],
      ['capital', 5 * MILIAR, undefined, 'kecil'],
      ['sales', undefined, 2 * MILIAR, 'mikro'],
      ['sales', undefined, 2 * MILIAR + 1, 'kecil'],
      ['sales', undefined, 15 * MILIAR, 'kecil'],
    ])('accepts the PP 7/2021 boundary by %s (capital %p, sales %p) as %s', (_by, capitalRupiah, annualSalesRupiah, scale) => {
      const [event] = given(vendorDecider, []).when(register({ capitalRupiah, annualSalesRupiah })).decided();
      expect(event).toMatchObject({ type: 'VendorRegistered', data: { scale } });
    });

    it.each([
      ['capital', 5 * MILIAR + 1, undefined, 'menengah'],
      ['capital', 10 * MILIAR, undefined, 'menengah'],
      ['capital', 10 * MILIAR + 1, undefined, 'besar'],
      ['sales', undefined, 15 * MILIAR + 1, 'menengah'],
      ['sales', undefined, 50 * MILIAR, 'menengah'],
      ['sales', undefined, 50 * MILIAR + 1, 'besar'],
    ])(
      'refuses a %s-tested ineligible business (capital %p, sales %p, %s) naming the rule, the figures and the policy revision',
      (_by, capitalRupiah, annualSalesRupiah, scale) => {
        const error = given(vendorDecider, [])
          .when(register({ capitalRupiah, annualSalesRupiah, policy: policy({ revision: 2 }) }))
          .thenRefuses({ kind: 'business_rule', code: 'VENDOR_SCALE_INELIGIBLE' });
        expect(error.details).toEqual({
          rule: 'PP 7/2021 Pasal 35',
          scale,
          capitalRupiah: capitalRupiah ?? null,
          annualSalesRupiah: annualSalesRupiah ?? null,
          eligibleScales: ['mikro', 'kecil', 'koperasi'],
          policyRevision: 2,
        });
        expect(error.message).toContain('e-Katalog Lokal');
      },
    );

    it('refuses by capital even when annual sales alone would qualify (capital is the test)', () => {
      given(vendorDecider, [])
        .when(register({ capitalRupiah: 6 * MILIAR, annualSalesRupiah: 1 * MILIAR }))
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_SCALE_INELIGIBLE', details: { scale: 'menengah', capitalRupiah: 6 * MILIAR } });
    });

    it('follows the policy: a koperasi is refused when the policy in force leaves koperasi out', () => {
      given(vendorDecider, [])
        .when(register({ legalForm: 'koperasi', capitalRupiah: undefined, policy: policy({ revision: 3, eligibleScales: ['mikro', 'kecil'] }) }))
        .thenRefuses({
          kind: 'business_rule',
          code: 'VENDOR_SCALE_INELIGIBLE',
          details: { scale: 'koperasi', eligibleScales: ['mikro', 'kecil'], policyRevision: 3 },
        });
    });

    it('follows the policy: a kecil business is refused under a mikro-only policy', () => {
      given(vendorDecider, [])
        .when(register({ capitalRupiah: 2 * MILIAR, policy: policy({ revision: 5, eligibleScales: ['mikro'] }) }))
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_SCALE_INELIGIBLE', details: { scale: 'kecil', policyRevision: 5 } });
    });

    it.each(['912030123456', '91203012345678', '91203O1234567', '9120-301234567', ''])('refuses the malformed NIB %j', (nib) => {
      given(vendorDecider, [])
        .when(register({ nib }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR', details: { errors: [{ field: 'nib', messages: ['NIB must be 13 digits'] }] } });
    });

    it.each(['012345678901234', '0012345678901234', '3673012345670001'])('accepts the NPWP %j (15 or 16 digits)', (npwp) => {
      given(vendorDecider, [])
        .when(register({ npwp }))
        .then([registered({ npwp })]);
    });

    it.each(['01234567890123', '00123456789012345', '01.234.567.8-901.234', '01234567890123X', ''])('refuses the malformed NPWP %j', (npwp) => {
      given(vendorDecider, [])
        .when(register({ npwp }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR', details: { errors: [{ field: 'npwp', messages: ['NPWP must be 15 or 16 digits'] }] } });
    });

    it('names every failing field at once', () => {
      const error = given(vendorDecider, [])
        .when(register({ nib: '1', npwp: '2', capitalRupiah: -1 }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR' });
      expect((error.details.errors as { field: string }[]).map((e) => e.field)).toEqual(['nib', 'npwp', 'capitalRupiah']);
    });

    it.each([-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY])('refuses the capital %p (not a non-negative safe integer)', (capitalRupiah) => {
      given(vendorDecider, [])
        .when(register({ capitalRupiah }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR', details: { errors: [{ field: 'capitalRupiah' }] } });
    });

    it.each([-5, 0.5, 2 ** 53])('refuses the annual sales %p', (annualSalesRupiah) => {
      given(vendorDecider, [])
        .when(register({ capitalRupiah: undefined, annualSalesRupiah }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR', details: { errors: [{ field: 'annualSalesRupiah' }] } });
    });

    it('refuses a business that declares neither capital nor annual sales', () => {
      given(vendorDecider, [])
        .when(register({ capitalRupiah: undefined }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR', details: { errors: [{ field: 'capitalRupiah' }] } });
    });

    it('refuses an unknown legal form', () => {
      given(vendorDecider, [])
        .when(register({ legalForm: 'bumn' as never }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_VENDOR', details: { errors: [{ field: 'legalForm' }] } });
    });

    it.each(['3699', '3675', '3600', '3170', '9999', '0000', '367', 'abcd'])('refuses the unknown kabupaten/kota code %j', (kabupatenKotaCode) => {
      given(vendorDecider, [])
        .when(register({ kabupatenKotaCode }))
        .thenRefuses({ kind: 'validation', code: 'UNKNOWN_KABUPATEN_KOTA', details: { errors: [{ field: 'kabupatenKotaCode' }] } });
    });

    it('counts a name in characters: 200 emoji fit', () => {
      given(vendorDecider, [])
        .when(register({ name: '🍛'.repeat(200) }))
        .then([registered({ name: '🍛'.repeat(200) })]);
    });

    it.each(['', '   ', 'x'.repeat(201), '🍛'.repeat(201), 'CV\u0000Sari', 'CV Sari\nRasa', '\u001b[31mCV'])('refuses the name %j', (name) => {
      given(vendorDecider, [])
        .when(register({ name }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT', details: { errors: [{ field: 'name' }] } });
    });

    it('given a registered vendor, when it registers again, then VENDOR_EXISTS', () => {
      given(vendorDecider, [registered()])
        .when(register())
        .thenRefuses({ kind: 'conflict', code: 'VENDOR_EXISTS', details: { vendorId: VENDOR_ID } });
    });

    it('given a rejected vendor, when the same vendor id registers again, then VENDOR_EXISTS (a new applicant uses a new id)', () => {
      given(vendorDecider, [registered(), rejected]).when(register()).thenRefuses({ kind: 'conflict', code: 'VENDOR_EXISTS' });
    });
  });

  describe('lifecycle: pending -> verified | rejected; verified <-> suspended', () => {
    it('given a pending vendor, when verified, then VendorVerified', () => {
      given(vendorDecider, [registered()]).when({ type: 'VerifyVendor' }).then([verified]);
      expect(given(vendorDecider, [registered(), verified]).state()).toMatchObject({ status: 'verified', nib: '9120301234567' });
    });

    it('given a pending vendor, when rejected with a reason, then VendorRejected with the trimmed reason', () => {
      given(vendorDecider, [registered()]).when({ type: 'RejectVendor', reason: '  NIB tidak sesuai OSS ' }).then([rejected]);
      expect(given(vendorDecider, [registered(), rejected]).state()).toMatchObject({ status: 'rejected', reason: 'NIB tidak sesuai OSS' });
    });

    it('given a verified vendor, when suspended, then VendorSuspended', () => {
      given(vendorDecider, [registered(), verified]).when({ type: 'SuspendVendor', reason: 'keluhan pembeli' }).then([suspended]);
      expect(given(vendorDecider, [registered(), verified, suspended]).state()).toMatchObject({ status: 'suspended', reason: 'keluhan pembeli' });
    });

    it('given a suspended vendor, when reinstated, then VendorReinstated and the suspension reason is gone', () => {
      given(vendorDecider, [registered(), verified, suspended]).when({ type: 'ReinstateVendor' }).then([reinstated]);
      const state = given(vendorDecider, [registered(), verified, suspended, reinstated]).state();
      expect(state).toMatchObject({ status: 'verified' });
      expect(state).not.toHaveProperty('reason');
    });

    it('suspends again after a reinstatement', () => {
      given(vendorDecider, [registered(), verified, suspended, reinstated]).when({ type: 'SuspendVendor', reason: 'keluhan pembeli' }).then([suspended]);
    });

    it('keeps a reason of up to 500 characters, line breaks included (as the API accepts)', () => {
      const reason = `${'a'.repeat(250)}\n${'b'.repeat(249)}`;
      given(vendorDecider, [registered()])
        .when({ type: 'RejectVendor', reason })
        .then([{ type: 'VendorRejected', data: { vendorId: VENDOR_ID, reason } }]);
      given(vendorDecider, [registered(), verified])
        .when({ type: 'SuspendVendor', reason })
        .then([{ type: 'VendorSuspended', data: { vendorId: VENDOR_ID, reason } }]);
    });

    it.each(['', '  ', 'x'.repeat(501), 'a\u0000b'])('refuses a rejection or suspension without a proper reason (%j)', (reason) => {
      given(vendorDecider, [registered()]).when({ type: 'RejectVendor', reason }).thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(vendorDecider, [registered(), verified]).when({ type: 'SuspendVendor', reason }).thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    });

    const histories: Record<string, VendorEvent[]> = {
      pending: [registered()],
      verified: [registered(), verified],
      rejected: [registered(), rejected],
      suspended: [registered(), verified, suspended],
    };
    const transitions: [VendorCommand, string][] = [
      [{ type: 'VerifyVendor' }, 'pending'],
      [{ type: 'RejectVendor', reason: 'tidak lengkap' }, 'pending'],
      [{ type: 'SuspendVendor', reason: 'keluhan' }, 'verified'],
      [{ type: 'ReinstateVendor' }, 'suspended'],
    ];
    const invalid = transitions.flatMap(([command, from]) =>
      Object.keys(histories)
        .filter((status) => status !== from)
        .map((status) => [command.type, status, command, from] as const),
    );

    it.each(invalid)('refuses %s for a %s vendor with VENDOR_INVALID_TRANSITION and writes nothing', (_type, status, command, from) => {
      given(vendorDecider, histories[status]!)
        .when(command)
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_INVALID_TRANSITION', details: { vendorStatus: status, allowedFrom: [from] } });
    });

    it.each(transitions.map(([command]) => [command.type, command] as const))(
      'refuses %s for a vendor that never registered with VENDOR_NOT_FOUND',
      (_type, command) => {
        given(vendorDecider, []).when(command).thenRefuses({ kind: 'not_found', code: 'VENDOR_NOT_FOUND' });
      },
    );
  });

  describe('UpdateVendorProfile', () => {
    const updated = (overrides: Record<string, unknown> = {}): VendorEvent => ({
      type: 'VendorProfileUpdated',
      data: { vendorId: VENDOR_ID, name: 'CV Sari Rasa', contact: CONTACT, kabupatenKotaCode: '3673', isLocal: true, ...overrides } as never,
    });

    it('given a verified vendor, when it renames itself, then VendorProfileUpdated with the whole new profile', () => {
      given(vendorDecider, [registered(), verified])
        .when({ type: 'UpdateVendorProfile', name: ' CV Sari Rasa Banten ' })
        .then([updated({ name: 'CV Sari Rasa Banten' })]);
    });

    it('moving out of Banten makes the vendor not local, and the state follows', () => {
      given(vendorDecider, [registered()])
        .when({ type: 'UpdateVendorProfile', kabupatenKotaCode: '3273' })
        .then([updated({ kabupatenKotaCode: '3273', isLocal: false })]);
      const state = given(vendorDecider, [registered(), updated({ kabupatenKotaCode: '3273', isLocal: false })]).state();
      expect(state).toMatchObject({ status: 'pending', kabupatenKotaCode: '3273', isLocal: false });
    });

    it('changes the contact of a suspended vendor and keeps it suspended', () => {
      const contact = { email: 'baru@rasa.id', phone: '0254-123456' };
      given(vendorDecider, [registered(), verified, suspended])
        .when({ type: 'UpdateVendorProfile', contact })
        .then([updated({ contact })]);
      expect(given(vendorDecider, [registered(), verified, suspended, updated({ contact })]).state()).toMatchObject({
        status: 'suspended',
        contact,
        reason: 'keluhan pembeli',
      });
    });

    it('writes nothing when nothing changes', () => {
      given(vendorDecider, [registered(), verified]).when({ type: 'UpdateVendorProfile' }).then([]);
      given(vendorDecider, [registered(), verified])
        .when({ type: 'UpdateVendorProfile', name: 'CV Sari Rasa', kabupatenKotaCode: '3673', contact: { ...CONTACT } })
        .then([]);
    });

    it('refuses an unknown kabupaten/kota code', () => {
      given(vendorDecider, [registered()])
        .when({ type: 'UpdateVendorProfile', kabupatenKotaCode: '3699' })
        .thenRefuses({ kind: 'validation', code: 'UNKNOWN_KABUPATEN_KOTA' });
    });

    it('refuses a blank name', () => {
      given(vendorDecider, [registered()]).when({ type: 'UpdateVendorProfile', name: '   ' }).thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    });

    it('refuses to update a rejected vendor', () => {
      given(vendorDecider, [registered(), rejected])
        .when({ type: 'UpdateVendorProfile', name: 'Lain' })
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_INVALID_TRANSITION', details: { vendorStatus: 'rejected' } });
    });

    it('refuses to update a vendor that never registered', () => {
      given(vendorDecider, []).when({ type: 'UpdateVendorProfile', name: 'Lain' }).thenRefuses({ kind: 'not_found', code: 'VENDOR_NOT_FOUND' });
    });
  });
});
