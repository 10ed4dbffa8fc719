import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { OpdCommand } from '../domain/opd.commands.js';

/** Every OPD command: the stream is named by the OPD code. */
export class OpdCommandRequest extends Command<CommandResult> {
  constructor(
    readonly opdCode: string,
    readonly command: OpdCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
