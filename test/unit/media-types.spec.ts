import type { ArgumentsHost } from '@nestjs/common';
import { admits } from '../../src/http/media-types.js';
import { ProblemDetailsFilter } from '../../src/http/problem-details.filter.js';
import { DomainError } from '../../src/kernel/errors.js';

describe('media types and expected unavailability (unit)', () => {
  it('reads Accept as RFC 9110 does: ranges, wildcards, parameters, q=0, and no header admits all', () => {
    expect(admits(undefined, 'application/json')).toBe(true);
    expect(admits('', 'application/json')).toBe(true);
    expect(admits('application/json', 'application/json; charset=utf-8')).toBe(true);
    expect(admits('APPLICATION/JSON', 'application/json')).toBe(true);
    expect(admits('*/*', 'text/csv')).toBe(true);
    expect(admits('application/*', 'application/json')).toBe(true);
    expect(admits('text/html, application/xml;q=0.9', 'application/json')).toBe(false);
    expect(admits('application/json;q=0', 'application/json')).toBe(false);
    expect(admits('application/json; q=0.000, */*;q=0.1', 'application/json')).toBe(true);
    expect(admits('text/*', 'text/plain; charset=utf-8')).toBe(true);
    expect(admits('application/xml', 'application/json')).toBe(false);
  });

  it('logs a read model that has not caught up as a warning, never an error with a stack', () => {
    const logged: string[] = [];
    const logger = { warn: () => logged.push('warn'), error: () => logged.push('error') };
    const filter = new ProblemDetailsFilter();
    // The filter's own Logger, replaced to see what it logs.
    Object.assign(filter, { logger });
    const sent: { status?: number; body?: unknown } = {};
    const reply = {
      status(code: number) {
        sent.status = code;
        return reply;
      },
      header: () => reply,
      send(body: unknown) {
        sent.body = body;
        return reply;
      },
    };
    const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'GET', url: '/admin/vendors?waitForPosition=3' }), getResponse: () => reply }) };
    filter.catch(new DomainError('unavailable', 'READ_MODEL_STALE', 'not yet'), host as unknown as ArgumentsHost);
    expect(sent).toMatchObject({ status: 503, body: { code: 'READ_MODEL_STALE' } });
    expect(logged).toEqual(['warn']);
  });
});
