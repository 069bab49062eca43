import { hints } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { classifySalesforceError } from './salesforce-errors.js';
import { SalesforceHttpError } from './salesforce-http.js';
import { SalesforceSessionError } from './salesforce-session.js';

const http = (status: number, code: string | undefined, headers: Record<string, string> = {}) =>
  new SalesforceHttpError(`answer ${status}`, status, code, headers);

describe('classifySalesforceError', () => {
  it('classifies by Salesforce error code, which jsforce keeps, and the status the connector keeps', () => {
    expect(classifySalesforceError(http(403, 'REQUEST_LIMIT_EXCEEDED'), 'read')).toMatchObject({ name: 'QuotaError', retryable: false });
    expect(classifySalesforceError(http(401, 'INVALID_SESSION_ID'), 'read')).toMatchObject({
      name: 'AuthenticationError',
      hint: hints.salesforceSessionExpired,
    });
    expect(classifySalesforceError(http(503, 'SERVER_UNAVAILABLE'), 'write')).toMatchObject({ name: 'TransientError', retryable: true });
    expect(classifySalesforceError(http(400, 'UNABLE_TO_LOCK_ROW'), 'write')).toMatchObject({ name: 'TransientError', retryable: true });
    expect(classifySalesforceError(http(502, 'ERROR_HTTP_502'), 'read')).toMatchObject({ name: 'TransientError', retryable: true });
    expect(classifySalesforceError(http(429, 'ERROR_HTTP_429', { 'retry-after': '7' }), 'read')).toMatchObject({
      name: 'RateLimitError',
      retryable: true,
      retryAfterMs: 7000,
    });
    expect(classifySalesforceError(http(414, 'ERROR_HTTP_414'), 'read')).toMatchObject({ name: 'DataError', retryable: false });
    expect(classifySalesforceError(http(400, 'MALFORMED_QUERY'), 'read')).toMatchObject({ name: 'DataError' });
    expect(classifySalesforceError(http(400, 'INVALID_TYPE'), 'read')).toMatchObject({ name: 'NotFoundError' });
  });

  it('names a refused grant and gives the specification hints', () => {
    const grant = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(classifySalesforceError(grant('invalid_grant', 'authentication failure'), 'connect')).toMatchObject({
      name: 'AuthenticationError',
      code: 'invalid_grant',
      hint: hints.salesforceInvalidGrant,
    });
    expect(classifySalesforceError(grant('invalid_client_id', 'client identifier invalid'), 'connect').hint).toMatch(/consumer key/);
    expect(classifySalesforceError(grant('invalid_grant', 'inactive user'), 'connect').hint).toMatch(/inactive/);
    expect(classifySalesforceError(grant('ERROR_HTTP_503', '<html>busy</html>'), 'connect')).toMatchObject({ name: 'TransientError', retryable: true });
    // jsforce's own refresh loses the OAuth name: its message is still read.
    expect(classifySalesforceError(new Error('Unable to refresh session due to: expired access/refresh token'), 'read')).toMatchObject({
      name: 'AuthenticationError',
      code: 'invalid_grant',
    });
    expect(classifySalesforceError(new SalesforceSessionError('again', 'refresh-budget'), 'read')).toMatchObject({
      name: 'AuthenticationError',
      code: 'INVALID_SESSION_ID',
    });
  });

  it('treats socket failures as transient', () => {
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(classifySalesforceError(reset, 'read')).toMatchObject({ name: 'TransientError', retryable: true });
  });
});
