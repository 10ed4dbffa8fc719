import { conflict, notFound } from '../kernel/errors.js';
import { requireText } from '../kernel/text.js';
import type { DeadLetter, DeadLetterQuery, DeadLetterStore } from './dead-letter-store.js';
import { DEAD_LETTER_ID_PATTERN } from './dead-letter-store.js';
import type { EventStore } from './event-store.port.js';
import type { SubscriptionRunner } from './subscription-runner.js';

/** A dismissal says why, in at most this many characters. */
export const DISMISS_REASON_LENGTH_MAX = 500;

export interface RetryResult {
  readonly deadLetter: DeadLetter;
  /** True when the consumer handled the event this time (the record is now `retried`). */
  readonly handled: boolean;
}

/**
 * What an admin does with parked events: list, read, retry through the consumer's handler, or
 * dismiss with a reason. Retries and dismissals run one at a time and re-read the record first,
 * so two admins pressing retry together run the handler once.
 */
export class DeadLetterAdmin {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly deadLetters: DeadLetterStore,
    private readonly runnerOf: (consumer: string) => SubscriptionRunner | undefined,
    /** False in an instance that runs no subscriptions: a retry here would race the instance that runs them. */
    private readonly subscriptionsRunHere = true,
  ) {}

  list(query: DeadLetterQuery): DeadLetter[] {
    return this.deadLetters.list(query);
  }

  get(id: string): DeadLetter {
    const found = DEAD_LETTER_ID_PATTERN.test(id) ? this.deadLetters.get(Number(id)) : undefined;
    if (!found) throw notFound('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`, { id });
    return found;
  }

  retry(id: string, by: string, at: Date): Promise<RetryResult> {
    return this.oneAtATime(async () => {
      const letter = this.requireOpen(id);
      if (!this.subscriptionsRunHere) {
        throw conflict(
          'CONSUMER_NOT_RUNNING',
          `this instance runs no subscriptions (RUN_SUBSCRIPTIONS=false): retry the dead letter on the instance that runs consumer ${letter.consumer}`,
          { consumer: letter.consumer },
        );
      }
      const runner = this.runnerOf(letter.consumer);
      if (!runner) {
        throw conflict('CONSUMER_NOT_RUNNING', `consumer ${letter.consumer} does not run in this service (is it configured?)`, { consumer: letter.consumer });
      }
      const [event] = await this.store.readAll({ fromPosition: BigInt(letter.position), maxCount: 1 });
      if (!event || event.id !== letter.eventId) {
        throw conflict('DEAD_LETTER_EVENT_MISSING', `the event ${letter.eventId} is no longer at position ${letter.position}`, { id: letter.id });
      }
      const outcome = await runner.retry(event);
      if (outcome.handled) this.deadLetters.closeAs(letter.id, 'retried', 'handled on retry', by, at);
      else this.deadLetters.recordFailedRetry(letter.id, outcome.error, at);
      return { deadLetter: this.deadLetters.get(letter.id)!, handled: outcome.handled };
    });
  }

  dismiss(id: string, reason: unknown, by: string, at: Date): Promise<DeadLetter> {
    const text = requireText('reason', reason, DISMISS_REASON_LENGTH_MAX, { multiline: true });
    return this.oneAtATime(async () => {
      const letter = this.requireOpen(id);
      this.deadLetters.closeAs(letter.id, 'dismissed', text, by, at);
      return this.deadLetters.get(letter.id)!;
    });
  }

  private requireOpen(id: string): DeadLetter {
    const letter = this.get(id);
    if (letter.status !== 'open') {
      throw conflict('DEAD_LETTER_CLOSED', `dead letter ${id} is already ${letter.status}`, { id: letter.id, status: letter.status });
    }
    return letter;
  }

  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
