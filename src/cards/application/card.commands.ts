import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { CardCommand } from '../domain/card.commands.js';

/**
 * The policy in force, the time and the order's facts come from the handler (the command's
 * context), never the caller; so does the issuing OPD's registered record (the caller names only
 * its code).
 */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type IssueCardInput = Omit<Extract<CardCommand, { type: 'IssueCard' }>, 'opd' | 'at'> & { readonly opdCode: string };
export type CardCommandInput = IssueCardInput | DistributiveOmit<Exclude<CardCommand, { type: 'IssueCard' }>, 'policy' | 'at' | 'orderAwaitingAuthorisation'>;

export class CardCommandRequest extends Command<CommandResult> {
  constructor(
    readonly cardId: string,
    readonly command: CardCommandInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
