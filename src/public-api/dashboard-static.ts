import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_HEADERS } from './dashboard-policy.js';

/** The dashboard as built by scripts/build-web.mjs (dist/web beside dist/src). */
export const WEB_DIR = join(import.meta.dirname, '..', '..', 'web');
/** Static dashboard files may be cached this long; their names do not change between builds, so keep it short. */
const WEB_MAX_AGE_MS = 300_000;
/** The dashboard at / (when it was built), with its content security policy. */
export async function registerDashboard(app: NestFastifyApplication, webDir: string = WEB_DIR): Promise<boolean> {
  if (!existsSync(join(webDir, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    maxAge: WEB_MAX_AGE_MS,
    setHeaders: (reply) => {
      void reply.headers(DASHBOARD_HEADERS);
    },
  });
  return true;
}
