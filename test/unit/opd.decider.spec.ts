import { OPD_CODE_LENGTH_MAX, isOpdCode, pemdaName, pemdaOf } from '../../src/opds/domain/opd-code.js';
import type { OpdEvent } from '../../src/opds/domain/opd.events.js';
import { opdDecider, opdStreamId } from '../../src/opds/domain/opd.decider.js';
import { given } from '../support/given-when-then.js';

const registered = (opdCode = '3673-DINKES', kabupatenKotaCode = '3673'): OpdEvent => {
  const pemda = pemdaOf(opdCode);
  return {
    type: 'OpdRegistered',
    data: { opdCode, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode, pemdaCode: pemda.pemdaCode, pemdaLevel: pemda.level },
  };
};
const register = (opdCode = '3673-DINKES', kabupatenKotaCode = '3673', name = 'Dinas Kesehatan Kota Serang') =>
  ({ type: 'RegisterOpd', opdCode, name, kabupatenKotaCode }) as const;

describe('OPD decider: the registry of buying OPDs/satker (unit)', () => {
  it('names its stream opd-<code>', () => {
    expect(opdStreamId('3673-DINKES')).toBe('opd-3673-DINKES');
  });

  it('given nothing, when an admin registers a kabupaten/kota OPD, then OpdRegistered with its pemda', () => {
    given(opdDecider, []).when(register()).then([registered()]);
    expect(pemdaName(pemdaOf('3673-DINKES'))).toBe('Pemerintah Kota Serang');
  });

  it('registers a province OPD (prefix 36) seated in a kabupaten/kota of the province', () => {
    given(opdDecider, [])
      .when(register('36-DINKES', '3673', 'Dinas Kesehatan Provinsi Banten'))
      .then([
        {
          type: 'OpdRegistered',
          data: { opdCode: '36-DINKES', name: 'Dinas Kesehatan Provinsi Banten', kabupatenKotaCode: '3673', pemdaCode: '36', pemdaLevel: 'provinsi' },
        },
      ]);
    expect(pemdaName(pemdaOf('36-DINKES'))).toBe('Pemerintah Provinsi Banten');
  });

  it('accepts only the one code format', () => {
    for (const code of ['3673-DINKES', '36-BIROPBJ', '3604-PKM-CIOMAS', '3201-DISDIK2']) expect(isOpdCode(code)).toBe(true);
    for (const code of [
      'DINKES-3673',
      'OPD-3673-DINKES',
      '3673-dinkes',
      '3673_DINKES',
      '367-DINKES',
      '3673-',
      '3673--DINKES',
      '3673-DINKES-',
      ' 3673-DINKES',
      `3673-${'A'.repeat(OPD_CODE_LENGTH_MAX)}`,
    ]) {
      expect(isOpdCode(code)).toBe(false);
      given(opdDecider, []).when(register(code)).thenRefuses({ kind: 'validation', code: 'INVALID_OPD_CODE' });
    }
  });

  it('refuses a code registered already, whoever registers it (409 OPD_EXISTS)', () => {
    given(opdDecider, [registered()])
      .when(register())
      .thenRefuses({ kind: 'conflict', code: 'OPD_EXISTS', details: { opdCode: '3673-DINKES' } });
    given(opdDecider, [registered()])
      .when(register('3673-DINKES', '3673', 'Dinkes lain'))
      .thenRefuses({ kind: 'conflict', code: 'OPD_EXISTS' });
  });

  it('refuses an unknown region, an unknown pemda, and an OPD outside its own pemda', () => {
    for (const kabupatenKotaCode of ['0000', '3699', '3170', '9999']) {
      given(opdDecider, [])
        .when(register('3673-DINKES', kabupatenKotaCode))
        .thenRefuses({ kind: 'validation', code: 'UNKNOWN_KABUPATEN_KOTA', details: { errors: [expect.objectContaining({ field: 'kabupatenKotaCode' })] } });
    }
    given(opdDecider, []).when(register('99-DINKES', '3673')).thenRefuses({ kind: 'validation', code: 'UNKNOWN_PEMDA' });
    given(opdDecider, []).when(register('3699-DINKES', '3673')).thenRefuses({ kind: 'validation', code: 'UNKNOWN_PEMDA' });
    given(opdDecider, [])
      .when(register('3673-DINKES', '3601'))
      .thenRefuses({ kind: 'business_rule', code: 'OPD_OUTSIDE_ITS_PEMDA', details: { pemdaCode: '3673', kabupatenKotaCode: '3601' } });
    given(opdDecider, []).when(register('36-DINKES', '3201')).thenRefuses({ kind: 'business_rule', code: 'OPD_OUTSIDE_ITS_PEMDA' });
  });

  it('refuses a blank name or one with control characters', () => {
    for (const name of ['  ', 'Dinkes\u0000', 'x'.repeat(201)])
      given(opdDecider, [])
        .when(register('3673-DINKES', '3673', name))
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
  });

  it('renames a registered OPD; the same name writes nothing; an unregistered one is 404', () => {
    given(opdDecider, [registered()])
      .when({ type: 'RenameOpd', name: 'Dinas Kesehatan dan KB Kota Serang' })
      .then([
        { type: 'OpdRenamed', data: { opdCode: '3673-DINKES', previousName: 'Dinas Kesehatan Kota Serang', name: 'Dinas Kesehatan dan KB Kota Serang' } },
      ]);
    given(opdDecider, [registered()]).when({ type: 'RenameOpd', name: 'Dinas Kesehatan Kota Serang' }).thenNothing();
    given(opdDecider, []).when({ type: 'RenameOpd', name: 'x' }).thenRefuses({ kind: 'not_found', code: 'OPD_NOT_FOUND' });
  });
});
