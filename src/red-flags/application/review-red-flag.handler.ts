import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { RED_FLAGS } from '../../../projections/red-flags/red-flags.tables.js';
import { ReadModelQueryService } from '../../read-models/read-model-query.service.js';
import { redFlagStreamId } from '../domain/red-flag-rules.js';
import type { ReviewStatus } from '../domain/red-flag-rules.js';
import { redFlagDecider } from '../domain/red-flag.decider.js';

export class ReviewRedFlagCommand extends Command<CommandResult> {
  constructor(
    readonly flagId: string,
    readonly status: ReviewStatus,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Flags are raised in the read model: whether one exists is read there and passed to the decider. */
@CommandHandler(ReviewRedFlagCommand)
export class ReviewRedFlagHandler implements ICommandHandler<ReviewRedFlagCommand> {
  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly queries: ReadModelQueryService,
  ) {}

  execute({ flagId, status, reason, context }: ReviewRedFlagCommand): Promise<CommandResult> {
    const flagExists = this.queries.db.prepare(`SELECT 1 FROM ${RED_FLAGS} WHERE flag_id = ?`).get(flagId) !== undefined;
    return this.pipeline.handle(
      redFlagDecider,
      redFlagStreamId(flagId),
      { type: 'ReviewRedFlag', flagId, status, reason, by: context.actor, flagExists },
      context,
    );
  }
}
