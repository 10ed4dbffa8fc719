import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { clientErrorHandler, registerMediaTypes } from './http/media-types.js';
import { registerMethodNotAllowed } from './http/method-not-allowed.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { PROBLEM_CONTENT_TYPE } from './http/problem.js';
import { registerRateLimits } from './http/rate-limits.js';
import { BEARER_SCHEME, OPENAPI_VERSION, completeDocument } from './http/openapi/openapi-document.js';
import { closeRequestBodies } from './http/openapi/closed-request-bodies.js';
import { describeValidationConstraints } from './http/openapi/validation-constraints.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { OpsMetrics } from './ops/ops-metrics.js';
import { ROOT_LOGGER, registerRequestLogging, requestIdOf } from './ops/request-logging.js';
import { CSP_DIRECTIVES, DOCS_CSP_DIRECTIVES, cspHeader } from './public-api/dashboard-policy.js';
import { registerDashboard } from './public-api/dashboard-static.js';
import { registerPublicHttp } from './public-api/public-http.js';

/** The whole HTTP application, not yet listening (tests call this too). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const problems = new ProblemDetailsFilter();
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // X-Request-Id when the caller sent a safe token, else a UUID: logged with every line of the request and echoed.
    genReqId: requestIdOf,
    // Node refuses an oversized header (431) before Fastify runs: still problem+json.
    clientErrorHandler,
    // Errors Fastify's router raises before any route runs (a path parameter over its length
    // limit, a malformed percent-encoding) skip Nest's filters: answer them as problem+json too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const body = { ...problems.toProblem(error), instance: request.url };
      void reply.status(body.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    // Held until the pino logger (LOG_LEVEL, src/ops/request-logging.ts) takes over below; when
    // start-up fails before that, they are dropped and src/main.ts writes one JSON fatal line instead
    // (Nest would print them as plain text and exit, or abort, on its own).
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
    // The body parsers are ours (src/http/media-types.ts): JSON only, strict UTF-8.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  registerRequestLogging(adapter.getInstance(), app.get(ROOT_LOGGER));
  registerMethodNotAllowed(adapter.getInstance());
  registerMediaTypes(adapter.getInstance());
  const metrics = app.get(OpsMetrics);
  adapter.getInstance().addHook('onResponse', async (request, reply) => metrics.recordResponse(request.method, reply.statusCode, reply.elapsedTime));
  registerSecurityHeaders(app, config);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(problems);
  await registerRateLimits(app, config);
  await registerPublicHttp(app, config);
  await registerDashboard(app);
  describeValidationConstraints();
  const document = completeDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setOpenAPIVersion(OPENAPI_VERSION)
        .setTitle('bela-ledger')
        .setDescription(
          'Event-sourced ledger for Bela Pengadaan: vendors, listings, orders and KKP payments. ' +
            'Errors are application/problem+json (RFC 9457) with a stable `code`. ' +
            'Requests that create or move money require Idempotency-Key, every other command honours it; changes to something you read take If-Match with its ETag.',
        )
        .setVersion('1')
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            // Opaque keys, not JWTs: Nest's default bearerFormat would say JWT.
            bearerFormat: 'bela_<16 hex key id>_<43 base64url secret>',
            description: 'an opaque API key `bela_<keyId>_<secret>` issued by `npm run cli -- keys issue`; it expires and rotates',
          },
          BEARER_SCHEME,
        )
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, closeRequestBodies(document), { jsonDocumentUrl: 'docs-json' });
  return app;
}

const DOCS_CSP = cspHeader(DOCS_CSP_DIRECTIVES);

/**
 * Helmet's headers on every answer, with the dashboard's CSP; the Swagger UI's pages get their
 * relaxed one. Helmet's middleware is built once here: @fastify/helmet rebuilt it (parsing the
 * CSP directives again) on every request.
 */
function registerSecurityHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES as Record<string, string[]> },
    strictTransportSecurity: config.hstsMaxAgeSeconds > 0 ? { maxAge: config.hstsMaxAgeSeconds, includeSubDomains: true } : false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Helmet only sets headers and calls back at once; an error it passed would fail the request.
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.url === '/docs' || request.url.startsWith('/docs/')) void reply.header('Content-Security-Policy', DOCS_CSP);
  });
}
