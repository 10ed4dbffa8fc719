import { BANTEN_KABUPATEN_KOTA } from '../../vendors/domain/regions.js';
import { pemdaName } from '../domain/opd-code.js';
import type { RegisteredOpd } from '../domain/opd.state.js';
import type { SchemaObject } from '@nestjs/swagger';
import { REVISION_SCHEMA, orNull } from '../../http/openapi/api-responses.js';
import { OPD_CODE_PATTERN } from '../domain/opd-code.js';

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

/** The OpenAPI schema of opdView's answer. */
export const OPD_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['opdCode', 'name', 'kabupatenKotaCode', 'kabupatenKotaName', 'pemdaCode', 'pemdaLevel', 'pemdaName', 'revision'],
  properties: {
    opdCode: { type: 'string', pattern: OPD_CODE_PATTERN.source },
    name: { type: 'string' },
    kabupatenKotaCode: { type: 'string' },
    kabupatenKotaName: orNull('string'),
    pemdaCode: { type: 'string' },
    pemdaLevel: { type: 'string', enum: ['provinsi', 'kabupaten-kota'] },
    pemdaName: orNull('string'),
    revision: REVISION_SCHEMA,
  },
};
