/**
 * The service's content security policy (every answer, the dashboard's pages included): its own
 * scripts and styles only (no inline code), data from this origin, never framed.
 * Chart.js draws on canvas and sets sizes through the CSSOM, which style-src does not govern.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

/**
 * The Swagger UI at /docs injects its styles at run time and shows inline images: its pages alone
 * allow inline styles; scripts stay this origin's own.
 */
export const DOCS_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  ...CSP_DIRECTIVES,
  'style-src': ["'self'", "'unsafe-inline'"],
};

export function cspHeader(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

export const DASHBOARD_CSP = cspHeader(CSP_DIRECTIVES);
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
