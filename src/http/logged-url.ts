/** A logged URL is cut here: a path and query longer than this are an attack or a bug, not information. */
export const LOGGED_URL_LENGTH_MAX = 1_024;
/** Query parameters whose values are never logged (none of ours carry secrets; a client's mistake might). */
const SECRET_QUERY_PARAMETER = /token|key|secret|password|passwd|auth|signature|session|cookie/i;

/** The path and query as logged: bounded, with the values of secret-looking query parameters replaced. */
export function loggableUrl(url: string): string {
  const bounded = url.length > LOGGED_URL_LENGTH_MAX ? `${url.slice(0, LOGGED_URL_LENGTH_MAX)}…` : url;
  const queryAt = bounded.indexOf('?');
  if (queryAt < 0) return bounded;
  const query = bounded
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SECRET_QUERY_PARAMETER.test(name) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${bounded.slice(0, queryAt)}?${query}`;
}
