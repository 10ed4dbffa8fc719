import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Logger as PinoLogger } from 'pino';
import { createApp } from './app.factory.js';
import { loadConfig } from './config/app-config.js';
import { installGracefulShutdown } from './ops/graceful-shutdown.js';
import { ROOT_LOGGER, createRootLogger } from './ops/request-logging.js';

/** Set once the application exists, so a later failure (the port is taken) is written in order with its other lines. */
let rootLogger: PinoLogger | undefined;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  rootLogger = app.get<PinoLogger>(ROOT_LOGGER);
  const logger = new Logger('bela-ledger');
  installGracefulShutdown(app, logger);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.log(`listening on http://${config.host}:${port} (docs at /docs, data in ${config.dataDir})`);
}

/** Writes one JSON fatal line and exits 1: before the application exists the same factory builds a logger; fatal is written at every LOG_LEVEL. */
function die(message: string, error: unknown): never {
  (rootLogger ?? createRootLogger({ logLevel: 'info' })).child({ context: 'bela-ledger' }).fatal({ err: error }, message);
  process.exit(1);
}

// Node would end the process on these too, but in plain text on stderr: keep the log one JSON stream.
process.on('uncaughtException', (error) => die('uncaught exception', error));
process.on('unhandledRejection', (reason) => die('unhandled rejection', reason));

bootstrap().catch((error: unknown) => die('failed to start', error));
