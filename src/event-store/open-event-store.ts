import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import type { EventStore } from './event-store.port.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteDurability, SqliteEventStore } from './sqlite/sqlite-event-store.js';

export type EventStoreAdapter = 'sqlite' | 'eventstoredb';

/** EventStoreDB when a connection string is configured, else the embedded store under the data dir. */
/** `durability` applies to the embedded store only ('bulk': the demo generator, see SqliteDurability). */
export function openEventStore(config: AppConfig, durability: SqliteDurability = 'durable'): { store: EventStore; adapter: EventStoreAdapter } {
  if (config.eventStoreConnectionString) {
    return { store: EventStoreDbEventStore.connect(config.eventStoreConnectionString), adapter: 'eventstoredb' };
  }
  return { store: SqliteEventStore.open(join(config.dataDir, 'events.db'), { durability }), adapter: 'sqlite' };
}
