import type { Actor } from '../../kernel/actor.js';
import { BANTEN_KABUPATEN_KOTA } from '../domain/regions.js';
import { maskNpwp } from '../domain/vendor-rules.js';
import type { VendorState } from '../domain/vendor.state.js';
import type { SchemaObject } from '@nestjs/swagger';
import { REVISION_SCHEMA, objectSchema, orNull } from '../../http/openapi/api-responses.js';
import type { VendorContact } from '../domain/vendor.events.js';
import { NIB_PATTERN } from '../domain/vendor-rules.js';

/**
 * The vendor as the caller may see it. The public (and other vendors) get no full NPWP (it may be
 * a person's NIK) and no contact (often the owner's own email and phone); buyers, who order from
 * the vendor, see the contact; admins, auditors and the vendor itself see everything.
 */
export function vendorView(state: Exclude<VendorState, { status: 'absent' }>, revision: bigint, actor: Actor | undefined): Record<string, unknown> {
  const privileged = actor !== undefined && (actor.role === 'admin' || actor.role === 'auditor' || actor.vendorId === state.vendorId);
  const seesContact = privileged || actor?.role === 'buyer';
  return {
    vendorId: state.vendorId,
    status: state.status,
    name: state.name,
    legalForm: state.legalForm,
    scale: state.scale,
    nib: state.nib,
    npwp: privileged ? state.npwp : maskNpwp(state.npwp),
    kabupatenKotaCode: state.kabupatenKotaCode,
    kabupatenKotaName: BANTEN_KABUPATEN_KOTA[state.kabupatenKotaCode] ?? null,
    isLocal: state.isLocal,
    ...(seesContact ? { contact: state.contact } : {}),
    ...('reason' in state ? { reason: state.reason } : {}),
    revision: revision.toString(),
  };
}

/** The OpenAPI schema of vendorView's answer. */
export const VENDOR_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['vendorId', 'status', 'name', 'legalForm', 'scale', 'nib', 'npwp', 'kabupatenKotaCode', 'kabupatenKotaName', 'isLocal', 'revision'],
  properties: {
    vendorId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['pending', 'verified', 'rejected', 'suspended'] },
    name: { type: 'string' },
    legalForm: { type: 'string' },
    scale: { type: 'string' },
    nib: { type: 'string', pattern: NIB_PATTERN.source },
    npwp: { type: 'string', description: 'whole for admins, auditors and the vendor itself; otherwise masked to its last four digits' },
    kabupatenKotaCode: { type: 'string' },
    kabupatenKotaName: orNull('string'),
    isLocal: { type: 'boolean' },
    contact: objectSchema<VendorContact>(
      { email: { type: 'string' }, phone: { type: 'string' } },
      { description: 'only for admins, auditors, buyers and the vendor itself' },
    ),
    reason: { type: 'string', description: 'why it was rejected or suspended' },
    revision: REVISION_SCHEMA,
  },
};
