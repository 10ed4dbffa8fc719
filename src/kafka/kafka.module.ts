import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { TransparencyLog } from '../audit/transparency-log.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CONSUMER_CHECKPOINTS } from '../event-store/event-store.module.js';
import type { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import { SubscriptionRegistry } from '../event-store/subscription-registry.js';
import { relayTopics } from './kafka-topics.js';
import { KafkaRelay } from './kafka-relay.js';
import { KafkaRelayMetrics } from './kafka-relay-metrics.js';
import { KafkaTransport } from './kafka-transport.js';
import { LogCheckpointPublisher } from './log-checkpoint-publisher.js';

const KAFKA_TRANSPORT = Symbol('KafkaTransport');

/**
 * Registers the relay with the subscriptions and starts the log checkpoint publisher with them;
 * closes the producer after both have stopped.
 */
@Injectable()
class KafkaRelayLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly checkpointPublisher: LogCheckpointPublisher;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KAFKA_TRANSPORT) private readonly transport: KafkaTransport,
    @Inject(CONSUMER_CHECKPOINTS) private readonly checkpoints: SqliteCheckpointStore,
    private readonly metrics: KafkaRelayMetrics,
    private readonly subscriptions: SubscriptionRegistry,
    log: TransparencyLog,
  ) {
    const source = {
      origin: log.origin,
      after: (treeSize: number, limit: number) => log.checkpoints.after(treeSize, limit),
      onCheckpoint: (listener: () => void) => log.onCheckpoint(listener),
    };
    this.checkpointPublisher = new LogCheckpointPublisher(transport, checkpoints, source, new Logger('kafka.log-checkpoints'), config.kafkaTopicPrefix);
  }

  onModuleInit(): void {
    this.subscriptions.register(new KafkaRelay(this.transport, this.checkpoints, this.metrics, this.config.kafkaTopicPrefix));
  }

  onApplicationBootstrap(): void {
    if (this.config.runSubscriptions) this.checkpointPublisher.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.checkpointPublisher.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/**
 * One dynamic module per configuration: Nest tells dynamic modules apart by the object, so the
 * app and the ops module that both import forRoot(config) share one relay (two would register
 * the relay's consumer twice).
 */
const modules = new WeakMap<AppConfig, DynamicModule>();

/** The Kafka relay (docs/kafka.md); present only when KAFKA_BROKERS is set. */
@Module({})
export class KafkaModule {
  static forRoot(config: AppConfig): DynamicModule {
    let module = modules.get(config);
    if (!module) modules.set(config, (module = KafkaModule.build(config)));
    return module;
  }

  private static build(config: AppConfig): DynamicModule {
    if (!config.kafkaBrokers) return { module: KafkaModule };
    return {
      module: KafkaModule,
      imports: [AuditModule],
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
                topics: relayTopics(appConfig.kafkaTopicPrefix),
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
