import {
  AuthenticationError,
  ConnectorError,
  DataError,
  NotFoundError,
  PermissionError,
  TransientError,
  hints,
  httpErrorClassifier,
  type HttpFailure,
} from '@automl/connector-core';

/** The driver's THTTPException: the HTTP status and node-fetch's Response (headers only are read). */
interface DriverHttpError {
  statusCode: number;
  response?: { headers?: { get(name: string): string | null } };
}

/** The driver's OperationStateError: the statement failed on the warehouse (sqlState in the status). */
interface DriverOperationError {
  errorCode: string;
  response?: { sqlState?: string; errorMessage?: string; displayMessage?: string };
}

export const databricksHints = {
  token: 'Check DATABRICKS_TOKEN: a personal access token (dapi...) from Settings → Developer, not expired or revoked.',
  warehouseStarting: 'The SQL warehouse is starting (a stopped warehouse takes a few minutes to start); the connector retries while it starts.',
  notFound: 'Check the table name and the catalog and schema (config `catalog` / `schema`); names are catalog.schema.table.',
  permission: 'The token\u2019s user lacks a privilege on this table (SELECT to read, MODIFY to write, CREATE TABLE in the schema for writes).',
  httpPath: 'Check DATABRICKS_HTTP_PATH: the warehouse\u2019s HTTP path, e.g. /sql/1.0/warehouses/abcdef.',
} as const;

function isHttpError(error: unknown): error is DriverHttpError {
  return typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

function isOperationError(error: unknown): error is DriverOperationError {
  return typeof error === 'object' && error !== null && typeof (error as { errorCode?: unknown }).errorCode === 'string' && 'response' in error;
}

/** `[ERROR_CLASS] text` → `ERROR_CLASS`. */
export function errorClassOf(message: string | undefined): string | undefined {
  return /^\[([A-Z0-9_.]+)\]/.exec(message ?? '')?.[1];
}

const httpClassifier = httpErrorClassifier({
  connector: 'databricks',
  inspect: (error): HttpFailure | undefined => {
    if (!isHttpError(error)) return undefined;
    const get = (name: string) => error.response?.headers?.get(name) ?? undefined;
    const vendor = get('x-thriftserver-error-message') ?? get('x-databricks-reason-phrase') ?? get('x-databricks-error-or-redirect-message');
    return {
      status: error.statusCode,
      headers: { 'retry-after': get('retry-after') },
      message: vendor ? `Databricks answered: ${vendor}` : `Databricks answered HTTP ${error.statusCode}`,
      code: vendor ? /^([A-Z_]+):/.exec(vendor)?.[1] : undefined,
    };
  },
  refine: (failure, base) => {
    // Databricks answers 403 for a token it does not know (bad, expired, revoked): credentials, not a grant.
    if (failure.status === 401 || failure.status === 403) return new AuthenticationError({ ...base, hint: databricksHints.token });
    if (failure.status === 404) return new NotFoundError({ ...base, hint: databricksHints.httpPath });
    if (failure.status === 503 && failure.code === 'TEMPORARILY_UNAVAILABLE') {
      return new TransientError({ ...base, code: 'WAREHOUSE_STARTING', hint: databricksHints.warehouseStarting });
    }
    return undefined;
  },
});

/**
 * Databricks' failures as core's typed errors. Three shapes reach here: HTTP refusals
 * (THTTPException: the token, the warehouse starting, 429/503 with Retry-After), statements that
 * failed on the warehouse (OperationStateError: its SQLSTATE and error class say what is wrong),
 * and Thrift statuses (StatusError, not even an Error). Messages are built from the status, the
 * SQLSTATE and Databricks' own text, never from the driver's error (which may carry request state).
 */
export function classifyDatabricksError(error: unknown, operation: string): ConnectorError {
  if (ConnectorError.isInstance(error)) return error;
  const connector = 'databricks';
  if (isOperationError(error)) {
    const sqlState = error.response?.sqlState ?? '';
    const text = error.response?.displayMessage ?? error.response?.errorMessage ?? `statement ${error.errorCode.toLowerCase()}`;
    const code = errorClassOf(text) ?? (sqlState || error.errorCode);
    const base = { connector, operation, code, message: `Databricks: ${text}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}` };
    if (error.errorCode === 'TIMEOUT') return new TransientError({ ...base, code: 'QUERY_TIMEOUT', hint: hints.transient });
    if (sqlState === '42P01' || sqlState === '42704' || code === 'TABLE_OR_VIEW_NOT_FOUND' || code === 'SCHEMA_NOT_FOUND') {
      return new NotFoundError({ ...base, hint: databricksHints.notFound });
    }
    if (sqlState === '42501' || code.startsWith('INSUFFICIENT_PERMISSIONS') || code === 'PERMISSION_DENIED')
      return new PermissionError({ ...base, hint: databricksHints.permission });
    if (/^(22|23|42|21)/.test(sqlState)) return new DataError(base);
    return new ConnectorError(base);
  }
  if (isHttpError(error)) return httpClassifier(error, operation);
  if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'Status Error') {
    const status = error as { message?: string; code?: number };
    return new ConnectorError({ connector, operation, code: 'STATUS_ERROR', message: `Databricks refused the call: ${status.message ?? 'no message'}` });
  }
  const message = error instanceof Error ? error.message : String(error);
  // The driver's own retries gave up on a 503/429 (it raises a HiveDriverError with this text).
  if (/\b(503|429)\b.*Max retry count exceeded/i.test(message))
    return new TransientError({ connector, operation, message: `Databricks: ${message}`, hint: hints.transient });
  return httpClassifier(error, operation);
}
