import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../harness/types.js';

/**
 * HubSpot's error body (the `Error` schema of the CRM OpenAPI specs): status "error", a message,
 * a category such as VALIDATION_ERROR or MISSING_SCOPES, a correlationId, and optional context,
 * errors and links.
 */
export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  context?: Record<string, string[]>;
  errors?: Array<{ message: string; code?: string; context?: Record<string, string[]> }>;
  links?: Record<string, string>;
  [extra: string]: unknown;
}

export function hubSpotError(
  status: number,
  category: string,
  message: string,
  extra: Partial<Omit<HubSpotErrorBody, 'status' | 'category' | 'message' | 'correlationId'>> = {},
): EmulatorResponse {
  const body: HubSpotErrorBody = { status: 'error', message, correlationId: randomUUID(), category, ...extra };
  return { status, body };
}

/** The 429 body HubSpot documents for its rolling ten-second limit. */
export function rateLimitBody(policyName = 'TEN_SECONDLY_ROLLING'): Record<string, unknown> {
  const limitName = policyName === 'DAILY' ? 'daily' : policyName.toLowerCase();
  return {
    status: 'error',
    message: `You have reached your ${limitName} limit.`,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName,
    requestId: randomUUID(),
  };
}

/** The body for a status the harness asks for (404 route, injected faults, its own 429). */
export function hubSpotErrorResponse(status: number, message: string): EmulatorResponse {
  if (status === 429) return { status, body: rateLimitBody(/daily/i.test(message) ? 'DAILY' : 'TEN_SECONDLY_ROLLING') };
  if (status === 401) {
    return hubSpotError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  }
  if (status === 404) return hubSpotError(404, 'OBJECT_NOT_FOUND', message);
  if (status === 405) return hubSpotError(405, 'METHOD_NOT_ALLOWED', message);
  if (status === 423) return hubSpotError(423, 'LOCKED', message);
  if (status >= 500) return hubSpotError(status, 'INTERNAL_ERROR', `internal error (${message})`);
  return hubSpotError(status, 'VALIDATION_ERROR', message);
}

export function validationErrorMessage(issues: Array<{ name: string; message: string; error: string }>): string {
  const details = issues.map((issue) => ({
    isValid: false,
    message: issue.message,
    error: issue.error,
    name: issue.name,
    localizedErrorMessage: issue.message,
  }));
  return `Property values were not valid: ${JSON.stringify(details)}`;
}
