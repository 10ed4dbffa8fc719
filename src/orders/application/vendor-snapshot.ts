import type { CommandPipeline } from '../../event-store/command-pipeline.js';
import { vendorDecider, vendorStreamId } from '../../vendors/domain/vendor.decider.js';
import type { VendorSnapshot } from '../domain/order.commands.js';

/** What the order decider needs of a vendor: its status (and scale), read from its stream. */
export async function readVendor(pipeline: Pick<CommandPipeline, 'load'>, vendorId: string): Promise<VendorSnapshot> {
  const { state } = await pipeline.load(vendorDecider, vendorStreamId(vendorId));
  return state.status === 'absent' ? { vendorId, status: 'absent' } : { vendorId, status: state.status, scale: state.scale };
}
