import {
  AuthenticationError,
  DataError,
  hints,
  httpErrorClassifier,
  NotFoundError,
  PermissionError,
  RateLimitError,
  type ConnectorError,
  type HttpFailure,
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

/** A failure read off a GaxiosError, with Google's error body kept for the refinements. */
interface GoogleFailure extends HttpFailure {
  body?: GoogleErrorBody;
  /** An OAuth token endpoint error (`invalid_grant: ...`). */
  tokenError?: string;
}

/** The safe parts of a GaxiosError: status, Google's error body, Retry-After. Never its config (it holds the bearer token). */
function inspectGaxiosError(error: unknown): GoogleFailure | undefined {
  const response = (error as { response?: { status?: number; data?: unknown; headers?: unknown } } | null)?.response;
  if (!response || typeof response.status !== 'number') return undefined;
  const data = response.data as { error?: unknown; error_description?: unknown } | undefined;
  const headers = response.headers as { get?: (name: string) => string | null } | Record<string, string> | undefined;
  const retryAfter =
    typeof (headers as { get?: unknown })?.get === 'function'
      ? ((headers as { get: (name: string) => string | null }).get('retry-after') ?? undefined)
      : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (typeof data?.error === 'string') {
    const tokenError = `${data.error}${typeof data.error_description === 'string' ? `: ${data.error_description}` : ''}`;
    return { status: response.status, headers: { 'retry-after': retryAfter }, message: tokenError, tokenError };
  }
  const body = (data?.error as GoogleErrorBody | undefined) ?? undefined;
  const reason = body?.details?.find((detail) => detail.reason)?.reason;
  return {
    status: response.status,
    headers: { 'retry-after': retryAfter },
    message: body?.message ?? `HTTP ${response.status}`,
    code: reason ?? body?.status,
    body,
  };
}

/**
 * Maps a Sheets API failure to a typed error with the specification's hints, on core's HTTP ladder
 * (network failures, 408/5xx, Retry-After live there). Messages are built only from the status,
 * Google's error message and reason, and the connection's public identifiers.
 */
export function googleSheetsErrorClassifier(context: () => ErrorContext): (error: unknown, operation: string) => ConnectorError {
  return httpErrorClassifier({
    connector: 'googlesheets',
    inspect: inspectGaxiosError,
    refine: (failure, base, error) => {
      const { body, tokenError } = failure as GoogleFailure;
      const { status } = failure;
      const googleMessage = failure.message ?? `HTTP ${status}`;
      const { clientEmail, projectId, spreadsheetId } = context();
      const operation = base.operation ?? 'call';
      const common = { connector: 'googlesheets', operation, status, cause: error, ...(failure.code ? { code: failure.code } : {}) };
      const spreadsheet = spreadsheetId ? `spreadsheet ${spreadsheetId}` : 'the spreadsheet';
      if (status === 403 && failure.code === 'SERVICE_DISABLED') {
        const info = body?.details?.find((detail) => detail.reason === 'SERVICE_DISABLED')?.metadata;
        const project = projectId ?? info?.consumer?.replace('projects/', '');
        return new PermissionError({
          ...common,
          message: `The Google Sheets API has not been enabled${project ? ` in project ${project}` : ''}`,
          hint: `${hints.googleApiNotEnabled('Google Sheets API', project)}${info?.activationUrl ? ` Direct link: ${info.activationUrl}` : ''}`,
        });
      }
      if (status === 403 && failure.code === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') {
        return new PermissionError({
          ...common,
          message: `Google refused the ${operation}: ${googleMessage}`,
          hint: 'The credentials lack the https://www.googleapis.com/auth/spreadsheets scope.',
        });
      }
      if (status === 403) {
        return new PermissionError({
          ...common,
          code: 'PERMISSION_DENIED',
          message:
            `Permission denied: the service account ${clientEmail ?? ''} cannot ${operation === 'write' ? 'edit' : 'open'} ${spreadsheet} (${googleMessage})`.replace(
              'account  ',
              'account ',
            ),
          hint: hints.googleShareWithServiceAccount(clientEmail),
        });
      }
      if (status === 401 || tokenError?.startsWith('invalid_grant')) {
        return new AuthenticationError({
          ...common,
          message: `Invalid credentials: Google refused the service-account key${clientEmail ? ` of ${clientEmail}` : ''} (${googleMessage})`,
          hint: `${hints.googleInvalidCredentials} If the JSON is intact, the key may have been deleted in the Console (create a new one) or this machine's clock is off.`,
        });
      }
      if (status === 404) {
        return new NotFoundError({
          ...common,
          message: `Not found: ${spreadsheet} (${googleMessage})`,
          hint: 'Check spreadsheetId: it is the long id in the sheet URL, between /d/ and /edit.',
        });
      }
      if (status === 429) {
        return new RateLimitError({
          ...common,
          message: `Google Sheets quota exceeded: ${googleMessage}`,
          ...(base.retryAfterMs !== undefined ? { retryAfterMs: base.retryAfterMs } : {}),
          hint: hints.rateLimited,
        });
      }
      if (status === 400 && /Unable to parse range/i.test(googleMessage)) {
        return new NotFoundError({
          ...common,
          message: `No such tab or range in ${spreadsheet}: ${googleMessage}`,
          hint: 'Check the tab name (listTables() lists them) and the A1 range.',
        });
      }
      if (status === 400 && /limit of \d+ cells/i.test(googleMessage)) {
        const advice =
          'A spreadsheet holds at most 10,000,000 cells, all tabs counted: write fewer rows or columns, delete unused tabs or empty rows and columns, or write to another spreadsheet.';
        // The advice is in the message too: a failed row carries the message as its reason.
        return new DataError({ ...common, code: 'CELL_LIMIT', message: `Google Sheets rejected the ${operation}: ${googleMessage} ${advice}`, hint: advice });
      }
      if (status === 400) return new DataError({ ...common, message: `Google Sheets rejected the ${operation}: ${googleMessage}` });
      // 408, 5xx and the rest: core's ladder, with Google's message.
      return undefined;
    },
  });
}
