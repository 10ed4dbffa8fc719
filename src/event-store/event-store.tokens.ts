export const EVENT_STORE = Symbol('EventStore');
export const CLOCK = Symbol('Clock');
/** The dead letters of every consumer (dead-letter-store.ts), kept beside the consumer checkpoints. */
export const DEAD_LETTERS = Symbol('DeadLetters');
