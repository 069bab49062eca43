import type { Connection } from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api.js';

/** One request to the org, relative to the versioned REST root (`/query?q=...`) or the instance (`/services/...`). */
export interface SalesforceRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A path under `/services/data/vXX.X` (`/sobjects`), or an absolute path from the instance root. */
  path: string;
  /** JSON-serialised unless a string (CSV uploads). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** How to parse the answer (`text/csv` parses a CSV table into records of strings); by its content type otherwise. */
  responseType?: string;
}

export interface SalesforceResponse<T> {
  body: T;
  status: number;
  headers: Record<string, string>;
}

/**
 * A failed exchange with what jsforce's own errors drop: the HTTP status and the response headers
 * (Sforce-Limit-Info, Retry-After). `errorCode` is Salesforce's (`INVALID_SESSION_ID`,
 * `REQUEST_LIMIT_EXCEEDED`...) or jsforce's `ERROR_HTTP_<status>` for a non-JSON body.
 */
export class SalesforceHttpError extends Error {
  override readonly name = 'SalesforceHttpError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    readonly headers: Record<string, string>,
    /** The field names of a field error, when Salesforce gave them. */
    readonly fields: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Sends one request with jsforce's HTTP layer (its transport, auth header and body parsing) and none
 * of its retries: core's policy is the only one that retries. The connection carries no refresh
 * function, so an expired session comes back as INVALID_SESSION_ID for the session layer to handle.
 */
export async function sendSalesforceRequest<T>(connection: Connection, request: SalesforceRequest): Promise<SalesforceResponse<T>> {
  const api = new HttpApi(connection, { retry: { maxRetries: 0 }, responseType: request.responseType, noContentResponse: undefined });
  let status: number | undefined;
  let headers: Record<string, string> = {};
  api.on('response', (response: { statusCode: number; headers: Record<string, string> }) => {
    status = response.statusCode;
    headers = response.headers ?? {};
  });
  const url = request.path.startsWith('/services/')
    ? `${connection.instanceUrl}${request.path}`
    : `${connection.instanceUrl}/services/data/v${connection.version}${request.path}`;
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const contentType = request.contentType ?? (body === undefined ? undefined : 'application/json');
  try {
    const result = (await api.request({
      method: request.method,
      url,
      ...(body === undefined ? {} : { body }),
      headers: { ...(contentType ? { 'content-type': contentType } : {}), ...request.headers },
    })) as T;
    return { body: result, status: status ?? 0, headers };
  } catch (error) {
    throw toHttpError(error, status, headers);
  }
}

/** jsforce's HttpApiError (`errorCode`, `data`) or a transport failure, with the status and headers seen. */
function toHttpError(error: unknown, status: number | undefined, headers: Record<string, string>): Error {
  const failure = error as { errorCode?: string; message?: string; data?: unknown; name?: string };
  if (status === undefined) return error as Error;
  const data = failure.data as { fields?: unknown } | undefined;
  const fields = Array.isArray(data?.fields) ? data.fields.map(String) : [];
  // An HTML answer (an edge's 414, 429, 503 page) has a long generic message: keep the status only.
  const message = failure.errorCode?.startsWith('ERROR_HTTP_')
    ? `Salesforce answered HTTP ${status}`
    : (failure.message ?? `Salesforce answered HTTP ${status}`);
  return new SalesforceHttpError(message, status, failure.errorCode, headers, fields);
}
