import type { Decider } from '../../src/kernel/decider.js';
import { ruleViolation } from '../../src/kernel/errors.js';

/** A toy aggregate for infrastructure tests: a counter that refuses to exceed its limit. */
export type CounterEvent = { type: 'CounterOpened'; data: { limit: number } } | { type: 'CounterIncremented'; data: { by: number; total: number } };
export type CounterCommand = { type: 'Open'; limit: number } | { type: 'Increment'; by: number };
export type CounterState = { status: 'absent' } | { status: 'open'; limit: number; total: number };

export const counterDecider: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'CounterOpened':
        return { status: 'open', limit: event.data.limit, total: 0 };
      case 'CounterIncremented':
        return state.status === 'open' ? { ...state, total: event.data.total } : state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Open':
        if (state.status !== 'absent') throw ruleViolation('COUNTER_EXISTS', 'already open');
        return [{ type: 'CounterOpened', data: { limit: command.limit } }];
      case 'Increment': {
        if (state.status !== 'open') throw ruleViolation('COUNTER_NOT_OPEN', 'not open');
        const total = state.total + command.by;
        if (total > state.limit) throw ruleViolation('COUNTER_LIMIT', 'over the limit', { limit: state.limit, total });
        return [{ type: 'CounterIncremented', data: { by: command.by, total } }];
      }
    }
  },
};
