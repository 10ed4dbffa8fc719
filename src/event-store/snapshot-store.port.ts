/**
 * Snapshots of long-lived streams' folded state. Derived data: not part of the event log or its
 * hash chain, never the only copy of anything, safe to delete at any time (the next command folds
 * the stream from its start and writes a new one).
 */
export interface StoredSnapshot {
  readonly streamId: string;
  /** The revision of the last event folded into the state. */
  readonly revision: bigint;
  /** The id of that event: a snapshot whose event is not there (a recreated store) is ignored. */
  readonly eventId: string;
  /** The decider's SnapshotCodec version that wrote it; any other version is ignored. */
  readonly stateSchemaVersion: number;
  readonly stateJson: string;
}

export interface SnapshotStore {
  /** The latest snapshot of the stream, whatever its version, or undefined. */
  load(streamId: string): Promise<StoredSnapshot | undefined>;
  /** Keeps it unless a later snapshot of the same version is already kept. */
  save(snapshot: StoredSnapshot): Promise<void>;
}

/** A new snapshot once this many events were folded on top of the last one (or from the start). */
export const SNAPSHOT_EVERY_EVENTS = 500;

/** For tests and tools that want every fold from the start. */
export const NO_SNAPSHOTS: SnapshotStore = {
  load: async () => undefined,
  save: async () => undefined,
};
