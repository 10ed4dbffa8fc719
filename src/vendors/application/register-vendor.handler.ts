import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { PolicyService } from '../../policy/application/policy.service.js';
import { nibDecider, nibStreamId } from '../domain/nib.decider.js';
import { VendorCommand } from '../domain/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../domain/vendor.decider.js';
import { RegisterVendorCommand } from './vendor.commands.js';

/**
 * Registration touches two streams: the NIB reservation (uniqueness, expected no_stream) and
 * the vendor. The registration is checked before the NIB is claimed, so a refused request
 * claims nothing; a retry with the same Idempotency-Key reuses the same vendor id and claim.
 */
@CommandHandler(RegisterVendorCommand)
export class RegisterVendorHandler implements ICommandHandler<RegisterVendorCommand> {
  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly policies: PolicyService,
  ) {}

  async execute({ registration, context }: RegisterVendorCommand): Promise<CommandResult> {
    const policy = await this.policies.at(context.occurredAt);
    const command: VendorCommand = { type: 'RegisterVendor', ...registration, policy };
    vendorDecider.decide(command, vendorDecider.initialState());
    const withPolicy = { ...context, policyRevision: policy.revision };
    await this.pipeline.handle(
      nibDecider,
      nibStreamId(registration.nib),
      { type: 'ReserveNib', nib: registration.nib, vendorId: registration.vendorId },
      withPolicy,
    );
    return this.pipeline.handle(vendorDecider, vendorStreamId(registration.vendorId), command, withPolicy);
  }
}
