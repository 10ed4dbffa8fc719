import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { systemClock } from '../kernel/clock.js';
import { CommandPipeline } from './command-pipeline.js';
import type { EventStore } from './event-store.port.js';
import { DeadLetterAdmin } from './dead-letter-admin.js';
import { DeadLetterStore } from './dead-letter-store.js';
import { CLOCK, DEAD_LETTERS, EVENT_STORE } from './event-store.tokens.js';
import { EventStoreAdapter, openEventStore } from './open-event-store.js';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { openSqliteFile } from './sqlite/open-sqlite-file.js';
import { SqliteSnapshotStore } from './sqlite/sqlite-snapshot-store.js';
import { SubscriptionRegistry } from './subscription-registry.js';

export const EVENT_STORE_ADAPTER = Symbol('EventStoreAdapter');
/** Checkpoints of consumers whose effects live outside a database of ours (process managers, Kafka relay), and every consumer's dead letters. */
export const CONSUMER_CHECKPOINTS = Symbol('ConsumerCheckpoints');
const CHECKPOINTS_DB = Symbol('CheckpointsDb');
const SNAPSHOTS_DB = Symbol('SnapshotsDb');

/** Closes the store after every subscription has stopped (Nest runs this after beforeApplicationShutdown). */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINTS_DB) private readonly checkpointsDb: Database.Database,
    @Inject(SNAPSHOTS_DB) private readonly snapshotsDb: Database.Database,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.checkpointsDb.close();
    this.snapshotsDb.close();
  }
}

/**
 * No fsync per commit (WAL, synchronous=NORMAL): a commit survives a crash of the service, and
 * an OS crash or power loss can only lose the latest commits, in order. What is here may be lost
 * that way: a checkpoint only makes its consumer handle events again, and each of them is
 * idempotent (process managers' commands have deterministic event ids, the Kafka relay is
 * at-least-once with ce_id); a dead letter is lost only with every checkpoint saved after it, so
 * its event is handled, and parked, again.
 */
function openCheckpointsDb(config: AppConfig): Database.Database {
  return openSqliteFile(join(config.dataDir, 'checkpoints.db'), 'NORMAL');
}

/** Snapshots are derived data (safe to lose), whichever event store is configured: no fsync per save. */
function openSnapshotsDb(config: AppConfig): Database.Database {
  return openSqliteFile(join(config.dataDir, 'snapshots.db'), 'NORMAL');
}

@Global()
@Module({
  providers: [
    {
      provide: 'OPENED_EVENT_STORE',
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => openEventStore(config),
    },
    {
      provide: EVENT_STORE,
      inject: ['OPENED_EVENT_STORE'],
      useFactory: (opened: { store: EventStore }) => opened.store,
    },
    {
      provide: EVENT_STORE_ADAPTER,
      inject: ['OPENED_EVENT_STORE'],
      useFactory: (opened: { adapter: EventStoreAdapter }) => opened.adapter,
    },
    { provide: CLOCK, useValue: systemClock },
    { provide: SNAPSHOTS_DB, inject: [APP_CONFIG], useFactory: openSnapshotsDb },
    {
      provide: CommandPipeline,
      inject: [EVENT_STORE, SNAPSHOTS_DB],
      useFactory: (store: EventStore, snapshotsDb: Database.Database) => new CommandPipeline(store, undefined, new SqliteSnapshotStore(snapshotsDb)),
    },
    { provide: CHECKPOINTS_DB, inject: [APP_CONFIG], useFactory: openCheckpointsDb },
    {
      provide: CONSUMER_CHECKPOINTS,
      inject: [CHECKPOINTS_DB],
      useFactory: (db: Database.Database) => new SqliteCheckpointStore(db),
    },
    { provide: DEAD_LETTERS, inject: [CHECKPOINTS_DB], useFactory: (db: Database.Database) => new DeadLetterStore(db) },
    SubscriptionRegistry,
    {
      provide: DeadLetterAdmin,
      inject: [EVENT_STORE, DEAD_LETTERS, SubscriptionRegistry],
      useFactory: (store: EventStore, deadLetters: DeadLetterStore, registry: SubscriptionRegistry) =>
        new DeadLetterAdmin(store, deadLetters, (consumer) => registry.runner(consumer), registry.runsHere),
    },
    EventStoreCloser,
  ],
  exports: [DeadLetterAdmin, EVENT_STORE, EVENT_STORE_ADAPTER, CLOCK, CommandPipeline, SubscriptionRegistry, CONSUMER_CHECKPOINTS, DEAD_LETTERS],
})
export class EventStoreModule {}
