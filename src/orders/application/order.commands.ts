import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { OrderCommand, RequestedLine } from '../domain/order.commands.js';

export interface PlaceOrderRequest {
  readonly orderId: string;
  readonly opdCode: string;
  readonly kabupatenKotaCode: string;
  readonly officialName: string;
  readonly vendorId: string;
  readonly cardId: string;
  readonly lines: readonly RequestedLine[];
  readonly shippingRupiah: number;
}

export class PlaceOrderCommand extends Command<CommandResult> {
  constructor(
    readonly request: PlaceOrderRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Every order command after placement: one stream, one decider. */
export class ChangeOrderCommand extends Command<CommandResult> {
  constructor(
    readonly orderId: string,
    readonly command: Exclude<OrderCommand, { type: 'PlaceOrder' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
