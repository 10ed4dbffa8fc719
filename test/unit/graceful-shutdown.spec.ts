import type { INestApplication, LoggerService } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulStop } from '../../src/ops/graceful-shutdown.js';

/** What the stop did, in order: the app's close, answers sent, the exit code, log lines. */
interface Trace {
  readonly steps: string[];
  readonly exited: Promise<number>;
  readonly logger: LoggerService;
  readonly exit: (code: number) => void;
}

function trace(): Trace {
  const steps: string[] = [];
  let exitWith: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exitWith = resolve));
  const log = (level: string) => (message: unknown) => void steps.push(`${level}: ${String(message)}`);
  const logger: LoggerService = { log: log('log'), warn: log('warn'), error: log('error') };
  return {
    steps,
    exited: exited.then((code) => (steps.push(`exit ${code}`), code)),
    logger,
    exit: (code) => exitWith(code),
  };
}

/** An HTTP server whose only route answers after `answerAfterMs` (never when undefined). */
async function slowServer(steps: string[], answerAfterMs: number | undefined): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    if (answerAfterMs === undefined) return;
    setTimeout(() => {
      steps.push('answered');
      response.end('done');
    }, answerAfterMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function fakeApp(server: Server, close: () => Promise<void>): INestApplication {
  return { getHttpServer: () => server, close } as unknown as INestApplication;
}

const inFlight = (url: string) =>
  fetch(url).then(
    async (response) => `${response.status} ${await response.text()}`,
    () => 'connection closed',
  );

describe('graceful stop (unit)', () => {
  it('a request in flight is answered before the app closes; then exit 0', async () => {
    const t = trace();
    const { server, url } = await slowServer(t.steps, 100);
    const stop = gracefulStop(
      fakeApp(server, async () => void t.steps.push('app closed')),
      t.logger,
      { exit: t.exit },
    );
    const answer = inFlight(url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    void stop('SIGTERM');
    void stop('SIGINT');
    expect(await answer).toBe('200 done');
    expect(await t.exited).toBe(0);
    expect(t.steps.filter((step) => !step.startsWith('log'))).toEqual(['answered', 'app closed', 'exit 0']);
    expect(t.steps.filter((step) => step.includes('stopping'))).toHaveLength(1);
  });

  it('a request that outlasts the drain bound is cut, with a warning, and the stop goes on', async () => {
    const t = trace();
    const { server, url } = await slowServer(t.steps, undefined);
    const stop = gracefulStop(
      fakeApp(server, async () => void t.steps.push('app closed')),
      t.logger,
      { exit: t.exit, drainTimeoutMs: 100 },
    );
    const answer = inFlight(url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    void stop('SIGTERM');
    expect(await answer).toBe('connection closed');
    expect(await t.exited).toBe(0);
    expect(t.steps).toContainEqual(expect.stringMatching(/^warn: 1 connection\(s\) still busy after 100 ms/));
  });

  it('a part that hangs cannot hang the process: exit 1 past the bound, with an error line', async () => {
    const t = trace();
    const { server } = await slowServer(t.steps, 0);
    const stop = gracefulStop(
      fakeApp(server, () => new Promise<void>(() => undefined)),
      t.logger,
      { exit: t.exit, shutdownTimeoutMs: 100 },
    );
    void stop('SIGTERM');
    expect(await t.exited).toBe(1);
    expect(t.steps).toContainEqual('error: shutdown did not finish within 100 ms: exiting with code 1');
  });

  it('a step that fails ends in exit 1', async () => {
    const t = trace();
    const { server } = await slowServer(t.steps, 0);
    const stop = gracefulStop(
      fakeApp(server, () => Promise.reject(new Error('disk gone'))),
      t.logger,
      { exit: t.exit },
    );
    await stop('SIGTERM');
    expect(await t.exited).toBe(1);
    expect(t.steps).toContainEqual(expect.stringMatching(/^error: shutdown failed: Error: disk gone/));
  });
});
