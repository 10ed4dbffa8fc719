import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { KafkaModule } from '../kafka/kafka.module.js';
import { ProcessModule } from '../process/process.module.js';
import { HealthController } from './health.controller.js';
import { HealthIndicators } from './health-indicators.js';
import { MetricsController } from './metrics.controller.js';
import { OpsMetrics } from './ops-metrics.js';
import { ROOT_LOGGER, RootLoggerModule, nestLoggerParams } from './request-logging.js';

/**
 * Health (/health, /health/live, /health/ready), metrics (/metrics) and the JSON logs (nestjs-pino
 * over one pino logger). It reads the event store, the subscriptions, the process managers and
 * the Kafka relay; nothing imports it back.
 */
@Module({})
export class OpsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: OpsModule,
      // KafkaModule.forRoot(config) returns the very module app.module imports (one per config object).
      // Terminus's own logger stays off: a failing probe polled every few seconds is in its answer, not the log.
      imports: [
        RootLoggerModule,
        LoggerModule.forRootAsync({ imports: [RootLoggerModule], inject: [ROOT_LOGGER], useFactory: nestLoggerParams }),
        TerminusModule.forRoot({ logger: false }),
        ProcessModule,
        KafkaModule.forRoot(config),
      ],
      controllers: [HealthController, MetricsController],
      providers: [OpsMetrics, HealthIndicators],
      exports: [OpsMetrics, RootLoggerModule],
    };
  }
}
