import {
  AuthenticationError,
  ConnectorError,
  DataError,
  hints,
  isTransientNetworkError,
  NotFoundError,
  parseRetryAfter,
  PermissionError,
  RateLimitError,
  TransientError,
} from '@automl/connector-core';

/** What the classifier knows of the connection, to word hints (never a secret). */
export interface ErrorContext {
  clientEmail?: string;
  projectId?: string;
  spreadsheetId?: string;
}

interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ '@type'?: string; reason?: string; metadata?: Record<string, string> }>;
}

/** The safe parts of a GaxiosError: status, Google's error body, Retry-After. Never its config (it holds the bearer token). */
function responseOf(error: unknown): { status?: number; body?: GoogleErrorBody; tokenError?: string; retryAfter?: string } {
  const response = (error as { response?: { status?: number; data?: unknown; headers?: unknown } } | null)?.response;
  if (!response || typeof response.status !== 'number') return {};
  const data = response.data as { error?: unknown; error_description?: unknown } | undefined;
  const headers = response.headers as { get?: (name: string) => string | null } | Record<string, string> | undefined;
  const retryAfter = typeof (headers as { get?: unknown })?.get === 'function' ? ((headers as { get: (name: string) => string | null }).get('retry-after') ?? undefined) : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (typeof data?.error === 'string') return { status: response.status, tokenError: `${data.error}${typeof data.error_description === 'string' ? `: ${data.error_description}` : ''}`, retryAfter };
  return { status: response.status, body: (data?.error as GoogleErrorBody | undefined) ?? undefined, retryAfter };
}

/**
 * Maps a Sheets API failure to a typed error with the specification's hints. Messages are built only
 * from the status, Google's error message and reason, and the connection's public identifiers.
 */
export function classifyGoogleSheetsError(error: unknown, operation: string, context: ErrorContext): ConnectorError {
  if (ConnectorError.isInstance(error)) return error;
  const base = { connector: 'googlesheets', operation, cause: error };
  const { status, body, tokenError, retryAfter } = responseOf(error);
  if (status === undefined) {
    if (isTransientNetworkError(error)) {
      const code = (error as { code?: unknown }).code;
      return new TransientError({ ...base, message: `Network failure talking to Google Sheets${typeof code === 'string' ? ` (${code})` : ''}`, hint: hints.transient });
    }
    return new ConnectorError({ ...base, message: `Google Sheets ${operation} failed: ${error instanceof Error ? error.name : 'unknown error'}` });
  }
  const reason = body?.details?.find((detail) => detail.reason)?.reason;
  const googleMessage = body?.message ?? tokenError ?? `HTTP ${status}`;
  const common = { ...base, status, code: reason ?? body?.status };
  const spreadsheet = context.spreadsheetId ? `spreadsheet ${context.spreadsheetId}` : 'the spreadsheet';

  if (status === 403 && reason === 'SERVICE_DISABLED') {
    const info = body?.details?.find((detail) => detail.reason === 'SERVICE_DISABLED')?.metadata;
    const project = context.projectId ?? info?.consumer?.replace('projects/', '');
    return new PermissionError({
      ...common,
      message: `The Google Sheets API has not been enabled${project ? ` in project ${project}` : ''}`,
      hint: `${hints.googleApiNotEnabled('Google Sheets API', project)}${info?.activationUrl ? ` Direct link: ${info.activationUrl}` : ''}`,
    });
  }
  if (status === 403 && reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') {
    return new PermissionError({ ...common, message: `Google refused the ${operation}: ${googleMessage}`, hint: 'The credentials lack the https://www.googleapis.com/auth/spreadsheets scope.' });
  }
  if (status === 403) {
    return new PermissionError({
      ...common,
      code: 'PERMISSION_DENIED',
      message: `Permission denied: the service account ${context.clientEmail ?? ''} cannot ${operation === 'write' ? 'edit' : 'open'} ${spreadsheet} (${googleMessage})`.replace('account  ', 'account '),
      hint: hints.googleShareWithServiceAccount(context.clientEmail),
    });
  }
  if (status === 401 || tokenError?.startsWith('invalid_grant')) {
    return new AuthenticationError({
      ...common,
      message: `Invalid credentials: Google refused the service-account key${context.clientEmail ? ` of ${context.clientEmail}` : ''} (${googleMessage})`,
      hint: `${hints.googleInvalidCredentials} If the JSON is intact, the key may have been deleted in the Console (create a new one) or this machine's clock is off.`,
    });
  }
  if (status === 404) {
    return new NotFoundError({ ...common, message: `Not found: ${spreadsheet} (${googleMessage})`, hint: 'Check spreadsheetId: it is the long id in the sheet URL, between /d/ and /edit.' });
  }
  if (status === 429) {
    return new RateLimitError({ ...common, message: `Google Sheets quota exceeded: ${googleMessage}`, retryAfterMs: parseRetryAfter(retryAfter), hint: hints.rateLimited });
  }
  if (status === 408 || status >= 500) {
    return new TransientError({ ...common, message: `Google Sheets answered ${status} (${googleMessage})`, hint: hints.transient });
  }
  if (status === 400 && /Unable to parse range/i.test(googleMessage)) {
    return new NotFoundError({ ...common, message: `No such tab or range in ${spreadsheet}: ${googleMessage}`, hint: 'Check the tab name (listTables() lists them) and the A1 range.' });
  }
  if (status === 400 && /limit of \d+ cells/i.test(googleMessage)) {
    return new DataError({
      ...common,
      code: 'CELL_LIMIT',
      message: `Google Sheets rejected the ${operation}: ${googleMessage}`,
      hint: 'A spreadsheet holds at most 10,000,000 cells, all tabs counted: write fewer rows or columns, delete unused tabs or empty rows and columns, or write to another spreadsheet.',
    });
  }
  return new DataError({ ...common, message: `Google Sheets rejected the ${operation}: ${googleMessage}` });
}
