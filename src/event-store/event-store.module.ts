import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { systemClock } from '../kernel/clock.js';
import { CommandPipeline } from './command-pipeline.js';
import type { EventStore } from './event-store.port.js';
import { CLOCK, EVENT_STORE } from './event-store.tokens.js';
import { EventStoreAdapter, openEventStore } from './open-event-store.js';
import { SubscriptionRegistry } from './subscription-registry.js';

export const EVENT_STORE_ADAPTER = Symbol('EventStoreAdapter');

/** Closes the store after every subscription has stopped (Nest runs this after beforeApplicationShutdown). */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
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
    { provide: CommandPipeline, inject: [EVENT_STORE], useFactory: (store: EventStore) => new CommandPipeline(store) },
    SubscriptionRegistry,
    EventStoreCloser,
  ],
  exports: [EVENT_STORE, EVENT_STORE_ADAPTER, CLOCK, CommandPipeline, SubscriptionRegistry],
})
export class EventStoreModule {}
