import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { nibDecider, nibStreamId } from '../domain/nib.decider.js';
import { readNibHolding } from './nib-holder.js';
import { ReleaseUnregisteredNibCommand } from './vendor.commands.js';

/**
 * The remedy for a registration that crashed after claiming its NIB and before its
 * VendorRegistered: the claim names a vendor id that never registered. The decider releases it
 * only while that holder is still unregistered (or rejected); the append carries the NIB stream's
 * expected revision, so a claim that changed meanwhile is decided again on the new state.
 */
@CommandHandler(ReleaseUnregisteredNibCommand)
export class ReleaseUnregisteredNibHandler implements ICommandHandler<ReleaseUnregisteredNibCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  async execute({ nib, reason, context }: ReleaseUnregisteredNibCommand): Promise<CommandResult> {
    const holding = await readNibHolding(this.pipeline, nib);
    return this.pipeline.handle(
      nibDecider,
      nibStreamId(nib),
      { type: 'ReleaseUnregisteredNib', nib, vendorId: holding.vendorId, holderStatus: holding.holderStatus, reason },
      context,
    );
  }
}
