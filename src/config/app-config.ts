import { join, resolve } from 'node:path';
import {
  OCDS_LICENSE_URL_DEFAULT,
  OCDS_PUBLISHER_NAME_DEFAULT,
  OCID_PREFIX_DEFAULT,
  OCID_PREFIX_PATTERN,
  OcdsPublication,
  PUBLICATION_POLICY_PATH,
} from '../ocds/ocds-publication.js';

/** Typed configuration from the environment; every value has an embedded default. */
export interface AppConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** When set, the EventStoreDB adapter is used instead of the embedded sqlite store. */
  readonly eventStoreConnectionString?: string;
  /** When set, the Kafka relay runs. Comma-separated host:port list. */
  readonly kafkaBrokers?: readonly string[];
  /** Put before every topic name, so environments can share a Kafka cluster (e.g. `staging.`). */
  readonly kafkaTopicPrefix: string;
  readonly kafkaClientId: string;
  /** Replicas of each topic the relay creates (kafkajs cannot ask for the broker's default). */
  readonly kafkaReplicationFactor: number;
  readonly bodyLimitBytes: number;
  /** Subscriptions (projections, process managers, relay) run in this process. */
  readonly runSubscriptions: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How often the hold-expiry sweep looks for KKP holds past their time to live. */
  readonly holdExpirySweepIntervalMs: number;
  /** Public API (no key): requests per address per window, the window, and how long answers may be cached. */
  readonly publicRateLimitMax: number;
  readonly publicRateLimitWindowMs: number;
  readonly publicCacheMaxAgeSeconds: number;
  /** Every other route (/health and /metrics aside): requests per API key and per client address per window. */
  readonly apiRateLimitPerKeyMax: number;
  readonly apiRateLimitPerAddressMax: number;
  readonly apiRateLimitWindowMs: number;
  /** Strict-Transport-Security max-age; 0 (the default) sends none, for plain-HTTP local use. Set it behind TLS. */
  readonly hstsMaxAgeSeconds: number;
  /** The transparency log's origin line and note key name (docs/audit.md). */
  readonly logOrigin: string;
  /** The log's Ed25519 signing key (Go note signer-key format); created there on first start when missing. */
  readonly logSigningKeyFile: string;
  /** At most one signed checkpoint per this interval; a batch that grew the tree sooner is signed when it ends. */
  readonly logCheckpointIntervalMs: number;
  /** OCDS open data: the ocid prefix, the publisher, the licence and where the API is reached (docs/ocds.md). */
  readonly ocds: OcdsPublication;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const BODY_LIMIT_BYTES_DEFAULT = 256 * 1024;
/** A dashboard page makes about ten requests: 600 a minute leaves a reader plenty, a scraper not. */
const PUBLIC_RATE_LIMIT_MAX_DEFAULT = 600;
/** 100 requests a second per key: far above a person at a screen or a nightly sync, below a runaway loop. */
const API_RATE_LIMIT_PER_KEY_MAX_DEFAULT = 6_000;
/** Several keys may share one address (an office behind one gateway): twice one key's budget. */
const API_RATE_LIMIT_PER_ADDRESS_MAX_DEFAULT = 12_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const kafka = env.KAFKA_BROKERS?.trim();
  return {
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65_535),
    dataDir,
    ...(env.EVENTSTORE_CONNECTION_STRING ? { eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING } : {}),
    ...(kafka
      ? {
          kafkaBrokers: kafka
            .split(',')
            .map((broker) => broker.trim())
            .filter(Boolean),
        }
      : {}),
    kafkaTopicPrefix: kafkaName(env, 'KAFKA_TOPIC_PREFIX', ''),
    kafkaClientId: kafkaName(env, 'KAFKA_CLIENT_ID', 'bela-ledger'),
    kafkaReplicationFactor: integer(env, 'KAFKA_REPLICATION_FACTOR', 1, 1, 7),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', BODY_LIMIT_BYTES_DEFAULT, 1_024, 16 * 1024 * 1024),
    runSubscriptions: (env.RUN_SUBSCRIPTIONS ?? 'true') !== 'false',
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    holdExpirySweepIntervalMs: integer(env, 'HOLD_EXPIRY_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
    publicRateLimitMax: integer(env, 'PUBLIC_RATE_LIMIT_MAX', PUBLIC_RATE_LIMIT_MAX_DEFAULT, 1, 1_000_000),
    publicRateLimitWindowMs: integer(env, 'PUBLIC_RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 86_400_000),
    publicCacheMaxAgeSeconds: integer(env, 'PUBLIC_CACHE_MAX_AGE_SECONDS', 30, 0, 86_400),
    apiRateLimitPerKeyMax: integer(env, 'API_RATE_LIMIT_PER_KEY_MAX', API_RATE_LIMIT_PER_KEY_MAX_DEFAULT, 1, 100_000_000),
    apiRateLimitPerAddressMax: integer(env, 'API_RATE_LIMIT_PER_ADDRESS_MAX', API_RATE_LIMIT_PER_ADDRESS_MAX_DEFAULT, 1, 100_000_000),
    apiRateLimitWindowMs: integer(env, 'API_RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 86_400_000),
    hstsMaxAgeSeconds: integer(env, 'HSTS_MAX_AGE_SECONDS', 0, 0, 63_072_000),
    logOrigin: logOrigin(env),
    logSigningKeyFile: resolve(env.LOG_SIGNING_KEY_FILE || join(dataDir, 'log-signing.key')),
    logCheckpointIntervalMs: integer(env, 'LOG_CHECKPOINT_INTERVAL_MS', 1_000, 100, 3_600_000),
    ocds: ocdsPublication(env),
  };
}

const OCDS_PUBLISHER_NAME_LENGTH_MAX = 200;

function ocdsPublication(env: NodeJS.ProcessEnv): OcdsPublication {
  const prefix = env.OCDS_PREFIX || OCID_PREFIX_DEFAULT;
  if (!OCID_PREFIX_PATTERN.test(prefix)) throw new ConfigError(`OCDS_PREFIX must be "ocds-" and 6 lowercase letters or digits, got "${prefix}"`);
  const baseUrl = httpUrl(env, 'OCDS_BASE_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const name = env.OCDS_PUBLISHER_NAME || OCDS_PUBLISHER_NAME_DEFAULT;
  if (name.trim().length === 0 || name.length > OCDS_PUBLISHER_NAME_LENGTH_MAX)
    throw new ConfigError(`OCDS_PUBLISHER_NAME must be 1 to ${OCDS_PUBLISHER_NAME_LENGTH_MAX} characters`);
  return {
    ocidPrefix: prefix,
    publisher: { name },
    licenseUrl: httpUrl(env, 'OCDS_LICENSE_URL', OCDS_LICENSE_URL_DEFAULT),
    publicationPolicyUrl: httpUrl(env, 'OCDS_PUBLICATION_POLICY_URL', `${baseUrl}${PUBLICATION_POLICY_PATH}`),
    baseUrl,
  };
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return raw;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Kafka's legal name characters; 200 leaves room for the topic names the prefix goes before. */
function kafkaName(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(raw)) throw new ConfigError(`${name} must be 1 to 200 characters of A-Z a-z 0-9 . _ -, got "${raw}"`);
  return raw;
}

/** A checkpoint origin and note key name: a schema-less URL without spaces or '+' (C2SP tlog-checkpoint). */
function logOrigin(env: NodeJS.ProcessEnv): string {
  const raw = env.LOG_ORIGIN;
  if (raw === undefined || raw === '') return 'bela-ledger.local/log';
  if (!/^[A-Za-z0-9._~:/-]{1,200}$/.test(raw)) throw new ConfigError(`LOG_ORIGIN must be 1 to 200 characters of A-Z a-z 0-9 . _ ~ : / -, got "${raw}"`);
  return raw;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}
