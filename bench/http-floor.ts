/**
 * The floor under the HTTP figures: the report's own client (64 keep-alive connections, a fresh
 * Idempotency-Key per POST, the create-listing body) against an empty route in a process of its
 * own. It shows what HTTP and the load generator alone cost on this machine, apart from
 * everything a command does.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { listingBody } from './http-phases.js';
import { CONNECTIONS, HttpClient, closedLoop } from './support/http-load.js';
import { PROJECT_ROOT } from './support/service.js';
import { LatencySummary, perSecond, summarise } from './support/stats.js';

const SERVER = join(PROJECT_ROOT, 'bench', 'support', 'empty-route-server.mjs');
const START_WAIT_MS = 10_000;
/** Requests sent first and not counted: the server's and the client's code warm up, the connections open. */
const WARM_UP_REQUESTS = 2_000;

export interface FloorRate {
  readonly requests: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
}

/** `requests` POSTs after WARM_UP_REQUESTS uncounted ones. */
export async function emptyRouteRate(requests: number): Promise<FloorRate> {
  const child = spawn(process.execPath, [SERVER], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the empty-route server did not start within ${START_WAIT_MS} ms`)), START_WAIT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the empty-route server exited with ${code}`));
      });
    });
    const http = new HttpClient(origin);
    try {
      await closedLoop(WARM_UP_REQUESTS, CONNECTIONS, async (index) => {
        await http.request('POST', '/listings', 'token', listingBody(index));
      });
      const latencies: number[] = [];
      const elapsedMs = await closedLoop(requests, CONNECTIONS, async (index) => {
        const answer = await http.request('POST', '/listings', 'token', listingBody(index));
        if (answer.status !== 201) throw new Error(`the empty route answered ${answer.status}`);
        latencies.push(answer.latencyMs);
      });
      return { requests, perSecond: perSecond(requests, elapsedMs), latency: summarise(latencies) };
    } finally {
      await http.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
}
