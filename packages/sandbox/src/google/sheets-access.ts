import type { EmulatorRequest, EmulatorResponse } from '../harness/types.js';
import { googleError, insufficientScopes, permissionDenied } from './google-errors.js';
import type { Caller } from './google-service-accounts.js';
import type { SpreadsheetState } from './sheets-store.js';

/** Scopes that open the Sheets API, and those among them that allow writes. */
const readScopes = new Set([
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/spreadsheets.readonly',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/drive.file',
]);
const writeScopes = new Set([
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.file',
]);

export function grantsSheetsAccess(scopes: string[]): boolean {
  return scopes.some((scope) => readScopes.has(scope));
}

/** What every spreadsheet route needs: the store, and who is calling. */
export interface SheetsContext {
  spreadsheets: Map<string, SpreadsheetState>;
  callerOf(request: EmulatorRequest): Caller;
  maxRequestBytes: number;
  /** The cell limit of a spreadsheet (Google's is 10,000,000). */
  maxCells: number;
}

/**
 * The spreadsheet a request names, if the caller may use it: 404 when it does not exist, 403 when it
 * is not shared with the caller's client_email (or only for reading, on a write), 403 on a write
 * with a readonly scope.
 */
export function openSpreadsheet(context: SheetsContext, request: EmulatorRequest, access: 'read' | 'write'): SpreadsheetState | EmulatorResponse {
  const caller = context.callerOf(request);
  if (access === 'write' && caller.scopes && !caller.scopes.some((scope) => writeScopes.has(scope))) return insufficientScopes();
  if (access === 'write' && request.rawBody.length > context.maxRequestBytes) {
    return googleError(400, `Request payload size exceeds the limit: ${context.maxRequestBytes} bytes.`);
  }
  const spreadsheet = context.spreadsheets.get(request.params.spreadsheetId ?? '');
  if (!spreadsheet) return googleError(404, 'Requested entity was not found.');
  const role = spreadsheet.shares[caller.clientEmail];
  if (!role || (access === 'write' && role === 'reader')) return permissionDenied();
  return spreadsheet;
}

export function isResponse(value: unknown): value is EmulatorResponse {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as { status: unknown }).status === 'number';
}
