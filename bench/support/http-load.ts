/** HTTP load over one undici pool of CONNECTIONS keep-alive connections to the service. */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';

export const CONNECTIONS = 64;
const REQUEST_TIMEOUT_MS = 60_000;

export interface Answer<T = any> {
  readonly status: number;
  readonly body: T;
  readonly latencyMs: number;
}

export class HttpClient {
  private readonly pool: Pool;

  constructor(origin: string) {
    this.pool = new Pool(origin, { connections: CONNECTIONS, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  }

  /** POSTs carry a fresh Idempotency-Key, as a well-behaved client's creating requests do. */
  async request<T = any>(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (method === 'POST') headers['idempotency-key'] = randomUUID();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const startedMs = performance.now();
    const response = await this.pool.request({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.body.text();
    const latencyMs = performance.now() - startedMs;
    const type = String(response.headers['content-type'] ?? '');
    return { status: response.statusCode, body: type.includes('json') && text ? JSON.parse(text) : text, latencyMs };
  }

  /** Like request, but a status other than `expected` is an error naming what failed. */
  async expect<T = any>(expected: number, method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<Answer<T>> {
    const answer = await this.request<T>(method, path, token, body);
    if (answer.status !== expected)
      throw new Error(`${method} ${path}: expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
    return answer;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Runs `total` operations from `workers` concurrent loops (closed loop: each sends its next
 * request when its previous one answered). Returns the wall time.
 */
export async function closedLoop(total: number, workers: number, operation: (index: number, worker: number) => Promise<void>): Promise<number> {
  let next = 0;
  const startedMs = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < total) {
        const index = next++;
        await operation(index, worker);
      }
    }),
  );
  return performance.now() - startedMs;
}
