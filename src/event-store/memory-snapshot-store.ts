import type { SnapshotStore, StoredSnapshot } from './snapshot-store.port.js';

/**
 * Snapshots kept in this process only, for a tool that writes a whole store in one run (the demo
 * generator): its card streams are folded again on every order, and reading them from the file
 * each time cost most of its run. Derived data like any snapshot: losing them only means longer folds.
 */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly byStream = new Map<string, StoredSnapshot>();

  constructor(private readonly streamsKeptMax: number) {}

  async load(streamId: string): Promise<StoredSnapshot | undefined> {
    return this.byStream.get(streamId);
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    const kept = this.byStream.get(snapshot.streamId);
    if (kept !== undefined && kept.stateSchemaVersion === snapshot.stateSchemaVersion && kept.revision >= snapshot.revision) return;
    this.byStream.delete(snapshot.streamId);
    // Over the bound, the stream snapshotted longest ago goes (Map keeps insertion order).
    if (this.byStream.size >= this.streamsKeptMax) this.byStream.delete(this.byStream.keys().next().value!);
    this.byStream.set(snapshot.streamId, snapshot);
  }
}
