import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CONSUMER_CHECKPOINTS } from '../event-store/event-store.module.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { allTopics } from './kafka-topics.js';
import { KafkaRelay } from './kafka-relay.js';
import { KafkaRelayMetrics } from './kafka-relay-metrics.js';
import { KafkaTransport } from './kafka-transport.js';

const KAFKA_TRANSPORT = Symbol('KafkaTransport');

/** Registers the relay with the subscriptions; closes the producer after they have stopped. */
@Injectable()
class KafkaRelayLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KAFKA_TRANSPORT) private readonly transport: KafkaTransport,
    @Inject(CONSUMER_CHECKPOINTS) private readonly checkpoints: SqliteCheckpointStore,
    private readonly metrics: KafkaRelayMetrics,
    private readonly subscriptions: SubscriptionRegistry,
  ) {}

  onModuleInit(): void {
    this.subscriptions.register(new KafkaRelay(this.transport, this.checkpoints, this.metrics, this.config.kafkaTopicPrefix));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/** The Kafka relay (docs/kafka.md); present only when KAFKA_BROKERS is set. */
@Module({})
export class KafkaModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.kafkaBrokers) return { module: KafkaModule };
    return {
      module: KafkaModule,
      providers: [
        KafkaRelayMetrics,
        {
          provide: KAFKA_TRANSPORT,
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) =>
            new KafkaTransport(
              {
                brokers: appConfig.kafkaBrokers!,
                clientId: appConfig.kafkaClientId,
                topics: allTopics(appConfig.kafkaTopicPrefix),
                replicationFactor: appConfig.kafkaReplicationFactor,
              },
              new Logger('kafka'),
            ),
        },
        KafkaRelayLifecycle,
      ],
      exports: [KafkaRelayMetrics],
    };
  }
}
