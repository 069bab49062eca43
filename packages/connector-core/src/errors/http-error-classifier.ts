import { ConnectorError, TransientError, type ConnectorErrorOptions } from './connector-error.js';
import { hints } from './hints.js';
import { errorFromHttpStatus, isTransientNetworkError, parseRetryAfter } from './http-status.js';

/** What a connector can read off a failed HTTP exchange, however its SDK shapes the error. */
export interface HttpFailure {
  status: number;
  /** Response headers, lower-case names. */
  headers?: Record<string, string | undefined>;
  /** The vendor's message (already free of credentials, or scrubbed by core on the way out). */
  message?: string;
  /** The vendor's error code (`INVALID_SESSION_ID`, `RATE_LIMIT`...). */
  code?: string;
}

export interface HttpErrorClassifierOptions {
  connector: string;
  /** Reads status, headers, message and code off whatever the SDK threw; undefined when it is not an HTTP failure. */
  inspect: (error: unknown) => HttpFailure | undefined;
  /** A vendor's own refinement (a 403 that means "API not enabled", a 400 that means "quota"); undefined keeps the default. */
  refine?: (failure: HttpFailure, base: ConnectorErrorOptions & { status: number }, error: unknown) => ConnectorError | undefined;
  /** Default hints per status, over core's (429: the rate-limit hint). */
  hints?: Partial<Record<number, string>>;
  /** Extra headers giving the wait after a 429 in seconds (`x-ratelimit-reset`...), besides Retry-After. */
  retryAfterHeaders?: string[];
}

/**
 * Builds a connector's `classifyError` from one description of its SDK's errors: the
 * 401/403/404/429/5xx ladder, Retry-After and socket failures live here once; each connector only
 * says how to read its SDK's error and refines what its vendor means by a status.
 */
export function httpErrorClassifier(options: HttpErrorClassifierOptions): (error: unknown, operation: string) => ConnectorError {
  return (error, operation) => {
    if (ConnectorError.isInstance(error)) return error;
    const failure = options.inspect(error);
    if (!failure) {
      if (isTransientNetworkError(error)) {
        return new TransientError({
          message: `Network failure during ${operation}: ${(error as Error).message}`,
          connector: options.connector,
          operation,
          cause: error,
          hint: hints.transient,
        });
      }
      return new ConnectorError({ message: error instanceof Error ? error.message : String(error), connector: options.connector, operation, cause: error });
    }
    const headers = failure.headers ?? {};
    let retryAfterMs = parseRetryAfter(headers['retry-after']);
    for (const name of options.retryAfterHeaders ?? []) {
      if (retryAfterMs !== undefined) break;
      retryAfterMs = parseRetryAfter(headers[name]);
    }
    const base = {
      message: failure.message ? `${failure.message} (HTTP ${failure.status})` : `HTTP ${failure.status} during ${operation}`,
      connector: options.connector,
      operation,
      status: failure.status,
      ...(failure.code ? { code: failure.code } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(options.hints?.[failure.status]
        ? { hint: options.hints[failure.status] }
        : failure.status === 429
          ? { hint: hints.rateLimited }
          : failure.status >= 500
            ? { hint: hints.transient }
            : {}),
      cause: error,
    };
    return options.refine?.(failure, base, error) ?? errorFromHttpStatus(failure.status, base);
  };
}
