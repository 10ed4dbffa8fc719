import type { SchemaObject } from '@nestjs/swagger';
import { BOOLEAN, DATE_TIME, REVISION_SCHEMA, UUID, objectSchema } from '../../http/openapi/api-responses.js';
import type { HolderStatus, NibHolding } from '../application/nib-holder.js';
import type { NibState } from '../domain/vendor.state.js';
import { NIB_PATTERN } from '../domain/vendor-rules.js';

/** Who holds a NIB, as admins and auditors see it. */
export interface NibClaimView {
  readonly nib: string;
  readonly status: NibState['status'];
  readonly vendorId: string;
  readonly vendorStatus: HolderStatus;
  readonly claimedAt: string;
  /** Reserved by a vendor that never registered. */
  readonly orphaned: boolean;
  readonly revision: string;
}

export function nibClaimView(holding: NibHolding): NibClaimView {
  return {
    nib: holding.nib,
    status: holding.state.status,
    vendorId: holding.vendorId,
    vendorStatus: holding.holderStatus,
    claimedAt: holding.claimedAt,
    orphaned: holding.state.status === 'reserved' && holding.holderStatus === 'absent',
    revision: holding.revision.toString(),
  };
}

export const NIB_CLAIM_VIEW_SCHEMA: SchemaObject = objectSchema<NibClaimView>({
  nib: { type: 'string', pattern: NIB_PATTERN.source },
  status: { type: 'string', enum: ['free', 'reserved'] satisfies NibState['status'][] },
  vendorId: { ...UUID, description: 'the vendor that holds the NIB, or held it last' },
  vendorStatus: {
    type: 'string',
    enum: ['absent', 'pending', 'verified', 'rejected', 'suspended'] satisfies HolderStatus[],
    description: 'absent: it never registered',
  },
  claimedAt: DATE_TIME,
  orphaned: { ...BOOLEAN, description: 'reserved by a vendor that never registered' },
  revision: REVISION_SCHEMA,
});
