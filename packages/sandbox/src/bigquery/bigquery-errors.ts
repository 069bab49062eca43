import type { Fault } from '../harness/faults.js';
import type { EmulatorResponse } from '../harness/types.js';

/**
 * BigQuery's error reasons and the HTTP status each is answered with
 * (https://cloud.google.com/bigquery/docs/error-messages). A reason is what a client must classify
 * on: `rateLimitExceeded` and `quotaExceeded` share 403 with `accessDenied`.
 */
export const reasonStatus = {
  accessDenied: 403,
  accessNotConfigured: 403,
  authError: 401,
  backendError: 503,
  badRequest: 400,
  billingNotEnabled: 403,
  bytesBilledLimitExceeded: 400,
  duplicate: 409,
  internalError: 500,
  invalid: 400,
  invalidQuery: 400,
  jobBackendError: 400,
  notFound: 404,
  notImplemented: 501,
  quotaExceeded: 403,
  rateLimitExceeded: 403,
  resourcesExceeded: 400,
  responseTooLarge: 403,
  stopped: 200,
  timeout: 400,
} as const;

export type BigQueryReason = keyof typeof reasonStatus;

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'BAD_GATEWAY',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** What a reason says when a fault injects it without a message. */
const defaultMessages: Partial<Record<BigQueryReason, string>> = {
  rateLimitExceeded:
    'Exceeded rate limits: too many api requests per user per method for this user_method. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  quotaExceeded:
    'Quota exceeded: Your project exceeded quota for imports per table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  backendError: 'Error encountered during execution. Retrying may solve the problem.',
  internalError: 'An internal error occurred and the request could not be completed.',
  accessDenied: 'Access Denied: the caller does not have permission',
};

/** An ErrorProto: `{ reason, message, location?, domain }`. */
export interface ErrorProto {
  reason: string;
  message: string;
  location?: string;
  locationType?: string;
  domain?: string;
}

/** Google's JSON error body with BigQuery's `errors[]` (https://cloud.google.com/bigquery/docs/error-messages). */
export function bigQueryError(reason: BigQueryReason | string, message?: string, extra: Partial<ErrorProto> = {}, status?: number): EmulatorResponse {
  const code = status ?? (reasonStatus as Record<string, number>)[reason] ?? 400;
  const text = message ?? (defaultMessages as Record<string, string>)[reason] ?? reason;
  return {
    status: code,
    body: {
      error: {
        code,
        message: text,
        errors: [{ message: text, domain: 'global', reason, ...extra }],
        status: statusNames[code] ?? 'UNKNOWN',
      },
    },
  };
}

/** The reason an HTTP status carries when a fault injects only the status. */
export function reasonForStatus(status: number): string {
  if (status === 401) return 'authError';
  if (status === 403) return 'accessDenied';
  if (status === 404) return 'notFound';
  if (status === 409) return 'duplicate';
  if (status === 429) return 'rateLimitExceeded';
  if (status === 500) return 'internalError';
  if (status >= 502) return 'backendError';
  return 'invalid';
}

/**
 * A harness fault answering with one of BigQuery's reasons (its status and body), e.g. the 403
 * `rateLimitExceeded` BigQuery documents for short-term limits:
 * `emulator.faults.inject({ route: 'jobs.query', times: 1, fault: bigQueryFault('rateLimitExceeded') })`.
 */
export function bigQueryFault(reason: BigQueryReason, message?: string): Fault {
  return { kind: 'status', status: reasonStatus[reason], message: `${reason}${message ? `: ${message}` : ''}` };
}

/** Reads back what bigQueryFault encoded in the fault's message. */
export function decodeFaultMessage(status: number, message: string): { reason: string; message?: string } {
  const match = /^(\w+)(?::\s*(.*))?$/s.exec(message);
  if (match && match[1]! in reasonStatus) return { reason: match[1]!, message: match[2] };
  return { reason: reasonForStatus(status), message };
}
