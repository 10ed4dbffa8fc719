/**
 * The floors under the HTTP figures: the report's own client (64 keep-alive connections, a fresh
 * Idempotency-Key per POST, the create-listing body) against a route that stores nothing, in a
 * process of its own. The empty route (node:http) shows what HTTP and the load generator alone
 * cost on this machine; the framework route adds NestJS, Fastify and the service's validation of
 * the create-listing body, apart from everything the command itself does.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { listingBody } from './http-phases.js';
import { CONNECTIONS, HttpClient, closedLoop } from './support/http-load.js';
import { PROJECT_ROOT, cpuMsOf } from './support/service.js';
import { LatencySummary, perSecond, summarise } from './support/stats.js';

/** Each floor's server and the path its route answers. */
export const FLOOR_ROUTES = {
  empty: { server: join(PROJECT_ROOT, 'bench', 'support', 'empty-route-server.mjs'), path: '/listings' },
  framework: { server: join(PROJECT_ROOT, 'bench', 'support', 'framework-route-server.mjs'), path: `/vendors/${randomUUID()}/listings` },
} as const;
export type FloorRoute = keyof typeof FLOOR_ROUTES;
const START_WAIT_MS = 10_000;
/** Requests sent first and not counted: the server's and the client's code warm up, the connections open. */
const WARM_UP_REQUESTS = 2_000;

export interface FloorRate {
  readonly requests: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
  /** The server process's CPU time (all its threads, from /proc) over the counted requests, per request. */
  readonly serverCpuMsPerRequest: number;
}

export interface FloorServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly pid: number | undefined;
  /** Sends SIGTERM and resolves once the process has exited. */
  readonly stop: () => Promise<void>;
}

/** Starts the route's server in a process of its own; rejects if it has not said where it listens within START_WAIT_MS. */
export async function startFloorServer(route: FloorRoute): Promise<FloorServer> {
  const child = spawn(process.execPath, [FLOOR_ROUTES[route].server], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${route}-route server did not start within ${START_WAIT_MS} ms`)), START_WAIT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ${route}-route server exited with ${code}`));
      });
    });
    return { origin, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `requests` POSTs to the route after WARM_UP_REQUESTS uncounted ones. */
export async function floorRate(route: FloorRoute, requests: number): Promise<FloorRate> {
  const { path } = FLOOR_ROUTES[route];
  const server = await startFloorServer(route);
  try {
    const http = new HttpClient(server.origin);
    try {
      await closedLoop(WARM_UP_REQUESTS, CONNECTIONS, async (index) => {
        await http.request('POST', path, 'token', listingBody(index));
      });
      const latencies: number[] = [];
      const cpuBeforeMs = cpuMsOf(server.pid);
      const elapsedMs = await closedLoop(requests, CONNECTIONS, async (index) => {
        const answer = await http.request('POST', path, 'token', listingBody(index));
        if (answer.status !== 201) throw new Error(`the ${route} route answered ${answer.status}`);
        latencies.push(answer.latencyMs);
      });
      const serverCpuMsPerRequest = (cpuMsOf(server.pid) - cpuBeforeMs) / requests;
      return { requests, perSecond: perSecond(requests, elapsedMs), latency: summarise(latencies), serverCpuMsPerRequest };
    } finally {
      await http.close();
    }
  } finally {
    await server.stop();
  }
}
