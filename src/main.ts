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

bootstrap().catch((error: unknown) => {
  // Before that (bad configuration, a store that does not open) the same factory builds one; fatal is written at every LOG_LEVEL.
  (rootLogger ?? createRootLogger({ logLevel: 'info' })).child({ context: 'bela-ledger' }).fatal({ err: error }, 'failed to start');
  process.exit(1);
});
