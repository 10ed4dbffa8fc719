import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';

/** How long requests already being served may take to finish once a stop signal came. */
export const IN_FLIGHT_DRAIN_TIMEOUT_MS = 10_000;
/** The whole stop (drain, subscriptions, stores): past this the process exits non-zero rather than hang. */
export const SHUTDOWN_TIMEOUT_MS = 20_000;
/** How often idle keep-alive connections are closed while draining. */
const DRAIN_POLL_MS = 50;
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ShutdownOptions {
  readonly drainTimeoutMs?: number;
  readonly shutdownTimeoutMs?: number;
  readonly exit?: (code: number) => void;
}

/**
 * Stops in an order that loses nothing: stop accepting connections and let the requests being
 * served finish (their commands are appended and answered), then Nest's hooks stop the
 * subscription runners (each stores its checkpoint after the batch it is in) and close the stores.
 * Exits 0; 1 when a step fails or the whole stop outlasts its bound.
 */
export function installGracefulShutdown(app: INestApplication, logger: LoggerService, options: ShutdownOptions = {}): void {
  const stop = gracefulStop(app, logger, options);
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, (received) => void stop(received));
}

/** The stop itself, run once (a second signal while stopping changes nothing); it calls `exit` once, with 0 or 1. */
export function gracefulStop(app: INestApplication, logger: LoggerService, options: ShutdownOptions = {}): (signal: string) => Promise<void> {
  const drainTimeoutMs = options.drainTimeoutMs ?? IN_FLIGHT_DRAIN_TIMEOUT_MS;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  return async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const startedMs = Date.now();
    logger.log(`${signal}: stopping (requests in flight get up to ${drainTimeoutMs} ms, the whole stop ${shutdownTimeoutMs} ms)`);
    const watchdog = setTimeout(() => {
      logger.error(`shutdown did not finish within ${shutdownTimeoutMs} ms: exiting with code 1`);
      exit(1);
    }, shutdownTimeoutMs);
    watchdog.unref();
    try {
      const unfinished = await drainHttp(app.getHttpServer() as Server, drainTimeoutMs);
      if (unfinished > 0) logger.warn(`${unfinished} connection(s) still busy after ${drainTimeoutMs} ms: closed`);
      await app.close();
      clearTimeout(watchdog);
      logger.log(`stopped in ${Date.now() - startedMs} ms`);
      exit(0);
    } catch (error) {
      clearTimeout(watchdog);
      logger.error(`shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      exit(1);
    }
  };
}

/**
 * Stops listening and waits, within the bound, until every connection has closed: idle keep-alive
 * connections are closed at once, busy ones once their response is sent. Returns how many
 * connections were still busy at the bound (then closed).
 */
async function drainHttp(server: Server, timeoutMs: number): Promise<number> {
  if (!server.listening) return 0;
  let busy = 0;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection that finishes a request while the server closes goes idle: close it then.
  const closeIdle = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
  server.closeIdleConnections();
  const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const outcome = await Promise.race([closed.then(() => 'closed' as const), timedOut]);
  clearInterval(closeIdle);
  if (outcome === 'timeout') {
    busy = await connectionCount(server);
    server.closeAllConnections();
    await closed;
  }
  return busy;
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}
