import { BeforeApplicationShutdown, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CLOCK } from '../event-store/event-store.tokens.js';
import { openSqliteFile } from '../event-store/sqlite/open-sqlite-file.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { Clock } from '../kernel/clock.js';
import { HoldExpiryIndex } from './hold-expiry-index.js';
import { HoldExpirySweep } from './hold-expiry-sweep.js';
import { NibReleaseProcess } from './nib-release.process.js';
import { OrderPaymentProcess } from './order-payment.process.js';
import { ProcessRefusalMetrics } from './process-refusal-metrics.js';
import { VendorOpenOrdersIndex } from './vendor-open-orders-index.js';
import { VendorSuspensionProcess } from './vendor-suspension.process.js';
import { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';

const PROCESS_DB = Symbol('ProcessDb');

/**
 * The process managers' own database: the hold-expiry and vendor-suspension indexes, each with its
 * checkpoint. No fsync per commit (as checkpoints.db, see event-store.module.ts): an OS crash may
 * lose the latest changes, in order, so an index is never ahead of its checkpoint by more than it
 * was at a service crash, and the events after the checkpoint are applied again (every change is
 * an upsert or a delete; the reactions are idempotent).
 */
function openProcessDb(config: AppConfig): Database.Database {
  return openSqliteFile(join(config.dataDir, 'process.db'), 'NORMAL');
}

/** Registers the index with the subscriptions and runs the sweep while the app runs. */
@Injectable()
class HoldExpiryRunner implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly index: HoldExpiryIndex;
  private readonly sweep: HoldExpirySweep;

  constructor(
    @Inject(PROCESS_DB) db: Database.Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    commands: CommandBus,
    private readonly subscriptions: SubscriptionRegistry,
    refusals: ProcessRefusalMetrics,
  ) {
    this.index = new HoldExpiryIndex(db);
    this.sweep = new HoldExpirySweep(this.index, commands, clock, config.holdExpirySweepIntervalMs, new Logger('process.hold-expiry'), refusals);
  }

  onModuleInit(): void {
    this.subscriptions.register(this.index);
  }

  onApplicationBootstrap(): void {
    if (this.config.runSubscriptions) this.sweep.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweep.stop();
  }
}

/** Closes the database after every subscription has stopped (Nest runs this after beforeApplicationShutdown). */
@Injectable()
class ProcessDbCloser implements OnApplicationShutdown {
  constructor(@Inject(PROCESS_DB) private readonly db: Database.Database) {}
  onApplicationShutdown(): void {
    this.db.close();
  }
}

/**
 * Durable process managers: driven by checkpointed subscriptions to $all,
 * never by the in-memory EventBus. Wired by app.module; no context imports this module.
 */
@Module({
  providers: [
    { provide: PROCESS_DB, inject: [APP_CONFIG], useFactory: openProcessDb },
    ProcessRefusalMetrics,
    OrderPaymentProcess,
    NibReleaseProcess,
    {
      provide: VendorSuspensionProcess,
      inject: [CommandBus, PROCESS_DB, SubscriptionRegistry, CLOCK, ProcessRefusalMetrics],
      // Its index and its checkpoint live in one file, so they are only ever lost together.
      useFactory: (commands: CommandBus, db: Database.Database, subscriptions: SubscriptionRegistry, clock: Clock, refusals: ProcessRefusalMetrics) =>
        new VendorSuspensionProcess(commands, new VendorOpenOrdersIndex(db), subscriptions, new SqliteCheckpointStore(db), clock, refusals),
    },
    HoldExpiryRunner,
    ProcessDbCloser,
  ],
  exports: [ProcessRefusalMetrics],
})
export class ProcessModule {}
