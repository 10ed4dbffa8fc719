import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { CardCommand } from '../domain/card.commands.js';

/** The policy in force, the time and the order's facts come from the handler, never the caller. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type CardCommandInput = DistributiveOmit<CardCommand, 'policy' | 'at' | 'orderAwaitingAuthorisation'>;

export class CardCommandRequest extends Command<CommandResult> {
  constructor(
    readonly cardId: string,
    readonly command: CardCommandInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
