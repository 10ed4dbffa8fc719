/**
 * The shape of every aggregate (emmett's Decider): pure functions, no I/O, no clock.
 * `decide` throws a DomainError to refuse a command.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<State, Command, Event extends DomainEvent> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  /** Deciders of long-lived streams say how their state is kept in a snapshot (see SnapshotCodec). */
  readonly snapshot?: SnapshotCodec<State>;
}

/**
 * A snapshot is the folded state written as JSON. `stateSchemaVersion` names the state's shape
 * and the evolve that built it: bump it whenever either changes, and every older snapshot is
 * ignored (the stream is folded from its start again). `decode` throws on anything it does not
 * recognise, which also makes a corrupt snapshot be ignored.
 */
export interface SnapshotCodec<State> {
  readonly stateSchemaVersion: number;
  readonly encode: (state: State) => unknown;
  readonly decode: (json: unknown) => State;
}

export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
