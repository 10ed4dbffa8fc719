import type { TestApp } from './test-app.js';

const POLL_INTERVAL_MS = 200;
const POLLS_MAX = 300;

/**
 * Waits (bounded) until every projection has applied `head`, asking GET /admin/projections:
 * public endpoints never wait for a position, so a test seeds, then waits here.
 */
export async function projectionsCaughtUp(app: TestApp, adminToken: string, head: string): Promise<void> {
  let last: unknown;
  for (let poll = 0; poll < POLLS_MAX; poll += 1) {
    const response = await app.request('GET', '/admin/projections', { token: adminToken });
    last = response.body;
    const statuses = (response.body?.projections ?? []) as { position: string }[];
    if (response.status === 200 && statuses.length > 0 && statuses.every((status) => BigInt(status.position) >= BigInt(head))) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`projections did not reach ${head} after ${POLLS_MAX} polls: ${JSON.stringify(last)}`);
}
