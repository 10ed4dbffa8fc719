import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { nibDecider, nibStreamId } from '../domain/nib.decider.js';
import { vendorDecider, vendorStreamId } from '../domain/vendor.decider.js';
import { ChangeVendorCommand } from './vendor.commands.js';

@CommandHandler(ChangeVendorCommand)
export class ChangeVendorHandler implements ICommandHandler<ChangeVendorCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  async execute({ vendorId, command, context }: ChangeVendorCommand): Promise<CommandResult> {
    const result = await this.pipeline.handle(vendorDecider, vendorStreamId(vendorId), command, context);
    const rejected = result.events.find((event) => event.type === 'VendorRejected');
    if (rejected) {
      // A rejected applicant may register again: free its NIB (idempotent if retried).
      const { state } = await this.pipeline.load(vendorDecider, vendorStreamId(vendorId));
      if (state.status === 'rejected') {
        // If-Match was about the vendor stream (checked above), not the NIB stream.
        const { ifMatchRevision: _vendorRevision, ...nibContext } = context;
        await this.pipeline.handle(
          nibDecider,
          nibStreamId(state.nib),
          { type: 'ReleaseNib', nib: state.nib, vendorId, reason: state.reason },
          { ...nibContext, causationId: rejected.id },
        );
      }
    }
    return result;
  }
}
