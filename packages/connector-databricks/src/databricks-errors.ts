import {
  AuthenticationError,
  ConnectorError,
  DataError,
  NotFoundError,
  NotReadyError,
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
  warehouseStarting:
    'The SQL warehouse is starting (a stopped warehouse takes a few minutes to start): the connector waits for it up to `warehouseStartupTimeoutSeconds` (10 minutes by default).',
  statementRunning:
    'The statement (a read\u2019s query, or a write\u2019s MERGE or COPY INTO) was still running on the warehouse after `statementTimeoutSeconds` (6 hours by default) and was cancelled (a write is rolled back): raise it for very long statements, or look at the statement in the warehouse\u2019s query history.',
  statementLost:
    'The warehouse closed the session the statement ran in (a restart, or the session expired): a write runs its transaction again on a new session, at most twice; a read can be run again as it is.',
  cloudFetchExpired:
    'The warehouse left this result in cloud storage behind links valid for 15 minutes, and the rows were consumed more slowly than that: read it in parts (a WHERE range or maxRows per read), or consume the pages faster.',
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
    return undefined;
  },
});

/** Databricks' answer while a session's warehouse has not started (or the session was lost): a 200 with ERROR_STATUS. */
const sessionNotInitialized = /Session handle.*has not been initialized or had already closed|Invalid SessionHandle/i;

export function isLostSessionError(error: unknown): boolean {
  return isStatusError(error) && sessionNotInitialized.test(String((error as { message?: unknown }).message ?? ''));
}

function isStatusError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'Status Error';
}

/** Operations whose retry could skip or repeat rows: a "not ready" answer there fails like any other. */
const notReadyExempt = new Set(['read.fetch']);

export interface DatabricksClassifierOptions {
  /** How long a starting warehouse is waited for (from its first "not ready" answer in a call). */
  startupBudgetMs?: number;
}

/** The default start-up budget: a stopped classic warehouse takes several minutes to start. */
export const defaultStartupBudgetMs = 10 * 60_000;

/**
 * Databricks' failures as core's typed errors, a warehouse that is starting as "not ready" (core
 * waits it out within the start-up budget without spending retries or opening the breaker). Two
 * answers mean "starting": HTTP 503 `TEMPORARILY_UNAVAILABLE` (with Retry-After), and, once the
 * gateway accepted OpenSession for a warehouse still booting, ERROR_STATUS "Session handle ... has
 * not been initialized" on that session (the statements reopen their session before asking again).
 * Neither ran the request, so asking again is safe even for a write.
 */
export function classifyDatabricksError(error: unknown, operation: string, options: DatabricksClassifierOptions = {}): ConnectorError {
  const classified = classifyFailure(error, operation);
  if (notReadyExempt.has(operation) || NotReadyError.isInstance(classified)) return classified;
  const starting = classified.code === 'TEMPORARILY_UNAVAILABLE' && classified.status === 503;
  if (!starting && !isLostSessionError(error)) return classified;
  return new NotReadyError({
    message: starting ? 'Databricks SQL warehouse starting' : 'Databricks SQL warehouse session not initialized (warehouse starting)',
    connector: 'databricks',
    operation,
    code: 'WAREHOUSE_STARTING',
    ...(classified.status !== undefined ? { status: classified.status } : {}),
    ...(classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
    readyWithinMs: options.startupBudgetMs ?? defaultStartupBudgetMs,
    hint: databricksHints.warehouseStarting,
    cause: classified,
  });
}

/**
 * Databricks' failures as core's typed errors. Three shapes reach here: HTTP refusals
 * (THTTPException: the token, the warehouse starting, 429/503 with Retry-After), statements that
 * failed on the warehouse (OperationStateError: its SQLSTATE and error class say what is wrong),
 * and Thrift statuses (StatusError, not even an Error). Messages are built from the status, the
 * SQLSTATE and Databricks' own text, never from the driver's error (which may carry request state).
 */
function classifyFailure(error: unknown, operation: string): ConnectorError {
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
  if (isStatusError(error)) {
    const status = error as { message?: string; code?: number };
    // A statement the warehouse no longer knows: its session was closed or expired while it ran.
    if (/Invalid operation handle|Invalid OperationHandle/i.test(status.message ?? '')) {
      return new ConnectorError({
        connector,
        operation,
        code: 'STATEMENT_LOST',
        message: 'Databricks no longer knows this statement: its session was closed or expired while it ran',
        hint: databricksHints.statementLost,
      });
    }
    return new ConnectorError({ connector, operation, code: 'STATUS_ERROR', message: `Databricks refused the call: ${status.message ?? 'no message'}` });
  }
  const message = error instanceof Error ? error.message : String(error);
  // The driver's upload to (or download from) a presigned URL failed: `HTTP error <status> <text>`.
  if (error instanceof Error && error.constructor.name === 'StagingError') {
    const status = Number(/HTTP error (\d{3})/.exec(message)?.[1]);
    const base = { connector, operation, code: 'STAGING_FAILED', message: `Databricks volume transfer failed: ${message}`, ...(status ? { status } : {}) };
    // 403: a presigned URL that expired (a new PUT gets a new one); 5xx and 429: the storage was busy.
    if (status === 403 || status === 408 || status === 429 || status >= 500) return new TransientError({ ...base, hint: hints.transient });
    return new ConnectorError(base);
  }
  // CloudFetch: a result file's link expired before the driver got to it, or its download failed.
  // The driver has moved past the file either way, so the read cannot go on from there.
  if (/^CloudFetch link has expired/.test(message)) {
    return new ConnectorError({
      connector,
      operation,
      code: 'CLOUDFETCH_LINK_EXPIRED',
      message: 'Databricks: a result file link expired before it was downloaded',
      hint: databricksHints.cloudFetchExpired,
    });
  }
  if (/^CloudFetch HTTP error/.test(message)) {
    const status = Number(/CloudFetch HTTP error (\d{3})/.exec(message)?.[1]);
    return new ConnectorError({ connector, operation, code: 'CLOUDFETCH_FAILED', message: `Databricks: ${message}`, ...(status ? { status } : {}) });
  }
  // The driver's own retries gave up on a 503/429 (it raises a HiveDriverError with this text).
  if (/\b(503|429)\b.*Max retry count exceeded/i.test(message))
    return new TransientError({ connector, operation, message: `Databricks: ${message}`, hint: hints.transient });
  return httpClassifier(error, operation);
}
