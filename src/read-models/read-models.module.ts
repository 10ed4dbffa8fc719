import { BeforeApplicationShutdown, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { EVENT_STORE } from '../event-store/event-store.tokens.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { DirectoryController } from './http/directory.controller.js';
import { LedgerController } from './http/ledger.controller.js';
import { OwnOrdersController } from './http/own-orders.controller.js';
import { SpendingController } from './http/spending.controller.js';
import { ProjectionsController } from './http/projections.controller.js';
import { ProjectionEngine } from './projection-engine.js';
import { ProjectionRunners } from './projection-runners.js';
import { openReadModelDatabase, readModelDatabasePath } from './read-model-database.js';
import { ReadModelQueryService } from './read-model-query.service.js';
import { READ_MODEL_DB } from './read-model.tokens.js';

/** Closes the read-model database after the registry has stopped every runner (beforeApplicationShutdown). */
@Injectable()
class ReadModelDbCloser implements OnApplicationShutdown {
  constructor(@Inject(READ_MODEL_DB) private readonly db: Database.Database) {}
  onApplicationShutdown(): void {
    this.db.close();
  }
}

/** Ends a start-up or rebuild catch-up pass at its next page, and the watch of the read-model file, before the runners stop and the database closes. */
@Injectable()
class CatchUpStopper implements BeforeApplicationShutdown {
  constructor(private readonly runners: ProjectionRunners) {}
  async beforeApplicationShutdown(): Promise<void> {
    this.runners.close();
    await this.runners.stopCatchUp();
  }
}

@Module({
  controllers: [ProjectionsController, DirectoryController, LedgerController, SpendingController, OwnOrdersController],
  providers: [
    { provide: READ_MODEL_DB, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openReadModelDatabase(readModelDatabasePath(config.dataDir)) },
    { provide: ProjectionEngine, inject: [READ_MODEL_DB], useFactory: (db: Database.Database) => new ProjectionEngine(db, ALL_PROJECTIONS) },
    {
      provide: ProjectionRunners,
      inject: [ProjectionEngine, SubscriptionRegistry, EVENT_STORE],
      useFactory: (engine: ProjectionEngine, registry: SubscriptionRegistry, store: EventStore) =>
        new ProjectionRunners(engine, (consumer) => registry.register(consumer), store, new Logger('projections'), registry.runsHere),
    },
    CatchUpStopper,
    ReadModelQueryService,
    ReadModelDbCloser,
  ],
  exports: [ProjectionRunners, ReadModelQueryService],
})
export class ReadModelsModule {}
