import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { IHeaders } from 'kafkajs';
import { PROJECT_ROOT } from './test-app.js';

/** Helpers for the suites that need the real broker (scripts/kafka/kafka.sh). */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker.length > 0);
export const KAFKA_SH = join(PROJECT_ROOT, 'scripts', 'kafka', 'kafka.sh');
export const RESTART_OPT_OUT = process.env.KAFKA_TEST_NO_RESTART === '1';

export function tcpReachable(hostPort: string, timeoutMs: number): Promise<boolean> {
  const index = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostPort.slice(0, index), port: Number(hostPort.slice(index + 1)) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails (never skips) with what to run when no broker answers. */
export async function requireBroker(): Promise<void> {
  const reachable = await Promise.all(KAFKA_BROKERS.map((broker) => tcpReachable(broker, 3_000)));
  if (reachable.some(Boolean)) return;
  throw new Error(
    `No Kafka broker reachable at KAFKA_BROKERS=${KAFKA_BROKERS.join(',')}. ` +
      (process.env.CI
        ? 'CI must start one before the tests (`npm test` does: scripts/test.sh).'
        : 'Start the local broker with `bash scripts/kafka/kafka.sh start` (stop it with `bash scripts/kafka/kafka.sh stop`) ' +
          'and run with KAFKA_BROKERS=127.0.0.1:9092, or run `npm test`, which starts a throwaway broker.'),
  );
}

export function kafkaSh(command: 'start' | 'stop' | 'status', timeoutMs: number): Promise<{ code: number; output: string }> {
  // KAFKA_DIR / KAFKA_PORT / KAFKA_CONTROLLER_PORT pass through from the test runner's env.
  return new Promise((resolve) => {
    execFile('bash', [KAFKA_SH, command], { env: process.env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** Throws unless kafka.sh (same env) manages the broker at the first KAFKA_BROKERS entry. */
export async function requireManagedBroker(): Promise<void> {
  const status = await kafkaSh('status', 15_000);
  const port = KAFKA_BROKERS[0]!.slice(KAFKA_BROKERS[0]!.lastIndexOf(':') + 1);
  if (status.code !== 0 || !status.output.includes(`accepting connections on 127.0.0.1:${port},`)) {
    throw new Error(
      `The broker at ${KAFKA_BROKERS[0]} is not the one scripts/kafka/kafka.sh manages (status said: ${status.output}). ` +
        'Start it with `bash scripts/kafka/kafka.sh start` (same KAFKA_DIR/KAFKA_PORT), or set KAFKA_TEST_NO_RESTART=1 to skip the outage checks.',
    );
  }
}

const LOCK_WAIT_MS_MAX = 280_000;
const LOCK_POLL_MS = 250;

/**
 * One suite at a time on the shared test broker: some suites stop and restart it, which would
 * fail the others' sends midway. A directory lock, freed by `release` or when its holder dies.
 */
export async function lockBroker(suite: string): Promise<() => void> {
  const dir = join(tmpdir(), `bela-kafka-broker-${KAFKA_BROKERS[0]!.replace(/[^A-Za-z0-9]/g, '_')}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS_MAX;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'owner'), `${process.pid} ${suite}`);
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockHolderIsDead(dir)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new Error(`another suite held the Kafka broker lock ${dir} for ${LOCK_WAIT_MS_MAX} ms`);
    await sleep(LOCK_POLL_MS);
  }
}

function lockHolderIsDead(dir: string): boolean {
  let owner: string;
  try {
    owner = readFileSync(join(dir, 'owner'), 'utf8');
  } catch {
    return false; // being written: its holder is alive
  }
  const pid = Number(owner.split(' ')[0]);
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `predicate` holds; throws with `describe()` after the bound. */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}. ${describe()}`);
    await sleep(intervalMs);
  }
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  /** Key, value and every header name and value, as a consumer receives them. */
  readonly bytes: Buffer;
}

/**
 * Reads every message of `topics` from the beginning (a consumer group of its own) until
 * `count` have arrived; bounded.
 */
export async function consumeAll(topics: readonly string[], count: number, timeoutMs: number): Promise<ConsumedMessage[]> {
  const kafka = new Kafka({
    clientId: 'bela-it-reader',
    brokers: KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 300, maxRetryTime: 3_000, retries: 20 },
  });
  const consumer = kafka.consumer({ groupId: `bela-it-reader-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 250 });
  const received: ConsumedMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        const parts: Buffer[] = [message.key ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0)];
        for (const name of Object.keys(message.headers ?? {})) {
          headers[name] = headerString(message.headers, name)!;
          parts.push(Buffer.from(name), Buffer.from(headers[name]));
        }
        received.push({
          topic,
          partition,
          offset: BigInt(message.offset),
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          headers,
          bytes: Buffer.concat(parts),
        });
      },
    });
    await waitFor(
      `${count} messages on ${topics.join(', ')}`,
      () => received.length >= count,
      timeoutMs,
      () => `got ${received.length}`,
    );
    // A few more polls, so that an unexpected extra message would be seen too.
    await sleep(1_000);
    return received;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/** Deletes a test's topics (best effort: names are unique per run anyway). */
export async function deleteTopics(topics: readonly string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bela-it-cleanup', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [...topics], timeout: 5_000 });
  } catch {
    // best effort
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
