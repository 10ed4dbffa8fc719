import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import type { EventStore } from './event-store.port.js';
import { SqliteDurability, SqliteEventStore } from './sqlite/sqlite-event-store.js';

export type EventStoreAdapter = 'sqlite' | 'eventstoredb';

/**
 * EventStoreDB when a connection string is configured, else the embedded store under the data dir.
 * `durability` applies to the embedded store only ('bulk': the demo generator, see SqliteDurability).
 * The EventStoreDB adapter is imported only then: its client (gRPC, protobuf) is about 10 MiB of
 * live heap and 30 MiB of resident memory that a service on the embedded store never uses.
 */
export async function openEventStore(config: AppConfig, durability: SqliteDurability = 'durable'): Promise<{ store: EventStore; adapter: EventStoreAdapter }> {
  if (config.eventStoreConnectionString) {
    const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.js');
    return { store: EventStoreDbEventStore.connect(config.eventStoreConnectionString), adapter: 'eventstoredb' };
  }
  return { store: SqliteEventStore.open(join(config.dataDir, 'events.db'), { durability }), adapter: 'sqlite' };
}
