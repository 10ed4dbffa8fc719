import type { SchemaObject } from '@nestjs/swagger';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import type { DeadLetterStore } from '../event-store/dead-letter-store.js';
import { EVENT_STORE_ADAPTER } from '../event-store/event-store.module.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { DEAD_LETTERS, EVENT_STORE } from '../event-store/event-store.tokens.js';
import type { EventStoreAdapter } from '../event-store/open-event-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { ApiJsonResponse } from './openapi/api-responses.js';

const HEALTH: SchemaObject = {
  type: 'object',
  required: ['status', 'eventStore', 'subscriptions', 'deadLetters'],
  properties: { status: { type: 'string', enum: ['ok', 'degraded', 'down'] }, eventStore: { type: 'object' }, subscriptions: { type: 'array', items: { type: 'object' } }, deadLetters: { type: 'object' } },
};

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_ADAPTER) private readonly adapter: EventStoreAdapter,
    private readonly subscriptions: SubscriptionRegistry,
    @Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterStore,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Liveness and readiness: the event store is reachable; each subscription with its lag; open dead letters per consumer',
    description: 'status is degraded (still 200) while a consumer is backing off after a failure or any dead letter is open; down (503) when the event store does not answer.',
  })
  @ApiJsonResponse('the event store answers (status ok or degraded)', { schema: HEALTH })
  @ApiJsonResponse('the event store does not answer (status down): the same report, not a problem', { status: 503, schema: HEALTH })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    let headPosition: string | undefined;
    let storeError: string | undefined;
    try {
      headPosition = (await this.store.headPosition()).toString();
    } catch (error) {
      storeError = error instanceof Error ? error.message : String(error);
    }
    const subscriptions = storeError ? [] : await this.subscriptions.statuses();
    const failing = subscriptions.some((status) => status.state === 'failing');
    // A parked event is work left undone (an order unpaid, a row missing) until an admin retries or dismisses it.
    const openByConsumer = Object.fromEntries(this.deadLetters.openCounts());
    const open = Object.values(openByConsumer).reduce((sum, count) => sum + count, 0);
    const status = storeError ? 'down' : failing || open > 0 ? 'degraded' : 'ok';
    if (storeError) void reply.status(503);
    return {
      status,
      eventStore: { adapter: this.adapter, reachable: !storeError, headPosition, ...(storeError ? { error: storeError } : {}) },
      subscriptions,
      deadLetters: { open, openByConsumer },
    };
  }
}
