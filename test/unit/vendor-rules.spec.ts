import { BANTEN_KABUPATEN_KOTA, isBanten, isKnownKabupatenKota } from '../../src/vendors/domain/regions.js';
import { isValidNib, isValidNpwp, maskNpwp, scaleOf } from '../../src/vendors/domain/vendor-rules.js';

const JUTA = 1_000_000;
const MILIAR = 1_000 * JUTA;

describe('vendor rules (unit)', () => {
  describe('scale by capital, PP 7/2021 Pasal 35 (capital excludes land and buildings)', () => {
    it.each([
      [0, 'mikro'],
      [1 * MILIAR - 1, 'mikro'],
      [1 * MILIAR, 'mikro'],
      [1 * MILIAR + 1, 'kecil'],
      [5 * MILIAR, 'kecil'],
      [5 * MILIAR + 1, 'menengah'],
      [10 * MILIAR, 'menengah'],
      [10 * MILIAR + 1, 'besar'],
      [Number.MAX_SAFE_INTEGER, 'besar'],
    ])('capital Rp %d is %s', (capitalRupiah, scale) => {
      expect(scaleOf('pt', capitalRupiah, undefined)).toBe(scale);
    });
  });

  describe('scale by annual sales, when no capital is declared', () => {
    it.each([
      [0, 'mikro'],
      [2 * MILIAR, 'mikro'],
      [2 * MILIAR + 1, 'kecil'],
      [15 * MILIAR, 'kecil'],
      [15 * MILIAR + 1, 'menengah'],
      [50 * MILIAR, 'menengah'],
      [50 * MILIAR + 1, 'besar'],
    ])('annual sales Rp %d is %s', (annualSalesRupiah, scale) => {
      expect(scaleOf('cv', undefined, annualSalesRupiah)).toBe(scale);
    });
  });

  it('takes capital as the test when both are declared', () => {
    expect(scaleOf('cv', 500 * JUTA, 40 * MILIAR)).toBe('mikro');
    expect(scaleOf('cv', 6 * MILIAR, 1 * MILIAR)).toBe('menengah');
  });

  it('classes a koperasi as koperasi whatever its figures', () => {
    expect(scaleOf('koperasi', undefined, undefined)).toBe('koperasi');
    expect(scaleOf('koperasi', 20 * MILIAR, 80 * MILIAR)).toBe('koperasi');
  });

  it('cannot classify a business without capital or sales (the decider refuses that first)', () => {
    expect(() => scaleOf('ud', undefined, undefined)).toThrow(RangeError);
  });

  it.each([
    ['9120301234567', true],
    ['0000000000000', true],
    ['912030123456', false],
    ['91203012345678', false],
    ['912030123456a', false],
    ['9120 30123456', false],
    [' 9120301234567', false],
    ['９１２０３０１２３４５６７', false],
    ['', false],
  ])('NIB %j valid: %s', (nib, valid) => {
    expect(isValidNib(nib)).toBe(valid);
  });

  it.each([
    ['012345678901234', true],
    ['0012345678901234', true],
    ['3673012345670001', true],
    ['01234567890123', false],
    ['00123456789012345', false],
    ['01.234.567.8-901.234', false],
    ['01234567890123x', false],
    ['', false],
  ])('NPWP %j valid: %s', (npwp, valid) => {
    expect(isValidNpwp(npwp)).toBe(valid);
  });

  it('masks an NPWP to its last four digits', () => {
    expect(maskNpwp('012345678901234')).toBe('***********1234');
    expect(maskNpwp('3673012345670001')).toBe('************0001');
  });

  describe('kabupaten/kota codes: Banten listed in full, elsewhere a known province and a kabupaten (01-69) or kota (71-99) number', () => {
    it.each(Object.keys(BANTEN_KABUPATEN_KOTA))('Banten %s is known and local', (code) => {
      expect(isKnownKabupatenKota(code)).toBe(true);
      expect(isBanten(code)).toBe(true);
    });

    it.each([
      ['3273', true, 'Kota Bandung'],
      ['3171', true, 'Kota Jakarta Selatan'],
      ['3101', true, 'Kab. Kepulauan Seribu'],
      ['3199', true, 'a kota number in a known province (the national list is not embedded)'],
      ['9471', true, 'Kota Jayapura'],
      ['3699', false, 'Banten has no such kota'],
      ['3605', false, 'Banten has no such kabupaten'],
      ['3675', false, 'Banten has no such kota'],
      ['3600', false, 'province code alone'],
      ['3170', false, '70 is neither a kabupaten nor a kota number'],
      ['3100', false, 'regency 00'],
      ['9999', false, 'no province 99'],
      ['1001', false, 'no province 10'],
      ['0000', false, 'no province 00'],
      ['367', false, 'three digits'],
      ['36731', false, 'five digits'],
      ['36A3', false, 'not digits'],
    ])('%s known: %s (%s)', (code, known) => {
      expect(isKnownKabupatenKota(code)).toBe(known);
    });

    it('calls a vendor local only in province 36', () => {
      expect(isBanten('3273')).toBe(false);
      expect(isBanten('3171')).toBe(false);
    });
  });
});
