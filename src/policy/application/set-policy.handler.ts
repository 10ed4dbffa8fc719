import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { POLICY_STREAM, PolicyValues, policyDecider } from '../domain/policy.js';

export class SetPolicyCommand extends Command<CommandResult> {
  constructor(
    readonly effectiveFrom: Date,
    readonly values: PolicyValues,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(SetPolicyCommand)
export class SetPolicyHandler implements ICommandHandler<SetPolicyCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ effectiveFrom, values, context }: SetPolicyCommand): Promise<CommandResult> {
    return this.pipeline.handle(policyDecider, POLICY_STREAM, { type: 'SetPolicy', effectiveFrom, values, now: context.occurredAt }, context);
  }
}
