import type { Decider, DomainEvent } from '../../src/kernel/decider.js';
import { fold } from '../../src/kernel/decider.js';
import { DomainError, ErrorKind } from '../../src/kernel/errors.js';

/** What a refusal must carry: its kind (so its HTTP status), its code, and optionally details. */
export interface ExpectedRefusal {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Decider tests read as given events / when command / then events (or a refusal):
 *
 *   given(vendorDecider, [registered]).when({ type: 'VerifyVendor', ... }).then([verified]);
 *   given(vendorDecider, []).when(verify).thenRefuses({ kind: 'not_found', code: 'VENDOR_NOT_FOUND' });
 */
export function given<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>, events: readonly NoInfer<Event>[]) {
  return {
    when: (command: Command) => {
      const decide = (): readonly Event[] => decider.decide(command, fold(decider, events));
      return {
        then: (expected: readonly Event[]): readonly Event[] => {
          const decided = decide();
          expect(decided).toEqual(expected);
          return decided;
        },
        /** The command is already satisfied: nothing to write. */
        thenNothing: (): void => {
          expect(decide()).toEqual([]);
        },
        /** The decision, for tests that check part of it (and then fold it further). */
        decided: decide,
        thenRefuses: (expected: ExpectedRefusal): DomainError => {
          let thrown: unknown;
          try {
            decide();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect({ kind: error.kind, code: error.code }).toEqual({ kind: expected.kind, code: expected.code });
          if (expected.details) expect(error.details).toMatchObject(expected.details);
          return error;
        },
      };
    },
    /** The state the given events fold to. */
    state: (): State => fold(decider, events),
  };
}
