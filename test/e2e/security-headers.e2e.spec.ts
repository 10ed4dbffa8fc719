import { TestApp } from '../support/test-app.js';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** Helmet joins directives with ';', the dashboard's static files with '; ': the same policy. */
const normalised = (csp: string | null): string | undefined => csp?.replace(/;\s*/g, '; ');

describe('security headers (e2e)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app.close();
  });

  it("every answer (API, errors, dashboard) carries the CSP and helmet's headers, and no HSTS over plain HTTP by default", async () => {
    for (const path of ['/health', '/orders/00000000-0000-4000-8000-000000000000', '/docs-json', '/', '/public/spending']) {
      const response = await app.request('GET', path);
      expect({ path, csp: normalised(response.headers.get('content-security-policy')) }).toEqual({ path, csp: CSP });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('the Swagger UI alone may use inline styles, and still loads its own scripts', async () => {
    const page = await app.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(normalised(page.headers.get('content-security-policy'))).toBe(CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    const scripts = [...String(page.body).matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const script = await app.request('GET', new URL(src, 'http://host/docs').pathname);
      expect({ src, status: script.status }).toEqual({ src, status: 200 });
    }
  });

  it('sends HSTS when configured for a service behind TLS', async () => {
    const behindTls = await TestApp.start({ env: { HSTS_MAX_AGE_SECONDS: '31536000' } });
    try {
      expect((await behindTls.request('GET', '/health')).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await behindTls.close();
    }
  });
});
