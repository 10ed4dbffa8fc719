import type { Decider } from '../../kernel/decider.js';
import { assertNever } from '../../kernel/assert.js';
import { FieldError, conflict, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { isRupiah } from '../../kernel/money.js';
import { requireText } from '../../kernel/text.js';
import type { VendorCommand } from './vendor.commands.js';
import type { VendorEvent } from './vendor.events.js';
import type { VendorProfile, VendorState } from './vendor.state.js';
import { isBanten, isKnownKabupatenKota } from './regions.js';
import { LEGAL_FORMS, REASON_LENGTH_MAX, SCALE_RULE, VENDOR_NAME_LENGTH_MAX, isValidNib, isValidNpwp, scaleOf } from './vendor-rules.js';

export const vendorStreamId = (vendorId: string): string => `vendor-${vendorId}`;

export const vendorDecider: Decider<VendorState, VendorCommand, VendorEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};

function evolve(state: VendorState, event: VendorEvent): VendorState {
  switch (event.type) {
    case 'VendorRegistered': {
      const { capitalRupiah: _c, annualSalesRupiah: _s, policyRevision: _p, ...profile } = event.data;
      return { status: 'pending', ...profile };
    }
    case 'VendorVerified':
      return state.status === 'absent' ? state : { ...profileOf(state), status: 'verified' };
    case 'VendorRejected':
      return state.status === 'absent' ? state : { ...state, status: 'rejected', reason: event.data.reason };
    case 'VendorSuspended':
      return state.status === 'absent' ? state : { ...state, status: 'suspended', reason: event.data.reason };
    case 'VendorReinstated':
      return state.status === 'absent' ? state : { ...profileOf(state), status: 'verified' };
    case 'VendorProfileUpdated': {
      if (state.status === 'absent') return state;
      const { vendorId: _v, ...changes } = event.data;
      return { ...state, ...changes };
    }
    default:
      return assertNever(event, 'vendor event');
  }
}

function decide(command: VendorCommand, state: VendorState): VendorEvent[] {
  if (command.type === 'RegisterVendor') return register(command, state);
  if (state.status === 'absent') throw notFound('VENDOR_NOT_FOUND', 'no such vendor');
  const vendorId = state.vendorId;
  switch (command.type) {
    case 'VerifyVendor':
      requireStatus(state.status, ['pending'], 'verify');
      return [{ type: 'VendorVerified', data: { vendorId } }];
    case 'RejectVendor':
      requireStatus(state.status, ['pending'], 'reject');
      return [{ type: 'VendorRejected', data: { vendorId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) } }];
    case 'SuspendVendor':
      requireStatus(state.status, ['verified'], 'suspend');
      return [{ type: 'VendorSuspended', data: { vendorId, reason: requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true }) } }];
    case 'ReinstateVendor':
      requireStatus(state.status, ['suspended'], 'reinstate');
      return [{ type: 'VendorReinstated', data: { vendorId } }];
    case 'UpdateVendorProfile': {
      requireStatus(state.status, ['pending', 'verified', 'suspended'], 'update');
      const kabupatenKotaCode = command.kabupatenKotaCode ?? state.kabupatenKotaCode;
      requireKabupatenKota(kabupatenKotaCode);
      const name = command.name === undefined ? state.name : requireText('name', command.name, VENDOR_NAME_LENGTH_MAX);
      const contact = command.contact ?? state.contact;
      const unchanged =
        name === state.name && kabupatenKotaCode === state.kabupatenKotaCode && contact.email === state.contact.email && contact.phone === state.contact.phone;
      // Like a reprice to the same price: a change that changes nothing is not a fact worth recording.
      if (unchanged) return [];
      return [{ type: 'VendorProfileUpdated', data: { vendorId, name, contact, kabupatenKotaCode, isLocal: isBanten(kabupatenKotaCode) } }];
    }
    default:
      return assertNever(command, 'vendor command');
  }
}

function register(command: Extract<VendorCommand, { type: 'RegisterVendor' }>, state: VendorState): VendorEvent[] {
  if (state.status !== 'absent') throw conflict('VENDOR_EXISTS', 'this vendor is already registered', { vendorId: state.vendorId });
  const errors: FieldError[] = [];
  if (!isValidNib(command.nib)) errors.push({ field: 'nib', messages: ['NIB must be 13 digits'] });
  if (!isValidNpwp(command.npwp)) errors.push({ field: 'npwp', messages: ['NPWP must be 15 or 16 digits'] });
  if (!LEGAL_FORMS.includes(command.legalForm)) errors.push({ field: 'legalForm', messages: [`one of ${LEGAL_FORMS.join(', ')}`] });
  for (const field of ['capitalRupiah', 'annualSalesRupiah'] as const) {
    const value = command[field];
    if (value !== undefined && !isRupiah(value)) errors.push({ field, messages: ['must be a non-negative integer (rupiah)'] });
  }
  if (command.capitalRupiah === undefined && command.annualSalesRupiah === undefined && command.legalForm !== 'koperasi') {
    errors.push({ field: 'capitalRupiah', messages: ['declare capital (or, failing that, annual sales) to classify the business'] });
  }
  if (errors.length > 0) throw invalid('INVALID_VENDOR', 'the registration is invalid', errors);
  requireKabupatenKota(command.kabupatenKotaCode);
  const scale = scaleOf(command.legalForm, command.capitalRupiah, command.annualSalesRupiah);
  if (!command.policy.eligibleScales.includes(scale)) {
    throw ruleViolation(
      'VENDOR_SCALE_INELIGIBLE',
      `a ${scale} business may not sell on Bela Pengadaan (only ${command.policy.eligibleScales.join(', ')}); menengah and large businesses sell on e-Katalog Lokal`,
      {
        rule: SCALE_RULE,
        scale,
        capitalRupiah: command.capitalRupiah ?? null,
        annualSalesRupiah: command.annualSalesRupiah ?? null,
        eligibleScales: command.policy.eligibleScales,
        policyRevision: command.policy.revision,
      },
    );
  }
  return [
    {
      type: 'VendorRegistered',
      data: {
        vendorId: command.vendorId,
        nib: command.nib,
        npwp: command.npwp,
        name: requireText('name', command.name, VENDOR_NAME_LENGTH_MAX),
        legalForm: command.legalForm,
        scale,
        capitalRupiah: command.capitalRupiah ?? null,
        annualSalesRupiah: command.annualSalesRupiah ?? null,
        kabupatenKotaCode: command.kabupatenKotaCode,
        isLocal: isBanten(command.kabupatenKotaCode),
        contact: command.contact,
        policyRevision: command.policy.revision,
      },
    },
  ];
}

function requireStatus(status: string, allowed: readonly string[], action: string): void {
  if (!allowed.includes(status)) {
    throw ruleViolation('VENDOR_INVALID_TRANSITION', `cannot ${action} a ${status} vendor`, { vendorStatus: status, allowedFrom: allowed });
  }
}

function requireKabupatenKota(code: string): void {
  if (!isKnownKabupatenKota(code)) {
    throw invalid('UNKNOWN_KABUPATEN_KOTA', `unknown BPS kabupaten/kota code ${code}`, [
      { field: 'kabupatenKotaCode', messages: ['must be a known 4-digit BPS kabupaten/kota code'] },
    ]);
  }
}

function profileOf(state: Exclude<VendorState, { status: 'absent' }>): VendorProfile {
  const { vendorId, nib, npwp, name, legalForm, scale, kabupatenKotaCode, isLocal, contact } = state;
  return { vendorId, nib, npwp, name, legalForm, scale, kabupatenKotaCode, isLocal, contact };
}
