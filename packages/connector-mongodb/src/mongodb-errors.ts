import {
  AuthenticationError,
  ConfigError,
  ConnectorError,
  type ConnectorContext,
  type ConnectorErrorOptions,
  DataError,
  hints,
  NotFoundError,
  PermissionError,
  RateLimitError,
  type Redactor,
  systemDescriptor,
  TransientError,
  UnsupportedOperationError,
} from '@automl/connector-core';

/** The hints of the mongodb system descriptor (one wording for the connector, the docs and the dashboard). */
const mongoDbHints = systemDescriptor('mongodb').hints as Record<
  'authenticationFailed' | 'serverSelection' | 'srvLookup' | 'notAuthorized' | 'unsupported',
  string
>;

/**
 * The server's codes whose failures pass on their own: the retryable-error list of MongoDB's
 * retryable writes specification (elections, shutdowns, network errors seen by a mongos) plus
 * operation time limits. https://github.com/mongodb/specifications (retryable-writes, "Determining Retryable Errors")
 */
const transientCodes = new Set([6, 7, 50, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const transientLabels = ['RetryableWriteError', 'RetryableError', 'NetworkError'];
/** Codes that mean "the data is wrong": bad values, type mismatches, invalid field names, too large. */
const dataCodes = new Set([2, 9, 14, 52, 55, 56, 57, 66, 10334, 11000, 11001, 17419, 16837, 28, 40]);
const unsupportedCodes = new Set([59, 115, 238]);
/** Azure Cosmos DB for MongoDB's throttling ("Request rate is large", RetryAfterMs=...). */
const REQUEST_RATE_TOO_LARGE = 16500;

interface MongoErrorShape {
  name?: string;
  message?: string;
  code?: number | string;
  codeName?: string;
  errorLabels?: string[];
  errorLabelSet?: Set<string>;
  cause?: unknown;
}

/**
 * Turns what the driver threw into core's typed error. Every message is scrubbed with `redactor`
 * (it knows the URI and the password) and the driver's error is replaced by a plain copy of its
 * name, code and message as the cause: the driver's objects hold topology descriptions and options
 * that must not reach a log by inspection.
 */
export function classifyMongoDbError(error: unknown, operation: string, redactor: Redactor): ConnectorError {
  if (ConnectorError.isInstance(error)) return error;
  const shape = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as MongoErrorShape;
  const message = redactor.redact(shape.message ?? String(error));
  const code = typeof shape.code === 'number' ? shape.code : undefined;
  const base: ConnectorErrorOptions = {
    message,
    connector: 'mongodb',
    operation,
    cause: scrubbedCause(shape, redactor),
    ...(shape.codeName ? { code: shape.codeName } : typeof shape.code === 'string' ? { code: shape.code } : code !== undefined ? { code: String(code) } : {}),
  };
  const labels = new Set([...(shape.errorLabels ?? []), ...(shape.errorLabelSet ?? [])]);

  switch (driverErrorName(shape)) {
    case 'MongoParseError':
    case 'MongoInvalidArgumentError':
    case 'MongoMissingCredentialsError':
    case 'MongoAPIError':
      return new ConfigError({ ...base, message: `Invalid MongoDB connection settings: ${message}` });
    case 'MongoServerSelectionError':
      return new TransientError({ ...base, message: `No MongoDB server available: ${message}`, hint: mongoDbHints.serverSelection });
    case 'MongoNetworkTimeoutError':
    case 'MongoNetworkError':
    case 'MongoPoolClearedError':
    case 'MongoTopologyClosedError':
      return new TransientError({ ...base, message: `MongoDB connection failed: ${message}`, hint: hints.transient });
    case 'MongoOperationTimeoutError':
      return new TransientError({ ...base, message: `MongoDB operation timed out: ${message}`, hint: hints.transient });
    default:
      break;
  }

  if (shape.code === 'ENOTFOUND' && /querySrv|_mongodb\._tcp/.test(message)) {
    return new ConfigError({ ...base, message: `MongoDB SRV lookup failed: ${message}`, hint: mongoDbHints.srvLookup });
  }
  if (shape.code === 'ENOTFOUND' || shape.code === 'EAI_AGAIN' || shape.code === 'ECONNREFUSED' || shape.code === 'ECONNRESET') {
    return new TransientError({ ...base, message: `MongoDB connection failed: ${message}`, hint: hints.transient });
  }

  if (code === 18) return new AuthenticationError({ ...base, hint: mongoDbHints.authenticationFailed });
  if (code === 13 && /requires authentication/i.test(message)) return new AuthenticationError({ ...base, hint: mongoDbHints.authenticationFailed });
  if (code === 13 || code === 8000) return new PermissionError({ ...base, hint: mongoDbHints.notAuthorized });
  if (code === REQUEST_RATE_TOO_LARGE || labels.has('SystemOverloadedError')) {
    const wait = /RetryAfterMs=(\d+)/.exec(message);
    return new RateLimitError({ ...base, hint: hints.rateLimited, ...(wait ? { retryAfterMs: Number(wait[1]) } : {}) });
  }
  if ((code !== undefined && transientCodes.has(code)) || transientLabels.some((label) => labels.has(label))) {
    return new TransientError({ ...base, hint: hints.transient });
  }
  if (code === 26) return new NotFoundError(base);
  if (code !== undefined && unsupportedCodes.has(code)) return new UnsupportedOperationError({ ...base, hint: mongoDbHints.unsupported });
  if (code !== undefined && dataCodes.has(code)) return new DataError(base);
  return new ConnectorError(base);
}

/**
 * The driver's error class, seen through a MongoBulkWriteError: insertMany and bulkWrite wrap a
 * network or server-selection failure in one (copying its fields, not its class), so a reset reads
 * as a bulk error with no statement errors. The copied fields tell the original apart.
 */
function driverErrorName(shape: MongoErrorShape): string | undefined {
  if (shape.name !== 'MongoBulkWriteError' || typeof shape.code === 'number') return shape.name;
  const fields = shape as Record<string, unknown>;
  if ('reason' in fields && fields.reason !== undefined) return 'MongoServerSelectionError';
  if ('beforeHandshake' in fields) return 'MongoNetworkError';
  return shape.name;
}

function scrubbedCause(shape: MongoErrorShape, redactor: Redactor): Error {
  const copy = new Error(redactor.redact(shape.message ?? ''));
  copy.name = shape.name ?? 'Error';
  Object.assign(copy, {
    ...(shape.code !== undefined ? { code: shape.code } : {}),
    ...(shape.codeName ? { codeName: shape.codeName } : {}),
    ...(shape.errorLabels?.length ? { errorLabels: [...shape.errorLabels] } : {}),
  });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/**
 * A context whose calls type the driver's failures inside each attempt, before core's policy sees
 * them: core would otherwise take a refused connection or a failed SRV lookup for a bare network
 * error and lose the MongoDB hint (Atlas IP access list, DNS SRV). A cancel or timeout keeps
 * core's own reason.
 */
export function withMongoDbErrors<C extends Pick<ConnectorContext, 'call'>>(context: C, redactor: Redactor): C {
  return {
    ...context,
    call: (operation, fn, options) =>
      context.call(
        operation,
        (call) =>
          fn(call).catch((error: unknown) => {
            throw call.signal.aborted ? error : classifyMongoDbError(error, operation, redactor);
          }),
        options,
      ),
  };
}
