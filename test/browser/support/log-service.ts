import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { AppModule } from '../../../src/app.module.js';
import { loadConfig } from '../../../src/config/app-config.js';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { ProblemDetailsFilter } from '../../../src/http/problem-details.filter.js';
import { createValidationPipe } from '../../../src/http/validation.pipe.js';
import { DASHBOARD_HEADERS } from '../../../src/public-api/dashboard-policy.js';
import { registerPublicHttp } from '../../../src/public-api/public-http.js';
import { committingStore } from '../../support/committing-store.js';
import { generateHistory } from '../../support/generated-history.js';
import { sampleEventsByStream, sampleIds } from '../../support/ledger-event-samples.js';
import { PROJECT_ROOT } from '../../support/test-app.js';
import { SEED_EVENTS } from './seeded-app.js';

/** A service the Verifikasi page can be tested against: where to reach it, and how to stop it. */
export interface LogService {
  readonly baseUrl: string;
  /** The event store file, for tests that read the events the service holds. */
  readonly eventsDbPath?: string;
  /** Every GET path of the service's OpenAPI document. */
  readonly getPaths?: readonly string[];
  close(): Promise<void>;
}

/**
 * Does the embedded store keep a commitment (salt and digest) beside each event? Without one the
 * built service's transparency log cannot take the event, so nothing can be proven against it.
 */
export async function storeKeepsCommitments(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'bela-commitment-probe-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  try {
    const [streamId, events] = [...sampleEventsByStream(sampleIds())][0]!;
    await store.appendToStream(streamId, events.slice(0, 1), { expectedRevision: 'any' });
    const [event] = await store.readAll({ maxCount: 1 });
    return event?.commitment !== undefined;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The service in this process over a seeded ledger whose events get a deterministic stand-in
 * commitment on the way out (test/support/committing-store.ts), with the built dashboard
 * (dist/web) at /: the page and the verifier bundle are exactly what `npm run build` ships.
 */
export async function startInProcessLogService(seed: string): Promise<LogService & { readonly eventsDbPath: string; readonly getPaths: readonly string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bela-browser-log-'));
  await generateHistory(dir, { seed, targetEvents: SEED_EVENTS, vendorCount: 30, ordersPerDay: 30 });
  const raw = SqliteEventStore.open(join(dir, 'events.db'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'error', LOG_CHECKPOINT_INTERVAL_MS: '100', LOG_ORIGIN: 'bela-ledger.test/log', PUBLIC_RATE_LIMIT_MAX: '100000' });
  const store: EventStore = committingStore(raw);
  const module = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider('OPENED_EVENT_STORE')
    .useValue({ store, adapter: 'sqlite' })
    .compile();
  const app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  await registerPublicHttp(app, config);
  serveFiles(app, join(PROJECT_ROOT, 'dist', 'web'));
  await app.listen(0, '127.0.0.1');
  // The OpenAPI document the service publishes at /docs-json (Swagger UI itself needs @fastify/static).
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  const getPaths = Object.entries(document.paths).filter(([, methods]) => 'get' in methods).map(([path]) => path);
  return {
    getPaths,
    baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    eventsDbPath: join(dir, 'events.db'),
    close: async () => {
      await app.close();
      await raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * The built dashboard files with the service's policy headers. (@fastify/static, which the
 * service uses, cannot be loaded inside jest: it requires an ES-module-only package.)
 */
function serveFiles(app: NestFastifyApplication, root: string): void {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root} has no dashboard: run npm run build`);
  app.getHttpAdapter().getInstance().get('/*', async (request, reply) => {
    const path = normalize(decodeURIComponent(request.url.split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return reply.status(404).send({ status: 404 });
    return reply.headers(DASHBOARD_HEADERS).type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream').send(readFileSync(file));
  });
}
