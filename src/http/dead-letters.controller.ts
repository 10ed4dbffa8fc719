import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { requireActor } from '../auth/scope.js';
import { DISMISS_REASON_LENGTH_MAX, DeadLetterAdmin, RetryResult } from '../event-store/dead-letter-admin.js';
import { DEAD_LETTER_PAGE_SIZE_DEFAULT, DEAD_LETTER_PAGE_SIZE_MAX, type DeadLetter } from '../event-store/dead-letter-store.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import type { Clock } from '../kernel/clock.js';
import { DeadLetterListQueryDto, DismissDeadLetterDto } from './dead-letters.dto.js';
import { NoBodyPipe } from './no-body.pipe.js';
import { ApiJsonResponse, ApiProblems } from './openapi/api-responses.js';
import { DEAD_LETTER_PAGE_SCHEMA, DEAD_LETTER_RETRY_SCHEMA, DEAD_LETTER_SCHEMA } from './dead-letter.schemas.js';

@ApiTags('operations')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly admin: DeadLetterAdmin,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Events consumers parked after repeated failures, oldest first',
    description: `Filter by consumer and status; pages of at most ${DEAD_LETTER_PAGE_SIZE_MAX}, continued with cursor=nextCursor.`,
  })
  @ApiJsonResponse('{ items, nextCursor, limit }', { schema: DEAD_LETTER_PAGE_SCHEMA })
  list(@Query() query: DeadLetterListQueryDto): { items: DeadLetter[]; nextCursor: string | null; limit: number } {
    const limit = query.limit ?? DEAD_LETTER_PAGE_SIZE_DEFAULT;
    const items = this.admin.list({
      limit,
      ...(query.consumer !== undefined ? { consumer: query.consumer } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.cursor !== undefined ? { afterId: Number(query.cursor) } : {}),
    });
    return { items, nextCursor: items.length === limit ? String(items[items.length - 1]!.id) : null, limit };
  }

  @Get(':id')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'One dead letter' })
  @ApiJsonResponse('the record', { schema: DEAD_LETTER_SCHEMA })
  @ApiProblems('DEAD_LETTER_NOT_FOUND')
  get(@Param('id') id: string): DeadLetter {
    return this.admin.get(id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Run the parked event through its consumer again, now',
    description: 'handled: the record becomes retried. Not handled: it stays open with one more attempt and the new error. Takes no body.',
  })
  @ApiJsonResponse('{ deadLetter, handled }', { schema: DEAD_LETTER_RETRY_SCHEMA })
  @ApiProblems('VALIDATION_FAILED', 'DEAD_LETTER_NOT_FOUND', 'DEAD_LETTER_CLOSED', 'CONSUMER_NOT_RUNNING', 'DEAD_LETTER_EVENT_MISSING')
  retry(@Param('id') id: string, @Body(NoBodyPipe) _body: Record<string, never>, @Req() request: FastifyRequest): Promise<RetryResult> {
    return this.admin.retry(id, requireActor((request as AuthenticatedRequest).actor).id, this.clock.now());
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Leave the parked event unhandled, saying why (the record becomes dismissed)' })
  @ApiJsonResponse('the record', { schema: DEAD_LETTER_SCHEMA })
  @ApiProblems('DEAD_LETTER_NOT_FOUND', 'DEAD_LETTER_CLOSED')
  dismiss(@Param('id') id: string, @Body() body: DismissDeadLetterDto, @Req() request: FastifyRequest): Promise<DeadLetter> {
    return this.admin.dismiss(id, body.reason, requireActor((request as AuthenticatedRequest).actor).id, this.clock.now());
  }
}
