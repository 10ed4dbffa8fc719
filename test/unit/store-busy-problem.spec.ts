import type { ArgumentsHost } from '@nestjs/common';
import { StoreBusyError } from '../../src/event-store/event-store.port.js';
import { ProblemDetailsFilter } from '../../src/http/problem-details.filter.js';

/** A reply that records what the filter sends. */
function recordingHost(): { host: ArgumentsHost; sent: { status?: number; headers: Record<string, string>; body?: unknown } } {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'POST', url: '/orders' }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('a busy event store over HTTP (unit)', () => {
  it('answers 503 problem+json with Retry-After and the STORE_BUSY code, never a 500', () => {
    const { host, sent } = recordingHost();
    new ProblemDetailsFilter().catch(new StoreBusyError(10_000, 1), host);
    expect(sent.status).toBe(503);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(sent.headers['retry-after']).toBe('1');
    expect(sent.body).toMatchObject({ status: 503, code: 'STORE_BUSY', title: 'Service Unavailable', retryAfterSeconds: 1, instance: '/orders' });
  });
});
