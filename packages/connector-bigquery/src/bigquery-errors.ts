import {
  AuthenticationError,
  type ConnectorError,
  DataError,
  hints,
  httpErrorClassifier,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  TransientError,
} from '@automl/connector-core';

/** What the SDK's ApiError carries: the HTTP status and BigQuery's `errors[].reason`. */
interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
  response?: { headers?: Record<string, string | undefined> };
}

/** The reason of a BigQuery failure (`rateLimitExceeded`, `duplicate`...), or undefined. */
export function reasonOf(error: unknown): string | undefined {
  const errors = (error as ApiErrorLike | undefined)?.errors;
  return Array.isArray(errors) ? errors.find((entry) => entry?.reason)?.reason : undefined;
}

/** gRPC status codes (Storage Read API) as the HTTP statuses the classifier's ladder speaks. */
const grpcToHttp: Record<number, number> = { 1: 499, 3: 400, 4: 504, 5: 404, 7: 403, 8: 429, 10: 409, 13: 500, 14: 503, 16: 401 };

function grpcStatus(error: unknown): { status: number; message: string; code: string } | undefined {
  const candidate = error as { code?: unknown; details?: unknown; metadata?: unknown } | undefined;
  if (typeof candidate?.code !== 'number' || candidate.code >= 100 || typeof candidate.details !== 'string') return undefined;
  const status = grpcToHttp[candidate.code] ?? 500;
  return { status, message: `BigQuery Storage: ${candidate.details} (gRPC ${candidate.code})`, code: `grpc${candidate.code}` };
}

export interface ErrorContext {
  clientEmail?: string;
  projectId?: string;
  datasetId?: string;
}

/**
 * Classifies by BigQuery's reason, not by HTTP status: BigQuery answers its short-term rate limit
 * with 403 `rateLimitExceeded` (retryable, and not retried by the SDK, which looks at the status
 * only), its long-term quota with 403 `quotaExceeded` (not retryable) and a permission problem with
 * 403 `accessDenied`.
 */
export function bigQueryErrorClassifier(context: () => ErrorContext): (error: unknown, operation: string) => ConnectorError {
  return httpErrorClassifier({
    connector: 'bigquery',
    inspect: (error) => {
      const api = error as ApiErrorLike | undefined;
      const grpc = grpcStatus(error);
      if (grpc) return grpc;
      const status = typeof api?.code === 'number' ? api.code : undefined;
      if (status === undefined || status < 100) return undefined;
      const reason = reasonOf(error);
      const message = api?.errors?.find((entry) => entry?.message)?.message ?? api?.message;
      return { status, headers: api?.response?.headers, message: message ? `BigQuery: ${message}` : undefined, code: reason };
    },
    refine: (failure, base) => {
      const { clientEmail, projectId, datasetId } = context();
      switch (failure.code) {
        case 'rateLimitExceeded':
          return new RateLimitError({ ...base, hint: hints.rateLimited });
        case 'backendError':
        case 'internalError':
          return new TransientError({ ...base, hint: hints.transient });
        case 'quotaExceeded':
          return new QuotaError({
            ...base,
            hint: 'A BigQuery quota is exhausted (e.g. 1,500 load jobs per table per day): wait for it to refill or ask for more quota.',
          });
        case 'bytesBilledLimitExceeded':
          return new QuotaError({
            ...base,
            hint: 'The query would bill more bytes than maximumBytesBilled: select fewer columns, filter on the partitioning column, or raise the cap.',
          });
        case 'accessNotConfigured':
          return new PermissionError({ ...base, hint: hints.googleApiNotEnabled('BigQuery API', projectId) });
        case 'accessDenied':
          return new PermissionError({
            ...base,
            hint: `Grant ${clientEmail ?? 'the service account'} roles/bigquery.dataViewer (read) or roles/bigquery.dataEditor (write) on the dataset, and roles/bigquery.jobUser on project ${projectId ?? '(the project)'} to run jobs.`,
          });
        case 'notFound':
          return new NotFoundError({
            ...base,
            hint: `Check projectId (${projectId ?? 'unset'}), datasetId (${datasetId ?? 'unset'}), the table name and the dataset's location.`,
          });
        case 'invalid':
        case 'invalidQuery':
        case 'badRequest':
          return new DataError({ ...base });
        case 'authError':
          return new AuthenticationError({ ...base, hint: hints.googleInvalidCredentials });
        default:
          return undefined;
      }
    },
  });
}
