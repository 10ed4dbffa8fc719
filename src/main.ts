import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory.js';
import { loadConfig } from './config/app-config.js';
import { installGracefulShutdown } from './ops/graceful-shutdown.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const logger = new Logger('bela-ledger');
  installGracefulShutdown(app, logger);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.log(`listening on http://${config.host}:${port} (docs at /docs, data in ${config.dataDir})`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`bela-ledger failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
