import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CardsModule } from './cards/cards.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { DeadLettersController } from './http/dead-letters.controller.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { KafkaModule } from './kafka/kafka.module.js';
import { OcdsModule } from './ocds/ocds.module.js';
import { OpdsModule } from './opds/opds.module.js';
import { OpsModule } from './ops/ops.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PolicyModule } from './policy/policy.module.js';
import { ProcessModule } from './process/process.module.js';
import { PublicApiModule } from './public-api/public-api.module.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { VendorsModule } from './vendors/vendors.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CqrsModule.forRoot(),
        EventStoreModule,
        AuthModule,
        IdempotencyModule,
        PolicyModule,
        OpdsModule,
        VendorsModule,
        CatalogModule,
        CardsModule,
        OrdersModule,
        ProcessModule,
        ReadModelsModule,
        PublicApiModule,
        AuditModule,
        OcdsModule,
        KafkaModule.forRoot(config),
        OpsModule.forRoot(config),
      ],
      controllers: [DeadLettersController],
    };
  }
}
