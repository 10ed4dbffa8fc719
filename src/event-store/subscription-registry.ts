import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { CheckpointedConsumer } from './checkpointed-consumer.js';
import { DeadLetterStore } from './dead-letter-store.js';
import type { EventStore } from './event-store.port.js';
import { DEAD_LETTERS, EVENT_STORE } from './event-store.tokens.js';
import { ConsumerStatus, SubscriptionRunner } from './subscription-runner.js';

/**
 * Every checkpointed consumer of $all in this process (projections, process managers, the
 * Kafka relay, the transparency log) registers here; they start with the app and stop before it.
 */
@Injectable()
export class SubscriptionRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runners = new Map<string, SubscriptionRunner>();
  private started = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterStore,
  ) {}

  /** False in an instance that serves HTTP only (RUN_SUBSCRIPTIONS=false): another process runs the consumers. */
  get runsHere(): boolean {
    return this.config.runSubscriptions;
  }

  register(consumer: CheckpointedConsumer): SubscriptionRunner {
    if (this.runners.has(consumer.name)) throw new Error(`consumer ${consumer.name} is already registered`);
    const runner = new SubscriptionRunner(this.store, consumer, new Logger(`subscription:${consumer.name}`), this.deadLetters);
    this.runners.set(consumer.name, runner);
    if (this.started) runner.start();
    return runner;
  }

  runner(name: string): SubscriptionRunner | undefined {
    return this.runners.get(name);
  }

  /** Events parked by each consumer since this process started. */
  eventsParked(): Map<string, number> {
    return new Map([...this.runners.values()].map((runner) => [runner.consumer.name, runner.eventsParked]));
  }

  async statuses(): Promise<ConsumerStatus[]> {
    return Promise.all([...this.runners.values()].map((runner) => runner.status()));
  }

  onApplicationBootstrap(): void {
    if (!this.config.runSubscriptions) return;
    this.started = true;
    for (const runner of this.runners.values()) runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
  }
}
