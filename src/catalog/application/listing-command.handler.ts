import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { vendorDecider, vendorStreamId } from '../../vendors/domain/vendor.decider.js';
import type { ActingVendor, ListingCommand } from '../domain/listing.commands.js';
import { listingDecider, listingStreamId } from '../domain/listing.decider.js';
import { ListingCommandRequest } from './listing.commands.js';

@CommandHandler(ListingCommandRequest)
export class ListingCommandHandler implements ICommandHandler<ListingCommandRequest> {
  constructor(private readonly pipeline: CommandPipeline) {}

  async execute({ listingId, vendorId, command, context }: ListingCommandRequest): Promise<CommandResult> {
    const { state } = await this.pipeline.load(vendorDecider, vendorStreamId(vendorId));
    const vendor: ActingVendor = { vendorId, status: state.status };
    return this.pipeline.handle(listingDecider, listingStreamId(listingId), { ...command, vendor } as ListingCommand, context);
  }
}
