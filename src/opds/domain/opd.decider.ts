import { assertNever } from '../../kernel/assert.js';
import type { Decider } from '../../kernel/decider.js';
import { conflict, invalid, notFound, ruleViolation } from '../../kernel/errors.js';
import { requireText } from '../../kernel/text.js';
import { isKnownKabupatenKota } from '../../vendors/domain/regions.js';
import { OPD_CODE_FORMAT, isKnownPemda, isOpdCode, pemdaOf } from './opd-code.js';
import type { OpdCommand } from './opd.commands.js';
import type { OpdEvent } from './opd.events.js';
import type { OpdSnapshot, OpdState } from './opd.state.js';

export const OPD_NAME_LENGTH_MAX = 200;

/** One stream per OPD code: registering it twice is a conflict, whoever tries. */
export const opdStreamId = (opdCode: string): string => `opd-${opdCode}`;

export const opdDecider: Decider<OpdState, OpdCommand, OpdEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};

function evolve(state: OpdState, event: OpdEvent): OpdState {
  switch (event.type) {
    case 'OpdRegistered':
      return { status: 'registered', ...event.data };
    case 'OpdRenamed':
      return state.status === 'absent' ? state : { ...state, name: event.data.name };
    default:
      return assertNever(event, 'opd event');
  }
}

function decide(command: OpdCommand, state: OpdState): OpdEvent[] {
  switch (command.type) {
    case 'RegisterOpd':
      return register(command, state);
    case 'RenameOpd': {
      if (state.status === 'absent') throw notFound('OPD_NOT_FOUND', 'no such OPD');
      const name = requireText('name', command.name, OPD_NAME_LENGTH_MAX);
      if (name === state.name) return [];
      return [{ type: 'OpdRenamed', data: { opdCode: state.opdCode, previousName: state.name, name } }];
    }
    default:
      return assertNever(command, 'opd command');
  }
}

/**
 * The code's prefix names the parent pemda; the OPD sits in a kabupaten/kota of it: the same one
 * for a kabupaten/kota's OPD, one inside the province for a province's OPD (where its office is,
 * usually the provincial capital: Kota Serang, 3673, for Pemprov Banten).
 */
function register(command: Extract<OpdCommand, { type: 'RegisterOpd' }>, state: OpdState): OpdEvent[] {
  if (state.status !== 'absent') throw conflict('OPD_EXISTS', `OPD ${state.opdCode} is already registered`, { opdCode: state.opdCode });
  if (!isOpdCode(command.opdCode)) throw invalid('INVALID_OPD_CODE', `an OPD code is ${OPD_CODE_FORMAT}`, [{ field: 'opdCode', messages: [OPD_CODE_FORMAT] }]);
  if (!isKnownKabupatenKota(command.kabupatenKotaCode)) {
    throw invalid('UNKNOWN_KABUPATEN_KOTA', `unknown BPS kabupaten/kota code ${command.kabupatenKotaCode}`, [
      { field: 'kabupatenKotaCode', messages: ['must be a known 4-digit BPS kabupaten/kota code'] },
    ]);
  }
  const pemda = pemdaOf(command.opdCode);
  if (!isKnownPemda(pemda)) {
    throw invalid('UNKNOWN_PEMDA', `the code's prefix ${pemda.pemdaCode} is no BPS province or kabupaten/kota code`, [
      { field: 'opdCode', messages: ['must start with a known BPS province (2 digits) or kabupaten/kota (4 digits) code'] },
    ]);
  }
  if (!command.kabupatenKotaCode.startsWith(pemda.pemdaCode)) {
    throw ruleViolation('OPD_OUTSIDE_ITS_PEMDA', `an OPD of pemda ${pemda.pemdaCode} sits in that pemda's own territory`, {
      opdCode: command.opdCode,
      pemdaCode: pemda.pemdaCode,
      kabupatenKotaCode: command.kabupatenKotaCode,
    });
  }
  const name = requireText('name', command.name, OPD_NAME_LENGTH_MAX);
  return [
    {
      type: 'OpdRegistered',
      data: { opdCode: command.opdCode, name, kabupatenKotaCode: command.kabupatenKotaCode, pemdaCode: pemda.pemdaCode, pemdaLevel: pemda.level },
    },
  ];
}

/** The OPD as another context's decider sees it. */
export function opdSnapshot(opdCode: string, state: OpdState): OpdSnapshot {
  return state.status === 'absent' ? { opdCode, status: 'absent' } : state;
}

/** Refuses a command that names an OPD nobody registered (cards, orders). */
export function requireRegisteredOpd(opd: OpdSnapshot): Exclude<OpdSnapshot, { status: 'absent' }> {
  if (opd.status === 'absent') {
    throw ruleViolation('OPD_NOT_REGISTERED', `OPD ${opd.opdCode} is not registered: an admin registers it first (POST /opds)`, { opdCode: opd.opdCode });
  }
  return opd;
}
