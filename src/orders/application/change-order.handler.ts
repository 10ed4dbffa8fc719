import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { assertMayChangeOrder, noSuchOrder, orderDecider, orderStreamId } from '../domain/order.decider.js';
import type { OrderCommand } from '../domain/order.commands.js';
import { ChangeOrderCommand } from './order.commands.js';
import { readVendor } from './vendor-snapshot.js';

@CommandHandler(ChangeOrderCommand)
export class ChangeOrderHandler implements ICommandHandler<ChangeOrderCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  /**
   * Who may act is settled before the pipeline compares If-Match or looks for an earlier attempt,
   * so a stranger gets 404 as for a missing order (403 if it may read the order) and never the order's revision. Ownership never changes, so the read
   * cannot go stale; the decider checks again on the state it decides on.
   */
  async execute({ orderId, command, context }: ChangeOrderCommand): Promise<CommandResult> {
    const { state } = await this.pipeline.load(orderDecider, orderStreamId(orderId));
    if (state.status === 'absent') throw noSuchOrder();
    const full: OrderCommand =
      command.type === 'AcceptOrder' ? { ...command, vendorStatus: (await readVendor(this.pipeline, state.vendorId)).status } : command;
    assertMayChangeOrder(full, state);
    return this.pipeline.handle(orderDecider, orderStreamId(orderId), full, context);
  }
}
