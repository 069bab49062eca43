import type { EmulatorRequest, EmulatorResponse, RouteHandler } from '../harness/types.js';
import { restError } from './salesforce-error-bodies.js';
import { OrgRequestError, type SalesforceOrg, type SalesforceRecord } from './salesforce-org.js';
import type { SalesforceRecordError } from './salesforce-values.js';

/** What the REST route modules share. */
export interface RestContext {
  org: SalesforceOrg;
  /** The highest API version served, e.g. 66.0; versions from 31.0 up to it answer. */
  maxApiVersion: number;
}

/** The `vXX.X` of the URL when the org serves it. */
export function servedVersion(context: RestContext, version: string | undefined): string | undefined {
  const match = /^v(\d+)\.0$/.exec(version ?? '');
  const number = match ? Number(match[1]) : Number.NaN;
  return number >= 31 && number <= context.maxApiVersion ? version : undefined;
}

/**
 * Wraps a REST handler: an unknown API version is a 404 (as the resource does not exist), and an
 * OrgRequestError becomes Salesforce's error array with its status.
 */
export function restHandler(
  context: RestContext,
  handler: (request: EmulatorRequest, version: string) => EmulatorResponse | Promise<EmulatorResponse>,
): RouteHandler {
  return async (request) => {
    const version = servedVersion(context, request.params.version);
    if (!version) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
    try {
      return await handler(request, version);
    } catch (error) {
      if (error instanceof OrgRequestError) return restError(error.status, error.errorCode, error.message);
      throw error;
    }
  };
}

/** A record as the REST API returns it: `attributes` first, then the fields. */
export function withAttributes(version: string, objectName: string, record: SalesforceRecord, fields: Record<string, unknown>): Record<string, unknown> {
  return { attributes: { type: objectName, url: `/services/data/${version}/sobjects/${objectName}/${record.Id}` }, ...fields };
}

/** A per-record failure of a single-record resource: 400 with the error array. */
export function recordErrorsResponse(errors: SalesforceRecordError[]): EmulatorResponse {
  return { status: 400, body: errors.map((error) => ({ message: error.message, errorCode: error.statusCode, fields: error.fields })) };
}

/** Reads a JSON object body or throws the parser error Salesforce answers with. */
export function jsonObject(request: EmulatorRequest): Record<string, unknown> {
  if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
    throw new OrgRequestError('JSON_PARSER_ERROR', 'The request body is either invalid or incomplete.');
  }
  return request.body as Record<string, unknown>;
}

/** A per-item injected failure (the harness's partial fault): "CODE: message" or a plain message. */
export function injectedError(reason: string): SalesforceRecordError {
  const match = /^([A-Z_]+):\s*(.*)$/.exec(reason);
  return match ? { statusCode: match[1]!, message: match[2]!, fields: [] } : { statusCode: 'UNKNOWN_EXCEPTION', message: reason, fields: [] };
}
