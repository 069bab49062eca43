import type { EmulatorResponse } from '../harness/types.js';

const errorInfo = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

/**
 * Pipedrive's error envelope (core-api-concepts-responses): `success: false`, the message in
 * `error`, a pointer in `error_info`, `data` and `additional_data` null. The 401 body follows the
 * client's `UnathorizedResponse` model (`errorCode`).
 */
export function pipedriveError(status: number, error: string, extra: Record<string, unknown> = {}): EmulatorResponse {
  const body: Record<string, unknown> =
    status === 401
      ? { success: false, error, errorCode: 401, error_info: errorInfo }
      : { success: false, error, error_info: errorInfo, data: null, additional_data: null };
  return { status, body: { ...body, ...extra } };
}

/** The message Pipedrive's status-code page gives each status, for injected faults and unknown routes. */
export function pipedriveErrorResponse(status: number, message: string): EmulatorResponse {
  switch (status) {
    case 401:
      return pipedriveError(401, 'unauthorized access');
    case 404:
      return pipedriveError(404, message.startsWith('No route') ? 'Unknown method .' : message);
    case 429:
      return pipedriveError(429, 'Request over limit');
    case 503:
      return pipedriveError(503, 'Scheduled maintenance');
    default:
      return pipedriveError(status, message);
  }
}

/** What v2 answers a body that does not validate (no coercion, unknown keys refused). */
export const invalidPayload = (details: string[]): EmulatorResponse => pipedriveError(400, `Invalid field(s) in the payload: ${details.join('; ')}`);
