import type { EmulatorResponse } from '../harness/types.js';

/**
 * Salesforce REST error bodies: a JSON array of `{message, errorCode}` (plus `fields` for field
 * errors), per "Status Codes and Error Responses" of the REST API Developer Guide.
 */
export function restError(status: number, errorCode: string, message: string, fields?: string[]): EmulatorResponse {
  return { status, body: [{ message, errorCode, ...(fields ? { fields } : {}) }] };
}

/** The OAuth token endpoint's errors: `{error, error_description}` (HTTP 400 is the emulator's choice for all). */
export function oauthError(error: string, description: string, status = 400): EmulatorResponse {
  return { status, body: { error, error_description: description } };
}

/** The 401 every REST and Bulk resource answers for an expired or unknown token. */
export const invalidSession = (): EmulatorResponse => restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

/** The org's daily API allocation used up (rolling 24 hours). */
export const requestLimitExceeded = (): EmulatorResponse => restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

/** An HTML page, as Salesforce's edge answers for 414, 429, 502 and 504 (jsforce then reports ERROR_HTTP_<status>). */
function htmlPage(status: number, title: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/html' }, body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>` };
}

/** Bodies for the harness's own answers: unknown routes, too-long URLs and injected faults. */
export function salesforceErrorResponse(status: number, message: string, detail: { kind?: string } = {}): EmulatorResponse {
  switch (status) {
    case 401:
      return invalidSession();
    case 403:
      return requestLimitExceeded();
    case 404:
      return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
    case 405:
      return restError(405, 'METHOD_NOT_ALLOWED', message);
    case 414:
      return htmlPage(414, 'URI Too Long');
    case 429:
      return htmlPage(429, 'Too Many Requests');
    case 500:
      return restError(
        500,
        'UNKNOWN_EXCEPTION',
        'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
      );
    case 503:
      return detail.kind === 'injected' && message === 'html'
        ? htmlPage(503, 'Service Not Available')
        : restError(503, 'SERVER_UNAVAILABLE', 'Server too busy');
    default:
      return status >= 500 ? htmlPage(status, message) : restError(status, 'BAD_REQUEST', message);
  }
}
