import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { readOpd } from '../../opds/application/opd-registry.js';
import { orderDecider, orderStreamId } from '../../orders/domain/order.decider.js';
import { PolicyService } from '../../policy/application/policy.service.js';
import type { CardCommand } from '../domain/card.commands.js';
import { cardDecider, cardStreamId } from '../domain/card.decider.js';
import { CardCommandRequest } from './card.commands.js';

const POLICY_COMMANDS: ReadonlySet<CardCommand['type']> = new Set(['AuthoriseCard', 'CaptureAuthorisation', 'VoidAuthorisation', 'ExpireAuthorisation']);

/**
 * Authorisation decisions use the policy in force at the command's time and record its revision;
 * an authorisation also gets its order's facts (is it still waiting for the card's answer?).
 */
@CommandHandler(CardCommandRequest)
export class CardCommandHandler implements ICommandHandler<CardCommandRequest> {
  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly policies: PolicyService,
  ) {}

  async execute({ cardId, command, context }: CardCommandRequest): Promise<CommandResult> {
    if (command.type === 'IssueCard') {
      const { opdCode, ...issue } = command;
      const opd = await readOpd(this.pipeline, opdCode);
      return this.pipeline.handle(cardDecider, cardStreamId(cardId), { ...issue, opd, at: context.occurredAt }, context);
    }
    if (!POLICY_COMMANDS.has(command.type)) {
      return this.pipeline.handle(cardDecider, cardStreamId(cardId), command as CardCommand, context);
    }
    const policy = await this.policies.at(context.occurredAt);
    const orderFacts = command.type === 'AuthoriseCard' ? { orderAwaitingAuthorisation: await this.awaitsAuthorisation(command.orderId) } : {};
    const full = { ...command, ...orderFacts, policy, at: context.occurredAt } as CardCommand;
    return this.pipeline.handle(cardDecider, cardStreamId(cardId), full, { ...context, policyRevision: policy.revision });
  }

  private async awaitsAuthorisation(orderId: string): Promise<boolean> {
    const { state } = await this.pipeline.load(orderDecider, orderStreamId(orderId));
    return state.status === 'placed';
  }
}
