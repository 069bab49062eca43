import {
  AuthenticationError,
  type ConnectorError,
  DataError,
  hints,
  httpErrorClassifier,
  NotFoundError,
  QuotaError,
  TransientError,
} from '@automl/connector-core';
import { grantHint } from './salesforce-auth.js';
import { SalesforceHttpError } from './salesforce-http.js';
import { SalesforceSessionError } from './salesforce-session.js';

/** OAuth error names the token endpoint answers with (jsforce puts them in `name`). */
const oauthErrors = new Set(['invalid_grant', 'invalid_client_id', 'invalid_client', 'unsupported_grant_type', 'invalid_request', 'inactive_user']);

/** Salesforce error codes that may pass on their own (a lock held by another transaction, a busy server). */
const transientCodes = new Set(['SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'UNKNOWN_EXCEPTION', 'REQUEST_RUNNING_TOO_LONG', 'QUERY_TIMEOUT']);

export const quotaHint =
  "The org's daily API request allocation (a rolling 24 hours, shared by every integration of the org) is used up: wait for it to refill, lower this connector's use (Bulk API for large loads), or ask Salesforce for more.";

const http = httpErrorClassifier({
  connector: 'salesforce',
  inspect: (error) =>
    error instanceof SalesforceHttpError && error.status !== undefined
      ? { status: error.status, headers: error.headers, message: error.message, ...(error.errorCode ? { code: error.errorCode } : {}) }
      : undefined,
  refine: (failure, base) => {
    const code = failure.code ?? '';
    if (code === 'INVALID_SESSION_ID') return new AuthenticationError({ ...base, hint: hints.salesforceSessionExpired });
    if (code === 'REQUEST_LIMIT_EXCEEDED') return new QuotaError({ ...base, hint: quotaHint });
    if (transientCodes.has(code)) return new TransientError({ ...base, hint: hints.transient });
    if (code === 'INVALID_TYPE' || code === 'NOT_FOUND')
      return new NotFoundError({ ...base, hint: 'Check the object API name (custom objects end in __c) with listTables().' });
    if (failure.status === 414 || failure.status === 431) {
      return new DataError({ ...base, hint: 'The request URL is too long for Salesforce (16 KB): ask for fewer columns, or read with readMode "bulk".' });
    }
    if (code === 'INVALID_FIELD' || code === 'MALFORMED_QUERY') {
      return new DataError({ ...base, hint: 'Check the field API names with describe() (custom fields end in __c).' });
    }
    return undefined;
  },
});

/**
 * Salesforce failures as core's typed errors. jsforce errors carry no HTTP status, so the
 * connector's own request helper keeps it (SalesforceHttpError); the rest is by Salesforce's
 * `errorCode`, the OAuth error name of a refused grant, or the session layer's verdict.
 */
export function classifySalesforceError(error: unknown, operation: string): ConnectorError {
  if (error instanceof SalesforceSessionError) {
    const hint =
      error.reason === 'no-refresh'
        ? `${hints.salesforceSessionExpired} Configure clientId, clientSecret and a refreshToken (or username/password, or client credentials) so the connector can renew the session.`
        : `${hints.salesforceSessionExpired} The org refused the renewed token too: check the Connected App's session policies and IP restrictions.`;
    return new AuthenticationError({ message: error.message, connector: 'salesforce', operation, code: 'INVALID_SESSION_ID', hint, cause: error });
  }
  const named = error as { name?: unknown; message?: unknown } | null;
  const name = typeof named?.name === 'string' ? named.name : '';
  const message = typeof named?.message === 'string' ? named.message : String(error);
  if (oauthErrors.has(name)) {
    return new AuthenticationError({
      message: `Salesforce refused the grant: ${name}: ${message}`,
      connector: 'salesforce',
      operation,
      code: name,
      hint: grantHint(name, message),
      cause: error,
    });
  }
  if (/^ERROR_HTTP_5\d\d$/.test(name)) {
    return new TransientError({
      message: `The Salesforce token endpoint answered HTTP ${name.slice(-3)}`,
      connector: 'salesforce',
      operation,
      code: name,
      hint: hints.transient,
      cause: error,
    });
  }
  // jsforce's own refresh path (not used by this connector, but by a Connection handed in) loses the OAuth name.
  const refresh = /^Unable to refresh session due to: (.*)$/.exec(message);
  if (refresh) {
    return new AuthenticationError({
      message: `Salesforce refused the refresh: ${refresh[1]}`,
      connector: 'salesforce',
      operation,
      code: 'invalid_grant',
      hint: grantHint('invalid_grant', refresh[1]!),
      cause: error,
    });
  }
  return http(error, operation);
}
