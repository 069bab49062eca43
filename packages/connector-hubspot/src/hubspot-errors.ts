import {
  AuthenticationError,
  type ConnectorError,
  DataError,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  TransientError,
  hints,
  httpErrorClassifier,
  parseRetryAfter,
} from '@automl/connector-core';
import { dailyLimitReached, header, retryDelayFromHeaders, type HeaderBag } from './hubspot-rate-limit-headers.js';

/** What the SDK throws for a non-2xx answer (its ApiException): the status, the parsed body, the response headers. */
interface HubSpotApiException {
  code: number;
  body?: {
    message?: string;
    category?: string;
    context?: Record<string, string[]>;
    errors?: Array<{ message?: string; code?: string; context?: Record<string, string[]> }>;
  };
  headers?: HeaderBag;
}

export function isHubSpotApiException(error: unknown): error is HubSpotApiException {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'headers' in error;
}

export interface ClassifyContext {
  /** Whether the configured token has the private-app shape (`pat-...`). */
  tokenLooksLikePrivateApp: boolean;
  /** The scopes the operation needs, for the hint of a 403 that names none. */
  scopesFor?: (operation: string) => string[];
}

/** The property names a PROPERTY_DOESNT_EXIST answer names, from its details or its message. */
export function missingPropertyNames(body: HubSpotApiException['body']): string[] {
  const names = new Set<string>();
  for (const detail of body?.errors ?? []) {
    if (detail.code === 'PROPERTY_DOESNT_EXIST') for (const name of detail.context?.propertyName ?? []) names.add(name);
  }
  if (names.size === 0 && body?.message?.includes('PROPERTY_DOESNT_EXIST')) {
    for (const match of body.message.matchAll(/Property \\?"([^"\\]+)\\?" does not exist/g)) names.add(match[1]!);
  }
  return [...names];
}

/**
 * Turns what the SDK threw into a typed error with HubSpot's own explanation and the hint of the
 * user's troubleshooting guide, on core's HTTP classifier (network failures are recognised there).
 * Only the status, HubSpot's message and category are kept: the SDK error (whose text embeds the
 * response headers and body) travels only as the redacted cause.
 */
export function classifyHubSpotError(error: unknown, operation: string, context: ClassifyContext): ConnectorError {
  return httpErrorClassifier({
    connector: 'hubspot',
    inspect: (candidate) =>
      isHubSpotApiException(candidate)
        ? {
            status: candidate.code,
            headers: candidate.headers ?? {},
            message: candidate.body?.message ?? 'no message',
            ...(candidate.body?.category ? { code: candidate.body.category } : {}),
          }
        : undefined,
    refine: (_failure, _base, original) => refineHubSpotError(original as HubSpotApiException, operation, context),
  })(error, operation);
}

/** HubSpot's meaning of each status: scopes on a 403, the daily allowance on a 429, locks, missing properties. */
function refineHubSpotError(error: HubSpotApiException, operation: string, context: ClassifyContext): ConnectorError {
  const connector = 'hubspot';
  const status = error.code;
  const category = error.body?.category;
  const detail = error.body?.message ?? 'no message';
  const base = { connector, operation, status, code: category, cause: error };
  const message = `HubSpot answered ${status}${category ? ` ${category}` : ''}: ${detail}`;

  if (status === 401) {
    const prefix = context.tokenLooksLikePrivateApp
      ? 'The token may have been revoked or rotated. '
      : 'The configured token does not start with "pat-", so it is not a private-app access token. ';
    return new AuthenticationError({ ...base, message, hint: prefix + hints.hubspotTokenFormat });
  }
  if (status === 403) {
    const named = (error.body?.errors ?? []).flatMap((entry) => entry.context?.requiredGranularScopes ?? entry.context?.requiredScopes ?? []);
    const scopes = named.length > 0 ? named : (context.scopesFor?.(operation) ?? []);
    return new PermissionError({
      ...base,
      message,
      hint: scopes.length > 0 ? `${hints.hubspotScopes(scopes)} (Settings -> Integrations -> Private Apps -> Scopes)` : 'Check the scopes of the private app.',
    });
  }
  if (status === 429) {
    if (dailyLimitReached(error.headers, error.body?.message)) {
      return new QuotaError({
        ...base,
        message,
        hint: "The portal's daily API allowance is used up; it resets at midnight in the portal's time zone. Spread the job over days or raise the allowance (API add-on).",
      });
    }
    return new RateLimitError({ ...base, message, retryAfterMs: retryDelayFromHeaders(error.headers), hint: hints.rateLimited });
  }
  if (status === 423) {
    // HubSpot locks a record set for 2 s when it receives many writes to it at once.
    return new TransientError({
      ...base,
      message,
      retryAfterMs: Math.max(2000, parseRetryAfter(header(error.headers, 'retry-after')) ?? 0),
      hint: hints.transient,
    });
  }
  if (status === 408 || status === 477 || status >= 500) {
    return new TransientError({ ...base, message, retryAfterMs: parseRetryAfter(header(error.headers, 'retry-after')), hint: hints.transient });
  }
  if (status === 404) return new NotFoundError({ ...base, message, hint: 'Check the object type (listTables() lists them) and the record ids.' });
  if (status === 400 && /Unable to infer object type/i.test(detail)) {
    return new NotFoundError({ ...base, message, hint: 'Unknown object type: listTables() lists the standard and custom objects of the portal.' });
  }
  const missing = missingPropertyNames(error.body);
  if (missing.length > 0) {
    return new DataError({
      ...base,
      code: 'PROPERTY_DOESNT_EXIST',
      // The way out is in the message too: a failed row carries the message as its reason.
      message: `HubSpot has no such properties: ${missing.join(', ')} (create them in HubSpot, or pass createMissingProperties: true)`,
      hint: 'Create them in HubSpot (Settings -> Properties), or pass createMissingProperties: true to let the connector create them (needs the crm.schemas.<object>.write scope).',
    });
  }
  if (status === 414) {
    return new DataError({ ...base, message, hint: 'The request URL is too long: ask for fewer properties (the `properties` / `columns` option).' });
  }
  return new DataError({ ...base, message, hint: 'HubSpot rejected the request as invalid; the message says which field or value.' });
}
