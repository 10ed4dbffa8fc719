import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { ConsumerStatus, SubscriptionRunner } from '../event-store/subscription-runner.js';
import { WAIT_FOR_POSITION_MS_MAX } from '../event-store/subscription-runner.js';
import { DomainError, notFound } from '../kernel/errors.js';
import { ProjectionConsumer } from './projection-consumer.js';
import type { ProjectionEngine } from './projection-engine.js';

export interface ProjectionStatus extends Omit<ConsumerStatus, 'name'> {
  readonly name: string;
  readonly consumer: string;
  readonly version: number;
  readonly description: string;
  readonly tables: Readonly<Record<string, number>>;
}

/**
 * The projections' runners on the subscription runner, plus rebuild: stop the runner, drop
 * and recreate its tables and forget its checkpoint in one transaction, start it again; it
 * then catches up from the start of $all.
 */
export class ProjectionRunners {
  private readonly runners = new Map<string, SubscriptionRunner>();
  /** Rebuilds run one at a time: two overlapping resets of one projection would race its runner. */
  private rebuilding: Promise<unknown> = Promise.resolve();

  constructor(
    readonly engine: ProjectionEngine,
    register: (consumer: CheckpointedConsumer) => SubscriptionRunner,
  ) {
    for (const projection of engine.projections) {
      this.runners.set(projection.name, register(new ProjectionConsumer(engine, projection.name)));
    }
  }

  names(): string[] {
    return [...this.runners.keys()];
  }

  runner(name: string): SubscriptionRunner {
    const runner = this.runners.get(name);
    if (!runner) throw notFound('PROJECTION_NOT_FOUND', `no projection ${name}`, { projection: name, known: this.names() });
    return runner;
  }

  async status(name: string): Promise<ProjectionStatus> {
    const projection = this.engine.projection(name)!;
    const { name: consumer, ...status } = await this.runner(name).status();
    return {
      name,
      consumer,
      version: projection.version,
      description: projection.description,
      ...status,
      tables: this.engine.rowCounts(name),
    };
  }

  async statuses(): Promise<ProjectionStatus[]> {
    return Promise.all(this.names().map((name) => this.status(name)));
  }

  /** Resolves true once every named projection has handled `position`; false after the bounded wait. */
  async waitForPosition(names: readonly string[], position: bigint, waitMs: number): Promise<boolean> {
    const boundedMs = Math.min(Math.max(waitMs, 0), WAIT_FOR_POSITION_MS_MAX);
    const results = await Promise.all(names.map((name) => this.runner(name).waitForPosition(position, boundedMs)));
    return results.every(Boolean);
  }

  /** The event store's head position, as the named projections' runners see it. */
  async headPosition(names: readonly string[]): Promise<bigint> {
    return BigInt((await this.runner(names[0]!).status()).headPosition);
  }

  /** The lowest position the named projections have all reached (-1 when none). */
  async position(names: readonly string[]): Promise<bigint> {
    const statuses = await Promise.all(names.map((name) => this.runner(name).status()));
    return statuses.reduce((lowest, status) => (BigInt(status.position) < lowest ? BigInt(status.position) : lowest), BigInt(Number.MAX_SAFE_INTEGER));
  }

  rebuild(names: readonly string[]): Promise<ProjectionStatus[]> {
    for (const name of names) this.runner(name);
    const run = this.rebuilding.then(() => this.rebuildNow(names));
    this.rebuilding = run.catch(() => undefined);
    return run;
  }

  private async rebuildNow(names: readonly string[]): Promise<ProjectionStatus[]> {
    const wasRunning = await Promise.all(names.map(async (name) => (await this.runner(name).status()).state !== 'stopped'));
    await Promise.all(names.map((name) => this.runner(name).stop()));
    try {
      this.engine.reset(names);
    } catch (error) {
      throw new DomainError('unavailable', 'REBUILD_FAILED', `the reset failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      names.forEach((name, index) => {
        if (wasRunning[index]) this.runner(name).start();
      });
    }
    return Promise.all(names.map((name) => this.status(name)));
  }
}
