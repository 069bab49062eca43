import type { SalesforceRequest, SalesforceResponse } from './salesforce-http.js';

/**
 * How the reading and writing modules reach the org: one request through core's policy (rate
 * limit, timeout, retries when idempotent, breaker, metrics) and the capped session, nothing else.
 */
export interface SalesforceRemote {
  send<T>(operation: string, request: SalesforceRequest, options?: { idempotent?: boolean }): Promise<SalesforceResponse<T>>;
  /** A note for the read report and the log (records skipped, values coerced). */
  warn(code: string, message: string): void;
  /** The pinned API version, e.g. "62.0". */
  readonly apiVersion: string;
  /** The longest request URL the connector builds (Salesforce: 16,384 bytes of URI and headers). */
  readonly maxUrlLength: number;
}
