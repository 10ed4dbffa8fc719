import { DomainError, ErrorKind } from '../kernel/errors.js';
import { WrongExpectedVersionError } from './event-store.port.js';

/**
 * After this many failed attempts on one event (the first try included), a consumer parks the
 * event as a dead letter and moves on. Between attempts it waits POISON_RETRY_DELAY_MS_MIN,
 * doubling, at most POISON_RETRY_DELAY_MS_MAX.
 */
export const POISON_ATTEMPTS_MAX = 5;
export const POISON_RETRY_DELAY_MS_MIN = 100;
export const POISON_RETRY_DELAY_MS_MAX = 5_000;

/** Refusals that say "try again later", never "this event is wrong". */
const TRANSIENT_KINDS: ReadonlySet<ErrorKind> = new Set(['conflict', 'unavailable', 'rate_limited']);
/** SQLite errors that come from the data handled (a constraint, a type, a size); every other SQLite error is about the database (busy, locked, full, I/O). */
const POISON_SQLITE_CODE = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/;

/**
 * A failure that is not about the event: a broker that is down, a busy or full database. The
 * consumer retries it with bounded backoff for as long as it lasts and never parks the event.
 * Consumers with effects outside the process (the Kafka relay) wrap their I/O failures in it.
 */
export class TransientConsumerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientConsumerError';
  }
}

/**
 * The consumer knows that trying the event again cannot help (a refusal with nowhere else to be
 * recorded): the runner parks it on the first failure instead of after POISON_ATTEMPTS_MAX.
 */
export class PoisonEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonEventError';
  }
}

/**
 * Transient: TransientConsumerError, a DomainError of kind conflict, unavailable or
 * rate_limited, an optimistic-concurrency conflict, a StoreBusyError, and SQLite errors other than
 * constraint/mismatch/too-big/range. Everything else (a refusal, a TypeError on malformed data, a
 * constraint violation) is taken to be about the event, and parks it once POISON_ATTEMPTS_MAX
 * attempts have failed.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof TransientConsumerError || error instanceof WrongExpectedVersionError) return true;
  if (error instanceof DomainError) return TRANSIENT_KINDS.has(error.kind);
  if (!(error instanceof Error)) return false;
  if (error.name === 'StoreBusyError') return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') && !POISON_SQLITE_CODE.test(code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
