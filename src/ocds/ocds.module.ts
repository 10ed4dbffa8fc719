import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { EVENT_STORE } from '../event-store/event-store.tokens.js';
import { OcdsController } from './ocds.controller.js';
import { OcdsExporter } from './ocds-exporter.js';

/** OCDS 1.1 open data built from the ledger's events on request. */
@Module({
  controllers: [OcdsController],
  providers: [
    { provide: OcdsExporter, inject: [EVENT_STORE, APP_CONFIG], useFactory: (store: EventStore, config: AppConfig) => new OcdsExporter(store, config.ocds) },
  ],
})
export class OcdsModule {}
