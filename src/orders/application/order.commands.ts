import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { OrderCommand, RequestedLine } from '../domain/order.commands.js';

export interface PlaceOrderRequest {
  readonly orderId: string;
  readonly opdCode: string;
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

/** Every order command after placement: one stream, one decider. The vendor's status on an accept is read by the handler. */
export type ChangeOrderInput =
  Exclude<OrderCommand, { type: 'PlaceOrder' | 'AcceptOrder' }> | Omit<Extract<OrderCommand, { type: 'AcceptOrder' }>, 'vendorStatus'>;

export class ChangeOrderCommand extends Command<CommandResult> {
  constructor(
    readonly orderId: string,
    readonly command: ChangeOrderInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
