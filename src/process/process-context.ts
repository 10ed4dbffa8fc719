import type { CommandContext } from '../event-store/command-pipeline.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Actor } from '../kernel/actor.js';

/**
 * The context of a command a process manager issues because of `trigger`. Its idempotency key
 * comes from the triggering event's id, so the command's event ids are deterministic: handling
 * the same event again (a replay after a crash) finds the first result and writes nothing new.
 */
export function processContext(manager: string, trigger: RecordedEvent, occurredAt: Date): CommandContext {
  const actor: Actor = { id: `process:${manager}`, role: 'system' };
  return {
    actor,
    correlationId: trigger.metadata.correlationId,
    causationId: trigger.id,
    occurredAt,
    idempotencyKey: `${manager}:${trigger.id}`,
  };
}
