import type { CommandPipeline } from '../../event-store/command-pipeline.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { notFound } from '../../kernel/errors.js';
import { nibDecider, nibStreamId } from '../domain/nib.decider.js';
import type { NibEvent } from '../domain/vendor.events.js';
import type { NibState } from '../domain/vendor.state.js';
import { vendorDecider, vendorStreamId } from '../domain/vendor.decider.js';

export type HolderStatus = 'absent' | 'pending' | 'verified' | 'rejected' | 'suspended';

export interface NibHolding {
  readonly nib: string;
  readonly state: NibState;
  readonly revision: bigint;
  /** The vendor that holds the NIB, or held it last. */
  readonly vendorId: string;
  /** That vendor's status now: `absent` when it never registered. */
  readonly holderStatus: HolderStatus;
  /** When the last claim was made (its event's occurredAt). */
  readonly claimedAt: string;
}

/** The NIB's stream and its (last) holder's vendor stream, read together; 404 for a NIB never claimed. */
export async function readNibHolding(pipeline: CommandPipeline, nib: string): Promise<NibHolding> {
  const { state, revision, events } = await pipeline.load(nibDecider, nibStreamId(nib));
  const lastClaim = [...events].reverse().find((event) => event.type === 'NibReserved') as
    (RecordedEvent & Extract<NibEvent, { type: 'NibReserved' }>) | undefined;
  if (lastClaim === undefined) throw notFound('NIB_NOT_FOUND', `no registration ever claimed NIB ${nib}`, { nib });
  const vendorId = lastClaim.data.vendorId;
  const vendor = await pipeline.load(vendorDecider, vendorStreamId(vendorId));
  return { nib, state, revision, vendorId, holderStatus: vendor.state.status, claimedAt: lastClaim.metadata.occurredAt };
}
