import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { CLOCK, EVENT_STORE } from '../event-store/event-store.tokens.js';
import { openSqliteFile } from '../event-store/sqlite/open-sqlite-file.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import type { Clock } from '../kernel/clock.js';
import { AsOfController } from './http/as-of.controller.js';
import { AuditEventsController } from './http/audit-events.controller.js';
import { AuditLeavesController, LogController } from './http/log.controller.js';
import { LogSigner } from './log-signer.js';
import { LogQueries } from './log-queries.js';
import { TransparencyLog } from './transparency-log.js';

const TLOG_DB = Symbol('TlogDb');

/** Signs what the tree holds at start (the empty tree on first start), registers the log, closes tlog.db after the runners stopped. */
@Injectable()
class TransparencyLogLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly log: TransparencyLog,
    private readonly subscriptions: SubscriptionRegistry,
    @Inject(TLOG_DB) private readonly db: Database.Database,
  ) {}

  onModuleInit(): void {
    this.log.signCheckpoint();
    this.subscriptions.register(this.log);
  }

  onApplicationShutdown(): void {
    this.log.stop();
    this.db.close();
  }
}

/**
 * Auditors and the public checking the history (docs/audit.md): the transparency log (tlog.db
 * under DATA_DIR, its signing key, its proofs), the NDJSON export and the state as of a past point.
 */
@Module({
  controllers: [LogController, AuditLeavesController, AuditEventsController, AsOfController],
  providers: [
    { provide: TLOG_DB, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openSqliteFile(join(config.dataDir, 'tlog.db'), 'NORMAL') },
    {
      provide: TransparencyLog,
      inject: [TLOG_DB, APP_CONFIG, CLOCK],
      useFactory: (db: Database.Database, config: AppConfig, clock: Clock) =>
        new TransparencyLog(
          db,
          LogSigner.openOrCreate(config.logSigningKeyFile, config.logOrigin),
          clock,
          config.logCheckpointIntervalMs,
          new Logger('transparency-log'),
        ),
    },
    { provide: LogQueries, inject: [TransparencyLog, EVENT_STORE], useFactory: (log: TransparencyLog, store: EventStore) => new LogQueries(log, store) },
    TransparencyLogLifecycle,
  ],
  exports: [TransparencyLog],
})
export class AuditModule {}
