import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { opdDecider, opdStreamId } from '../domain/opd.decider.js';
import { OpdCommandRequest } from './opd.commands.js';

@CommandHandler(OpdCommandRequest)
export class OpdCommandHandler implements ICommandHandler<OpdCommandRequest> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ opdCode, command, context }: OpdCommandRequest): Promise<CommandResult> {
    return this.pipeline.handle(opdDecider, opdStreamId(opdCode), command, context);
  }
}
