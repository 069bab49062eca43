import {
  AuthenticationError,
  type ConnectorError,
  DataError,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  hints,
  httpErrorClassifier,
  parseRetryAfter,
} from '@automl/connector-core';
import { dailyBudgetExhausted, type HeaderBag, header, retryDelayFromHeaders } from './pipedrive-rate-limit-headers.js';

/** Pipedrive's error envelope: `{ success: false, error, error_info, code? }` (401: `errorCode`). */
export interface PipedriveErrorBody {
  success?: boolean;
  error?: unknown;
  error_info?: unknown;
  code?: unknown;
  errorCode?: unknown;
}

/**
 * An error reply as the connector's own axios instance received it: status, response headers and
 * Pipedrive's body. It holds nothing of the request (whose headers carry the token).
 */
export class PipedriveHttpError extends Error {
  readonly status: number;
  readonly headers: HeaderBag;
  readonly body: PipedriveErrorBody | undefined;

  constructor(status: number, headers: HeaderBag, body: PipedriveErrorBody | undefined) {
    const detail = typeof body?.error === 'string' ? body.error : undefined;
    super(`Pipedrive answered ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'PipedriveHttpError';
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

/**
 * A failure with no HTTP answer (reset, refused, DNS), reduced to its code and message: the
 * client's AxiosError keeps the request config, whose headers hold the API token, so it is never
 * kept, attached as a cause or logged.
 */
export class PipedriveNetworkError extends Error {
  readonly code: string | undefined;

  constructor(error: unknown) {
    const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
    super(`Network failure talking to Pipedrive${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`);
    this.name = 'PipedriveNetworkError';
    this.code = code;
  }
}

export const pipedriveHints = {
  invalidToken:
    'Pipedrive refused the API token: copy it again from Pipedrive (profile -> Personal preferences -> API -> "Personal API token") and set PIPEDRIVE_API_KEY (or apiKey). A token stops working when it is regenerated or its user is deactivated.',
  dailyBudget:
    "The company's daily API token budget is used up (it is shared by every integration of the account and resets at the start of the next day). Spread the job over days, lower other integrations' usage, or buy more tokens.",
  paymentRequired: 'The Pipedrive company account is not open (subscription ended or payment missing).',
  forbidden: 'The user of this API token may not do this (permission set, visibility), or the plan caps the number of records or custom fields.',
  notFound: 'The record or entity does not exist (a deleted record, or an entity listTables() does not list).',
  invalidPayload:
    'Pipedrive refused the values: v2 coerces nothing (numbers must be numbers, option fields take existing options); the message names the field.',
} as const;

/**
 * classifyError for the connector: core's HTTP ladder (401/403/404/429/5xx, Retry-After, resets),
 * refined with what Pipedrive means: a 429 is the 2-second burst window (wait `x-ratelimit-reset`)
 * unless the daily token budget is spent, which is a QuotaError that waiting seconds will not fix.
 */
export const classifyPipedriveError: (error: unknown, operation: string) => ConnectorError = httpErrorClassifier({
  connector: 'pipedrive',
  inspect: (error) => {
    if (error instanceof PipedriveHttpError) {
      return {
        status: error.status,
        headers: error.headers,
        message: typeof error.body?.error === 'string' ? `Pipedrive: ${error.body.error}` : 'Pipedrive',
        ...(typeof error.body?.code === 'string' ? { code: error.body.code } : {}),
      };
    }
    return undefined;
  },
  refine: (failure, base, error) => {
    const body = error instanceof PipedriveHttpError ? error.body : undefined;
    switch (failure.status) {
      case 401:
        return new AuthenticationError({ ...base, hint: pipedriveHints.invalidToken });
      case 402:
        return new PermissionError({ ...base, hint: pipedriveHints.paymentRequired });
      case 403:
        return new PermissionError({ ...base, hint: pipedriveHints.forbidden });
      case 404:
      case 410:
        return new NotFoundError({ ...base, hint: pipedriveHints.notFound });
      case 429:
        if (dailyBudgetExhausted(failure.headers, body)) {
          return new QuotaError({
            ...base,
            code: base.code ?? 'DAILY_BUDGET_EXHAUSTED',
            retryAfterMs: parseRetryAfter(header(failure.headers, 'retry-after')),
            hint: pipedriveHints.dailyBudget,
          });
        }
        return new RateLimitError({ ...base, retryAfterMs: base.retryAfterMs ?? retryDelayFromHeaders(failure.headers), hint: hints.rateLimited });
      default:
        if (failure.status >= 400 && failure.status < 500 && failure.status !== 408) return new DataError({ ...base, hint: pipedriveHints.invalidPayload });
        return undefined;
    }
  },
});
