import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { orderDecider, orderStreamId } from '../domain/order.decider.js';
import { ChangeOrderCommand } from './order.commands.js';

@CommandHandler(ChangeOrderCommand)
export class ChangeOrderHandler implements ICommandHandler<ChangeOrderCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ orderId, command, context }: ChangeOrderCommand): Promise<CommandResult> {
    return this.pipeline.handle(orderDecider, orderStreamId(orderId), command, context);
  }
}
