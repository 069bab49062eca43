import type { EmulatorResponse } from '../harness/types.js';

/** google.rpc.Code names by HTTP status, as Google's JSON error bodies carry them. */
const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const SERVICE = 'sheets.googleapis.com';
const SERVICE_TITLE = 'Google Sheets API';

/** Google's JSON error shape: `{ error: { code, message, status, details } }`. */
export function googleError(status: number, message: string, details: unknown[] = [], statusName?: string): EmulatorResponse {
  return {
    status,
    body: { error: { code: status, message, status: statusName ?? statusNames[status] ?? 'UNKNOWN', ...(details.length > 0 ? { details } : {}) } },
  };
}

function errorInfo(reason: string, metadata: Record<string, string>) {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: SERVICE, ...metadata } };
}

/** 401 for a missing, malformed, badly signed or expired credential. */
export function unauthenticated(
  reason: 'CREDENTIALS_MISSING' | 'ACCESS_TOKEN_TYPE_UNSUPPORTED' | 'ACCESS_TOKEN_EXPIRED' = 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
): EmulatorResponse {
  const message =
    reason === 'CREDENTIALS_MISSING'
      ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
      : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  return googleError(401, message, [errorInfo(reason, {})]);
}

/** 403 for a spreadsheet the caller has not been given access to (or only read access, for a write). */
export function permissionDenied(): EmulatorResponse {
  return googleError(403, 'The caller does not have permission');
}

/** 403 for a token whose scopes do not allow the call (a readonly scope on a write). */
export function insufficientScopes(): EmulatorResponse {
  return googleError(403, 'Request had insufficient authentication scopes.', [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', {})]);
}

/** 403 SERVICE_DISABLED: the Sheets API is not enabled in the service account's project. */
export function serviceDisabled(projectNumber: string): EmulatorResponse {
  const activationUrl = `https://console.developers.google.com/apis/api/${SERVICE}/overview?project=${projectNumber}`;
  return googleError(
    403,
    `${SERVICE_TITLE} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    [
      errorInfo('SERVICE_DISABLED', { consumer: `projects/${projectNumber}`, activationUrl, containerInfo: projectNumber, serviceTitle: SERVICE_TITLE }),
      {
        '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
        locale: 'en-US',
        message: `${SERVICE_TITLE} has not been used in project ${projectNumber} before or it is disabled.`,
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Google developers console API activation', url: activationUrl }] },
    ],
  );
}

/** 429 RESOURCE_EXHAUSTED, worded as the per-user read quota of the Sheets API. */
export function rateLimitExceeded(projectNumber: string, limit: number): EmulatorResponse {
  return googleError(
    429,
    `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service '${SERVICE}' for consumer 'project_number:${projectNumber}'.`,
    [
      errorInfo('RATE_LIMIT_EXCEEDED', {
        consumer: `projects/${projectNumber}`,
        quota_metric: `${SERVICE}/read_requests`,
        quota_limit: 'ReadRequestsPerMinutePerUser',
        quota_limit_value: String(limit),
        quota_location: 'global',
      }),
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }],
      },
    ],
  );
}

/** The OAuth2 token endpoint's error body (RFC 6749 shape, not the API one). */
export function tokenError(error: 'invalid_grant' | 'invalid_request' | 'unsupported_grant_type', description: string): EmulatorResponse {
  return { status: 400, body: { error, error_description: description } };
}
