import type { SchemaObject } from '@nestjs/swagger';
import type { HealthCheckStatus, HealthIndicatorStatus } from '@nestjs/terminus';
import { CONSUMER_STATUS_PROPERTIES } from '../http/consumer-status.schema.js';
import { BOOLEAN, INTEGER, REVISION_SCHEMA, STRING, arrayOf, nullable, objectSchema } from '../http/openapi/api-responses.js';
import type { ConsumerStatus } from '../event-store/subscription-runner.js';
import type { EventStoreAdapter } from '../event-store/open-event-store.js';

const COUNT: SchemaObject = { ...INTEGER, minimum: 0 };
const ADAPTER: SchemaObject = { type: 'string', enum: ['sqlite', 'eventstoredb'] satisfies EventStoreAdapter[] };
const OPEN_BY_CONSUMER: SchemaObject = { type: 'object', description: 'open dead letters per consumer name', additionalProperties: COUNT };

const CONSUMER_STATUS_SCHEMA = objectSchema<ConsumerStatus>(CONSUMER_STATUS_PROPERTIES, { optional: ['lastError'] });

/** GET /health: the service's own overview. */
export const HEALTH_OVERVIEW_SCHEMA = objectSchema<{ status: string; eventStore: unknown; subscriptions: unknown; deadLetters: unknown }>({
  status: { type: 'string', enum: ['ok', 'degraded', 'down'] },
  eventStore: objectSchema<{ adapter: string; reachable: boolean; headPosition: string; error: string }>(
    {
      adapter: ADAPTER,
      reachable: BOOLEAN,
      headPosition: { ...REVISION_SCHEMA, description: 'absent when the store does not answer' },
      error: { ...STRING, description: 'why the store did not answer' },
    },
    { optional: ['headPosition', 'error'] },
  ),
  subscriptions: arrayOf(CONSUMER_STATUS_SCHEMA),
  deadLetters: objectSchema<{ open: number; openByConsumer: unknown }>({ open: COUNT, openByConsumer: OPEN_BY_CONSUMER }),
});

const INDICATOR_STATUS: SchemaObject = { type: 'string', enum: ['up', 'degraded', 'down'] satisfies HealthIndicatorStatus[] };

/** One indicator's result: its status, and details whose members depend on its state (all optional). */
function indicator<Details extends object>(details: { readonly [K in keyof Required<Details>]: SchemaObject }): SchemaObject {
  return objectSchema<Details & { status: HealthIndicatorStatus }>(
    { status: INDICATOR_STATUS, ...details } as { readonly [K in keyof Required<Details & { status: HealthIndicatorStatus }>]: SchemaObject },
    {
      optional: Object.keys(details) as (keyof Details & string)[],
    },
  );
}

/** The indicators of src/ops/health-indicators.ts by name; a report lists those of its part (info: up, error: down). */
const INDICATORS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    eventStore: indicator<Record<'adapter' | 'headPosition' | 'error', unknown>>({ adapter: ADAPTER, headPosition: REVISION_SCHEMA, error: STRING }),
    subscriptions: indicator<Record<'runHere' | 'maxLagEvents' | 'lagEventsMax' | 'behind' | 'failing', unknown>>({
      runHere: { ...BOOLEAN, description: 'false on an instance that leaves its consumers to another' },
      maxLagEvents: COUNT,
      lagEventsMax: COUNT,
      behind: arrayOf(STRING),
      failing: arrayOf(STRING),
    }),
    deadLetters: indicator<Record<'open' | 'openByConsumer', unknown>>({ open: COUNT, openByConsumer: OPEN_BY_CONSUMER }),
    kafkaRelay: indicator<Record<'state' | 'lagEvents' | 'lastAckAt' | 'sendFailuresTotal', unknown>>({
      state: { type: 'string', enum: ['stopped', 'running', 'failing'] },
      lagEvents: COUNT,
      lastAckAt: nullable({ type: 'string', format: 'date-time' }),
      sendFailuresTotal: COUNT,
    }),
  },
  additionalProperties: false,
};

/** Terminus's report (/health/live, /health/ready): the overall status and each indicator's result. */
export const HEALTH_PROBE_SCHEMA = objectSchema<{ status: HealthCheckStatus; info: unknown; error: unknown; details: unknown }>(
  {
    status: { type: 'string', enum: ['ok', 'degraded', 'error', 'shutting_down'] satisfies HealthCheckStatus[] },
    info: { ...INDICATORS_SCHEMA, description: 'the indicators that are up or degraded' },
    error: { ...INDICATORS_SCHEMA, description: 'the indicators that are down' },
    details: { ...INDICATORS_SCHEMA, description: 'every indicator' },
  },
  { optional: ['info', 'error', 'details'] },
);
