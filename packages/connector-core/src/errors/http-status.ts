import {
  AuthenticationError,
  ConnectorError,
  type ConnectorErrorOptions,
  NotFoundError,
  PermissionError,
  RateLimitError,
  TransientError,
  DataError,
} from './connector-error.js';

/**
 * Parses a Retry-After header: seconds, or an HTTP date. Returns milliseconds, or undefined when
 * the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | number | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Node socket errors that mean "the request may not have arrived; try again". */
const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ECONNABORTED',
]);

export function isTransientNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && transientNetworkCodes.has(code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /socket hang up|other side closed|fetch failed|network error/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The default mapping of an HTTP status to a typed error, for connectors to refine with what the
 * vendor's error body says (an API that is not enabled is a 403 too, but a different hint).
 */
export function errorFromHttpStatus(status: number, options: ConnectorErrorOptions): ConnectorError {
  if (status === 401) return new AuthenticationError({ status, ...options });
  if (status === 403) return new PermissionError({ status, ...options });
  if (status === 404) return new NotFoundError({ status, ...options });
  if (status === 429) return new RateLimitError({ status, ...options });
  if (status === 408 || status >= 500) return new TransientError({ status, ...options });
  if (status === 400 || status === 409 || status === 422) return new DataError({ status, ...options });
  return new ConnectorError({ status, ...options });
}
