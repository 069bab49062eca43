import {
  AuthenticationError,
  ConnectorError,
  DataError,
  NotFoundError,
  NotReadyError,
  PermissionError,
  RateLimitError,
  TransientError,
} from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { classifyDatabricksError } from './databricks-errors.js';

const httpError = (statusCode: number, headers: Record<string, string> = {}) => ({
  statusCode,
  response: { headers: { get: (name: string) => headers[name] ?? null } },
});
const failedStatement = (sqlState: string, displayMessage: string, errorCode = 'ERROR') => ({ errorCode, response: { sqlState, displayMessage } });

describe('classifyDatabricksError', () => {
  it('maps HTTP refusals: a token Databricks does not know, the rate limit, a warehouse that is starting', () => {
    expect(classifyDatabricksError(httpError(403, { 'x-databricks-reason-phrase': 'Invalid access token.' }), 'read')).toBeInstanceOf(AuthenticationError);
    const limited = classifyDatabricksError(httpError(429, { 'retry-after': '7' }), 'read');
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.retryAfterMs).toBe(7000);
    const starting = classifyDatabricksError(
      httpError(503, { 'x-thriftserver-error-message': 'TEMPORARILY_UNAVAILABLE: Cluster abc is temporarily unavailable.', 'retry-after': '10' }),
      'connect',
    );
    expect(starting).toBeInstanceOf(NotReadyError);
    expect(starting).toMatchObject({ code: 'WAREHOUSE_STARTING', retryable: true, retryAfterMs: 10_000, readyWithinMs: 600_000 });
    // A later page of a read is never asked again: the driver's cursor may have moved.
    expect(classifyDatabricksError(httpError(503, { 'x-thriftserver-error-message': 'TEMPORARILY_UNAVAILABLE: x' }), 'read.fetch')).toBeInstanceOf(
      TransientError,
    );
    const lost = { name: 'Status Error', message: 'requirement failed: Session handle: SessionHandle [x] has not been initialized or had already closed.' };
    expect(classifyDatabricksError(lost, 'write.stage', { startupBudgetMs: 5000 })).toMatchObject({ kind: 'not-ready', readyWithinMs: 5000 });
  });

  it('maps failed statements by SQLSTATE and error class', () => {
    expect(classifyDatabricksError(failedStatement('42P01', '[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found.'), 'read')).toBeInstanceOf(
      NotFoundError,
    );
    expect(classifyDatabricksError(failedStatement('42501', '[INSUFFICIENT_PERMISSIONS] Insufficient privileges.'), 'write')).toBeInstanceOf(PermissionError);
    const cast = classifyDatabricksError(failedStatement('22018', "[CAST_INVALID_INPUT] The value 'x' cannot be cast."), 'write');
    expect(cast).toBeInstanceOf(DataError);
    expect(cast.code).toBe('CAST_INVALID_INPUT');
    expect(classifyDatabricksError(failedStatement('', 'timed out', 'TIMEOUT'), 'read')).toMatchObject({ code: 'QUERY_TIMEOUT', retryable: true });
  });

  it('keeps a Thrift status error (not an Error at all) as a plain ConnectorError', () => {
    const status = { name: 'Status Error', message: 'Invalid session handle', code: -1 };
    const error = classifyDatabricksError(status, 'read');
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.message).toContain('Invalid session handle');
  });
});
