import { BANTEN_KABUPATEN_KOTA } from '../../vendors/domain/regions.js';
import { pemdaName } from '../domain/opd-code.js';
import type { RegisteredOpd } from '../domain/opd.state.js';

/** An OPD holds no personal data: everyone sees all of it. */
export function opdView(opd: RegisteredOpd, revision: bigint): Record<string, unknown> {
  return {
    opdCode: opd.opdCode,
    name: opd.name,
    kabupatenKotaCode: opd.kabupatenKotaCode,
    kabupatenKotaName: BANTEN_KABUPATEN_KOTA[opd.kabupatenKotaCode] ?? null,
    pemdaCode: opd.pemdaCode,
    pemdaLevel: opd.pemdaLevel,
    pemdaName: pemdaName({ pemdaCode: opd.pemdaCode, level: opd.pemdaLevel }) ?? null,
    revision: revision.toString(),
  };
}
