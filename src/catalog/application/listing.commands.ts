import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { ListingCommand } from '../domain/listing.commands.js';

type WithoutVendor<C> = C extends unknown ? Omit<C, 'vendor'> : never;

/** A listing command from a vendor key: the handler adds what the catalog must know of that vendor. */
export class ListingCommandRequest extends Command<CommandResult> {
  constructor(
    readonly listingId: string,
    readonly vendorId: string,
    readonly command: WithoutVendor<ListingCommand>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
