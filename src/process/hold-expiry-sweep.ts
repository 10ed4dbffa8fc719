import type { CommandResult } from '../event-store/command-pipeline.js';
import type { Actor } from '../kernel/actor.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { errorMessage } from '../event-store/poison.js';
import type { DomainError } from '../kernel/errors.js';
import { ChangeOrderCommand } from '../orders/application/order.commands.js';
import { PAYMENT_FAILURE_REASON_LENGTH_MAX } from '../orders/domain/order.events.js';
import { isDeterministicRefusal } from './checkpointed-process.js';
import type { HoldExpiryIndex } from './hold-expiry-index.js';
import type { ProcessRefusalMetrics } from './process-refusal-metrics.js';

/** Holds expired per sweep; the rest wait for the next one. */
export const SWEEP_HOLDS_MAX = 200;
export const HOLD_EXPIRY_PROCESS = 'hold-expiry';

export interface CommandExecutor {
  execute(command: ChangeOrderCommand): Promise<CommandResult>;
}

/**
 * The time trigger for hold expiry: every interval, the orders whose card hold is past its time
 * to live (from the index) get ExpireOrderHold at the sweep's clock time. The order decides
 * (a receipt that came first wins), and the order-payment process expires the card hold from the
 * resulting OrderHoldExpired. The idempotency key is per order, so two sweeps, or a sweep
 * repeated after a crash, write the expiry once. An expiry the order refuses is recorded on it as
 * OrderPaymentFailed (step `expire`, once per order) and counted; other failures are retried by
 * the next sweep.
 */
export class HoldExpirySweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly index: HoldExpiryIndex,
    private readonly commands: CommandExecutor,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly refusals: ProcessRefusalMetrics,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One sweep; returns how many orders it asked to expire. */
  async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    const due = this.index.due(now.getTime(), SWEEP_HOLDS_MAX);
    const actor: Actor = { id: `process:${HOLD_EXPIRY_PROCESS}`, role: 'system' };
    for (const hold of due) {
      const key = `${HOLD_EXPIRY_PROCESS}:${hold.orderId}`;
      const context = { actor, correlationId: key, causationId: key, occurredAt: now, idempotencyKey: key };
      try {
        await this.commands.execute(new ChangeOrderCommand(hold.orderId, { type: 'ExpireOrderHold', at: now }, context));
      } catch (error) {
        if (isDeterministicRefusal(error)) await this.recordRefusal(hold.orderId, error, context);
        else this.logger.error(`expiring the hold of order ${hold.orderId} failed; the next sweep retries: ${errorMessage(error)}`);
      }
    }
    return due.length;
  }

  private async recordRefusal(orderId: string, refusal: DomainError, context: ChangeOrderCommand['context']): Promise<void> {
    this.refusals.record(HOLD_EXPIRY_PROCESS, refusal.code);
    const reason = [...refusal.message].slice(0, PAYMENT_FAILURE_REASON_LENGTH_MAX).join('');
    try {
      await this.commands.execute(
        new ChangeOrderCommand(
          orderId,
          { type: 'RecordPaymentFailure', step: 'expire', code: refusal.code, reason },
          { ...context, idempotencyKey: `${context.idempotencyKey}:refused` },
        ),
      );
    } catch (error) {
      this.logger.error(`recording the refused expiry of order ${orderId} failed; the next sweep retries: ${errorMessage(error)}`);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then(
          () => undefined,
          (error: unknown) => this.logger.error(`hold-expiry sweep failed: ${String(error)}`),
        )
        .finally(() => this.schedule());
    }, this.intervalMs);
  }
}
