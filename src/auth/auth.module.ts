import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApiKeyStore } from './api-key-store.js';
import { API_KEY_STORE, AuthGuard } from './auth.guard.js';

export function apiKeyStorePath(config: Pick<AppConfig, 'dataDir'>): string {
  return join(config.dataDir, 'auth.db');
}

@Injectable()
class ApiKeyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(API_KEY_STORE) private readonly keys: ApiKeyStore) {}
  onApplicationShutdown(): void {
    this.keys.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: API_KEY_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => ApiKeyStore.open(apiKeyStorePath(config)) },
    { provide: APP_GUARD, useClass: AuthGuard },
    ApiKeyStoreCloser,
  ],
  exports: [API_KEY_STORE],
})
export class AuthModule {}
