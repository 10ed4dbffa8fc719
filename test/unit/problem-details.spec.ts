import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { StoreBusyError } from '../../src/event-store/event-store.port.js';
import { ProblemDetailsFilter } from '../../src/http/problem-details.filter.js';
import { DomainError, ruleViolation } from '../../src/kernel/errors.js';
import { requireText } from '../../src/kernel/text.js';

describe('problem details and edge checks (unit)', () => {
  const filter = new ProblemDetailsFilter();

  it("keeps the RFC 9457 members when an error's details use the same names", () => {
    const problem = filter.toProblem(
      ruleViolation('VENDOR_INVALID_TRANSITION', 'cannot verify a verified vendor', {
        status: 'verified',
        code: 'x',
        type: 'y',
        title: 'z',
        detail: 'w',
        vendorStatus: 'verified',
      }),
    );
    expect(problem).toMatchObject({
      type: '/docs/problems#VENDOR_INVALID_TRANSITION',
      title: 'Unprocessable Content',
      status: 422,
      code: 'VENDOR_INVALID_TRANSITION',
      detail: 'cannot verify a verified vendor',
      vendorStatus: 'verified',
    });
  });

  it('maps every error kind to its status', () => {
    const statuses = (
      ['validation', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'precondition_failed', 'business_rule', 'rate_limited', 'unavailable'] as const
    ).map((kind) => filter.toProblem(new DomainError(kind, 'C', 'm')).status);
    expect(statuses).toEqual([400, 401, 403, 404, 409, 412, 422, 429, 503]);
  });

  it('answers Fastify router errors (a path parameter too long) as a 414 problem, and anything unknown as a bare 500', () => {
    const tooLong = Object.assign(new Error("'/vendors/aaaa' is exceeding the max param length"), { statusCode: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' });
    expect(filter.toProblem(tooLong)).toMatchObject({ status: 414, code: 'URI_TOO_LONG', title: 'URI Too Long' });
    expect(filter.toProblem(new TypeError('secret internals'))).toEqual(
      expect.objectContaining({ status: 500, code: 'INTERNAL_ERROR', detail: 'internal error; it has been logged' }),
    );
  });

  it("logs a warning or an error with the secret-looking query values replaced, while the answer keeps the caller's URL", () => {
    const url = '/admin/orders?limit=5&apiKey=leaked-secret&access_token=leaked-token';
    const sent: unknown[] = [];
    const reply = { header: () => reply, status: () => reply, send: (body: unknown) => sent.push(body) };
    const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'GET', url }), getResponse: () => reply }) } as unknown as ArgumentsHost;
    // The filter logs through Nest's Logger: catch what it writes instead of printing it.
    const lines: string[] = [];
    const { warn, error } = Logger.prototype;
    Logger.prototype.warn = (message: unknown) => void lines.push(String(message));
    Logger.prototype.error = (message: unknown) => void lines.push(String(message));
    try {
      filter.catch(new StoreBusyError(250, 1), host);
      filter.catch(new DomainError('unavailable', 'READ_MODEL_STALE', 'the read model has not caught up'), host);
      filter.catch(new TypeError('a bug'), host);
      expect(lines).toEqual([
        'GET /admin/orders?limit=5&apiKey=[redacted]&access_token=[redacted]: ' + new StoreBusyError(250, 1).message,
        'GET /admin/orders?limit=5&apiKey=[redacted]&access_token=[redacted]: the read model has not caught up',
        expect.stringMatching(/^GET \/admin\/orders\?limit=5&apiKey=\[redacted\]&access_token=\[redacted\]: TypeError: a bug/),
      ]);
      expect(lines.join('\n')).not.toMatch(/leaked/);
      expect(sent).toEqual([
        expect.objectContaining({ status: 503, instance: url }),
        expect.objectContaining({ status: 503 }),
        expect.objectContaining({ status: 500, instance: url }),
      ]);
    } finally {
      Object.assign(Logger.prototype, { warn, error });
    }
  });

  it('issues vendor keys only for lowercase UUID vendor ids', () => {
    const store = ApiKeyStore.open(':memory:');
    try {
      expect(() => store.issue({ role: 'vendor', label: 'v', vendorId: 'toko-sari' }, new Date())).toThrow(/UUID/);
      expect(() => store.issue({ role: 'vendor', label: 'v', vendorId: '0B9C7D3E-8A41-4F0E-9D6B-2F3A1C5E7D90' }, new Date())).toThrow(/UUID/);
      expect(store.issue({ role: 'vendor', label: 'v', vendorId: '0b9c7d3e-8a41-4f0e-9d6b-2f3a1c5e7d90' }, new Date()).record.vendorId).toBe(
        '0b9c7d3e-8a41-4f0e-9d6b-2f3a1c5e7d90',
      );
    } finally {
      store.close();
    }
  });

  describe('requireText', () => {
    it('trims, and counts characters as code points (an emoji is one)', () => {
      expect(requireText('name', '  Warung 🍛  ', 8)).toBe('Warung 🍛');
      expect(requireText('name', '😀'.repeat(200), 200)).toBe('😀'.repeat(200));
      expect(() => requireText('name', '😀'.repeat(201), 200)).toThrow(DomainError);
    });

    it.each(['\u0000', 'a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', 'c1\u0085', 'tab\tinside', 'line\nbreak'])(
      'refuses the control characters in %j as a single-line text',
      (value) => {
        expect(() => requireText('title', value, 200)).toThrow(expect.objectContaining({ kind: 'validation', code: 'INVALID_TEXT' }));
      },
    );

    it('allows tabs and line breaks in multi-line text, but no other control character', () => {
      expect(requireText('reason', 'baris satu\r\nbaris\tdua', 500, { multiline: true })).toBe('baris satu\r\nbaris\tdua');
      expect(() => requireText('reason', 'a\u0000b', 500, { multiline: true })).toThrow(DomainError);
    });

    it.each(['line\u2028separator', 'para\u2029separator', 'bidi \u202e override', 'embed\u202a', 'isolate\u2066x\u2069'])(
      'refuses the deceptive formatting in %j, also in multi-line text',
      (value) => {
        expect(() => requireText('title', value, 200)).toThrow(expect.objectContaining({ kind: 'validation', code: 'INVALID_TEXT' }));
        expect(() => requireText('reason', value, 500, { multiline: true })).toThrow(expect.objectContaining({ code: 'INVALID_TEXT' }));
      },
    );

    it('refuses lone surrogate halves (not encodable as UTF-8) and keeps paired ones', () => {
      for (const value of ['lone \ud800 high', 'lone \udc00 low', 'end\ud83d', '\ude00start']) {
        expect(() => requireText('name', value, 200)).toThrow(expect.objectContaining({ code: 'INVALID_TEXT' }));
      }
      expect(requireText('name', 'paired \ud83d\ude00', 200)).toBe('paired 😀');
      expect(requireText('name', 'Zero\u200dwidth joiner', 200)).toBe('Zero\u200dwidth joiner');
    });

    it('refuses what is not a string instead of failing on it', () => {
      for (const value of [null, undefined, 42, {}, []]) {
        expect(() => requireText('name', value, 200)).toThrow(expect.objectContaining({ code: 'INVALID_TEXT' }));
      }
    });
  });
});
