import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { vendorDecider, vendorStreamId } from '../domain/vendor.decider.js';
import { ChangeVendorCommand } from './vendor.commands.js';

/** A rejection's NIB is freed by the nib-release process manager (src/process), not here: it survives a crash. */
@CommandHandler(ChangeVendorCommand)
export class ChangeVendorHandler implements ICommandHandler<ChangeVendorCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ vendorId, command, context }: ChangeVendorCommand): Promise<CommandResult> {
    return this.pipeline.handle(vendorDecider, vendorStreamId(vendorId), command, context);
  }
}
