import type { VendorEvent } from '../../src/vendors/domain/vendor.events.js';
import { assertNever } from '../../src/kernel/assert.js';
import { Projection, ProjectedEvent, RowChange, bit, eventOf } from '../projection.js';

/**
 * The vendor directory: one row per vendor with its current status and profile, for admins
 * (who verifies, suspends, where vendors are, how many are local). Holds the full NPWP:
 * only admin/auditor endpoints read this table.
 */
export const VENDORS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS vendor_directory (
  vendor_id           TEXT PRIMARY KEY,
  status              TEXT NOT NULL,
  name                TEXT NOT NULL,
  legal_form          TEXT NOT NULL,
  scale               TEXT NOT NULL,
  nib                 TEXT NOT NULL,
  npwp                TEXT NOT NULL,
  kabupaten_kota_code TEXT NOT NULL,
  is_local            INTEGER NOT NULL,
  email               TEXT NOT NULL,
  phone               TEXT NOT NULL,
  status_reason       TEXT,
  registered_at       TEXT NOT NULL,
  verified_at         TEXT,
  updated_at          TEXT NOT NULL,
  revision            INTEGER NOT NULL,
  policy_revision     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS vendor_directory_by_status ON vendor_directory (status, vendor_id);
CREATE INDEX IF NOT EXISTS vendor_directory_by_name ON vendor_directory (name, vendor_id);
CREATE INDEX IF NOT EXISTS vendor_directory_by_region ON vendor_directory (kabupaten_kota_code, vendor_id);
`;

const TABLE = 'vendor_directory';

export const VENDOR_EVENT_TYPES: readonly VendorEvent['type'][] = [
  'VendorRegistered',
  'VendorVerified',
  'VendorRejected',
  'VendorSuspended',
  'VendorReinstated',
  'VendorProfileUpdated',
];

export const vendorsProjection: Projection = {
  name: 'vendors',
  version: 1,
  description: 'Vendor directory: status, scale, region and contact of every vendor',
  eventTypes: VENDOR_EVENT_TYPES,
  tables: [{ name: TABLE, primaryKey: ['vendor_id'] }],
  schemaSql: VENDORS_SCHEMA_SQL,
  project: (recorded) => projectVendor(eventOf<VendorEvent>(recorded)),
};

function projectVendor(event: ProjectedEvent & VendorEvent): RowChange[] {
  const at = event.metadata.occurredAt;
  const key = { vendor_id: event.data.vendorId };
  const touch = { updated_at: at, revision: event.revision };
  switch (event.type) {
    case 'VendorRegistered': {
      const data = event.data;
      return [
        {
          op: 'upsert',
          table: TABLE,
          key,
          values: {
            status: 'pending',
            name: data.name,
            legal_form: data.legalForm,
            scale: data.scale,
            nib: data.nib,
            npwp: data.npwp,
            kabupaten_kota_code: data.kabupatenKotaCode,
            is_local: bit(data.isLocal),
            email: data.contact.email,
            phone: data.contact.phone,
            status_reason: null,
            registered_at: at,
            verified_at: null,
            policy_revision: data.policyRevision,
            ...touch,
          },
        },
      ];
    }
    case 'VendorVerified':
      return [{ op: 'update', table: TABLE, key, set: { status: 'verified', status_reason: null, verified_at: at, ...touch } }];
    case 'VendorRejected':
      return [{ op: 'update', table: TABLE, key, set: { status: 'rejected', status_reason: event.data.reason, ...touch } }];
    case 'VendorSuspended':
      return [{ op: 'update', table: TABLE, key, set: { status: 'suspended', status_reason: event.data.reason, ...touch } }];
    case 'VendorReinstated':
      return [{ op: 'update', table: TABLE, key, set: { status: 'verified', status_reason: null, ...touch } }];
    case 'VendorProfileUpdated':
      return [
        {
          op: 'update',
          table: TABLE,
          key,
          set: {
            name: event.data.name,
            email: event.data.contact.email,
            phone: event.data.contact.phone,
            kabupaten_kota_code: event.data.kabupatenKotaCode,
            is_local: bit(event.data.isLocal),
            ...touch,
          },
        },
      ];
    default:
      return assertNever(event, 'vendor event');
  }
}
