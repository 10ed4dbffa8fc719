import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { nibDecider, nibStreamId } from '../domain/nib.decider.js';
import { ReleaseNibCommand } from './vendor.commands.js';

/** Releasing a NIB the vendor does not hold (any more) writes nothing. */
@CommandHandler(ReleaseNibCommand)
export class ReleaseNibHandler implements ICommandHandler<ReleaseNibCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ nib, vendorId, reason, context }: ReleaseNibCommand): Promise<CommandResult> {
    return this.pipeline.handle(nibDecider, nibStreamId(nib), { type: 'ReleaseNib', nib, vendorId, reason }, context);
  }
}
