import type { OpdEvent } from '../../src/opds/domain/opd.events.js';
import { assertNever } from '../../src/kernel/assert.js';
import { Projection, ProjectedEvent, RowChange, eventOf } from '../projection.js';

/** The OPD registry: one row per registered OPD/satker (public facts only: code, name, region, pemda). */
export const OPDS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS opd_registry (
  opd_code            TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  kabupaten_kota_code TEXT NOT NULL,
  pemda_code          TEXT NOT NULL,
  pemda_level         TEXT NOT NULL,
  registered_at       TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  revision            INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS opd_registry_by_region ON opd_registry (kabupaten_kota_code, opd_code);
CREATE INDEX IF NOT EXISTS opd_registry_by_pemda ON opd_registry (pemda_code, opd_code);
`;

const TABLE = 'opd_registry';

export const OPD_EVENT_TYPES: readonly OpdEvent['type'][] = ['OpdRegistered', 'OpdRenamed'];

export const opdsProjection: Projection = {
  name: 'opds',
  version: 1,
  description: 'OPD registry: code, name, kabupaten/kota and parent pemda of every registered OPD/satker',
  eventTypes: OPD_EVENT_TYPES,
  tables: [{ name: TABLE, primaryKey: ['opd_code'] }],
  schemaSql: OPDS_SCHEMA_SQL,
  project: (recorded) => projectOpd(eventOf<OpdEvent>(recorded)),
};

function projectOpd(event: ProjectedEvent & OpdEvent): RowChange[] {
  const at = event.metadata.occurredAt;
  const key = { opd_code: event.data.opdCode };
  switch (event.type) {
    case 'OpdRegistered': {
      const { name, kabupatenKotaCode, pemdaCode, pemdaLevel } = event.data;
      return [
        {
          op: 'upsert',
          table: TABLE,
          key,
          values: {
            name,
            kabupaten_kota_code: kabupatenKotaCode,
            pemda_code: pemdaCode,
            pemda_level: pemdaLevel,
            registered_at: at,
            updated_at: at,
            revision: event.revision,
          },
        },
      ];
    }
    case 'OpdRenamed':
      return [{ op: 'update', table: TABLE, key, set: { name: event.data.name, updated_at: at, revision: event.revision } }];
    default:
      return assertNever(event, 'opd event');
  }
}
