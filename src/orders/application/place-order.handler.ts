import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { cardDecider, cardStreamId } from '../../cards/domain/card.decider.js';
import { listingDecider, listingStreamId } from '../../catalog/domain/listing.decider.js';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { PolicyService } from '../../policy/application/policy.service.js';
import { readOpd } from '../../opds/application/opd-registry.js';
import type { CardSnapshot, ListingSnapshot } from '../domain/order.commands.js';
import { ORDER_LINES_MAX } from '../domain/order-placement.js';
import { orderDecider, orderStreamId } from '../domain/order.decider.js';
import { PlaceOrderCommand } from './order.commands.js';
import { readVendor } from './vendor-snapshot.js';

/**
 * Reads what placement depends on (the buying OPD's registered record, vendor, each listing at its
 * current revision, the card, the policy in force) and passes it in the command, so the decider
 * stays pure.
 */
@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly policies: PolicyService,
  ) {}

  async execute({ request, context }: PlaceOrderCommand): Promise<CommandResult> {
    const policy = await this.policies.at(context.occurredAt);
    const [opd, vendor, card, listings] = await Promise.all([
      readOpd(this.pipeline, request.opdCode),
      readVendor(this.pipeline, request.vendorId),
      this.card(request.cardId),
      // The decider refuses more lines than this; reading them first would be wasted work.
      Promise.all(request.lines.slice(0, ORDER_LINES_MAX + 1).map((line) => this.listing(line.listingId))),
    ]);
    return this.pipeline.handle(
      orderDecider,
      orderStreamId(request.orderId),
      { type: 'PlaceOrder', ...request, opd, by: context.actor, vendor, listings, card, policy, at: context.occurredAt },
      { ...context, policyRevision: policy.revision },
    );
  }

  /** A busy card is read from its latest snapshot plus the events after it: bounded however many orders it paid. */
  private async card(cardId: string): Promise<CardSnapshot> {
    const { state } = await this.pipeline.load(cardDecider, cardStreamId(cardId));
    return state.status === 'absent' ? { cardId, status: 'absent' } : { cardId, status: state.status, opdCode: state.opdCode };
  }

  private async listing(listingId: string): Promise<ListingSnapshot> {
    const { state, revision } = await this.pipeline.load(listingDecider, listingStreamId(listingId));
    if (state.status === 'absent') return { listingId, status: 'absent' };
    const { status, vendorId, title, category, unit, priceRupiah, isDomesticProduct } = state;
    return { listingId, status, revision: Number(revision), vendorId, title, category, unit, priceRupiah, isDomesticProduct };
  }
}
