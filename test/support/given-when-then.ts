import type { Decider, DomainEvent } from '../../src/kernel/decider.js';
import { fold } from '../../src/kernel/decider.js';
import { DomainError } from '../../src/kernel/errors.js';

/** Decider tests read as: given these events, when this command, then these events (or this error). */
export function given<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>, history: readonly Event[]) {
  return {
    when(command: Command) {
      const state = fold(decider, history);
      const decide = (): readonly Event[] => decider.decide(command, state);
      return {
        then(expected: readonly Event[]): void {
          expect(decide()).toEqual(expected);
        },
        thenNothing(): void {
          expect(decide()).toEqual([]);
        },
        thenError(code: string, kind?: DomainError['kind'], details?: Record<string, unknown>): void {
          let caught: unknown;
          try {
            decide();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          const error = caught as DomainError;
          expect(error.code).toBe(code);
          if (kind !== undefined) expect(error.kind).toBe(kind);
          if (details !== undefined) expect(error.details).toMatchObject(details);
        },
        /** The events decided, for assertions on part of them. */
        events(): readonly Event[] {
          return decide();
        },
      };
    },
  };
}
