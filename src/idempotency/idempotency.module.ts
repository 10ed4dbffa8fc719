import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { IDEMPOTENCY_STORE, IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency-store.js';

export function idempotencyStorePath(config: Pick<AppConfig, 'dataDir'>): string {
  return join(config.dataDir, 'idempotency.db');
}

@Injectable()
class IdempotencyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}
  onApplicationShutdown(): void {
    this.store.close();
  }
}

/** Idempotency-Key reservations (DATA_DIR/idempotency.db) and the interceptor that applies them to @Idempotent() endpoints. */
@Module({
  providers: [
    { provide: IDEMPOTENCY_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => IdempotencyStore.open(idempotencyStorePath(config)) },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    IdempotencyStoreCloser,
  ],
})
export class IdempotencyModule {}
