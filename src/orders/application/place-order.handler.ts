import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { cardDecider, cardStreamId } from '../../cards/domain/card.decider.js';
import { listingDecider, listingStreamId } from '../../catalog/domain/listing.decider.js';
import { CommandContext, CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { DomainError, isDomainError } from '../../kernel/errors.js';
import { PolicyService } from '../../policy/application/policy.service.js';
import { readOpd } from '../../opds/application/opd-registry.js';
import type { CardSnapshot, ListingSnapshot } from '../domain/order.commands.js';
import { ORDER_LINES_MAX, SPLIT_PURCHASE } from '../domain/order-placement.js';
import type { SplitPurchaseDetails } from '../domain/order-placement.js';
import { redFlagStreamId } from '../../red-flags/domain/red-flag-rules.js';
import { redFlagDecider } from '../../red-flags/domain/red-flag.decider.js';
import { redFlagId } from '../../red-flags/red-flag-id.js';
import { SPLIT_PURCHASE_FACTS } from './split-purchase-facts.js';
import type { SplitPurchaseFacts } from './split-purchase-facts.js';
import { orderDecider, orderStreamId } from '../domain/order.decider.js';
import { PlaceOrderCommand } from './order.commands.js';
import { readVendor } from './vendor-snapshot.js';

/**
 * Reads what placement depends on (the buying OPD's registered record, vendor, each listing at its
 * current revision, the card, the policy in force and, when the policy refuses split purchases,
 * the OPD and vendor's recent orders) and passes it in the command, so the decider stays pure. A
 * refused split purchase is recorded (SplitPurchaseRefused on redflag-<flagId>) before the 422
 * goes back.
 */
@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly policies: PolicyService,
    @Inject(SPLIT_PURCHASE_FACTS) private readonly splitFacts: SplitPurchaseFacts,
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
    const recentOrders = policy.splitPurchaseAction === 'refuse' ? await this.splitFacts.recentOrders(request.opdCode, request.vendorId) : undefined;
    try {
      return await this.pipeline.handle(
        orderDecider,
        orderStreamId(request.orderId),
        {
          type: 'PlaceOrder',
          ...request,
          opd,
          by: context.actor,
          vendor,
          listings,
          card,
          policy,
          at: context.occurredAt,
          ...(recentOrders ? { recentOrders } : {}),
        },
        { ...context, policyRevision: policy.revision },
      );
    } catch (error) {
      if (isDomainError(error) && error.code === SPLIT_PURCHASE) throw await this.recordRefusal(error, request.cardId, context);
      throw error;
    }
  }

  /** Auditors see the attempt: the refusal is an event (a retry with the same Idempotency-Key records nothing new). */
  private async recordRefusal(error: DomainError, cardId: string, context: CommandContext): Promise<DomainError> {
    const details = error.details as unknown as SplitPurchaseDetails;
    const flagId = redFlagId('split-purchase', 'refused', details.orderId);
    const recorded = await this.pipeline.handle(
      redFlagDecider,
      redFlagStreamId(flagId),
      {
        type: 'RecordSplitPurchaseRefusal',
        refusal: {
          flagId,
          orderId: details.orderId,
          opdCode: details.opdCode,
          vendorId: details.vendorId,
          cardId,
          totalRupiah: details.totalRupiah,
          attemptedAt: context.occurredAt.toISOString(),
          splitWindowDays: details.splitWindowDays,
          maxOrderTotalRupiah: details.maxOrderTotalRupiah,
          sumRupiah: details.sumRupiah,
          earlierOrders: details.earlierOrders,
          policyRevision: details.policyRevision,
        },
      },
      { ...context, policyRevision: details.policyRevision },
    );
    return new DomainError(error.kind, error.code, error.message, { ...error.details, flagId, refusalPosition: recorded.position.toString() });
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
