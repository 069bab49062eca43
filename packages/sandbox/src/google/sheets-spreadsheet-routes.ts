import type { EmulatorResponse, Route } from '../harness/types.js';
import { applyFieldMask, parseFieldMask } from './field-mask.js';
import { googleError } from './google-errors.js';
import { BatchRequestError, applyBatchUpdate } from './sheets-batch-update.js';
import { isResponse, openSpreadsheet, type SheetsContext } from './sheets-access.js';
import { sheetMetadata, spreadsheetMetadata } from './sheets-developer-metadata.js';
import {
  cloneSpreadsheet,
  gridData,
  newSheet,
  newSpreadsheetId,
  resolveRange,
  sheetProperties,
  type Bounds,
  type SheetState,
  type SpreadsheetState,
} from './sheets-store.js';

/** The Spreadsheet resource, with grid data for the requested ranges when asked for. */
function spreadsheetResource(spreadsheet: SpreadsheetState, ranges: string[], includeData: boolean): Record<string, unknown> | EmulatorResponse {
  const selected = new Map<SheetState, Bounds[]>();
  for (const range of ranges) {
    const resolved = resolveRange(spreadsheet, range);
    if (isResponse(resolved)) return resolved;
    selected.set(resolved.sheet, [...(selected.get(resolved.sheet) ?? []), resolved.bounds]);
  }
  const sheets = ranges.length > 0 ? spreadsheet.sheets.filter((sheet) => selected.has(sheet)) : spreadsheet.sheets;
  return {
    spreadsheetId: spreadsheet.spreadsheetId,
    properties: { title: spreadsheet.title, locale: spreadsheet.locale, autoRecalc: 'ON_CHANGE', timeZone: spreadsheet.timeZone },
    ...(spreadsheetMetadata(spreadsheet).length > 0 ? { developerMetadata: spreadsheetMetadata(spreadsheet) } : {}),
    sheets: sheets.map((sheet) => ({
      properties: sheetProperties(sheet),
      ...(sheetMetadata(spreadsheet, sheet.sheetId).length > 0 ? { developerMetadata: sheetMetadata(spreadsheet, sheet.sheetId) } : {}),
      ...(includeData
        ? {
            data: (selected.get(sheet) ?? [{ startRow: 0, endRow: sheet.rowCount, startColumn: 0, endColumn: sheet.columnCount }]).map((bounds) =>
              gridData(sheet, bounds),
            ),
          }
        : {}),
    })),
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheet.spreadsheetId}/edit`,
  };
}

/** spreadsheets.{get,create,batchUpdate}. */
export function spreadsheetRoutes(context: SheetsContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/v4/spreadsheets/:spreadsheetId:batchUpdate',
      name: 'spreadsheets.batchUpdate',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'write');
        if (isResponse(spreadsheet)) return spreadsheet;
        const body = (request.body ?? {}) as { requests?: unknown; includeSpreadsheetInResponse?: boolean };
        if (!Array.isArray(body.requests) || body.requests.length === 0) return googleError(400, 'Must specify at least one request.');
        const draft = cloneSpreadsheet(spreadsheet);
        let replies: unknown[];
        try {
          replies = applyBatchUpdate(draft, body.requests as Array<Record<string, Record<string, unknown>>>, context.maxCells);
        } catch (error) {
          if (error instanceof BatchRequestError) return googleError(400, error.message);
          throw error;
        }
        // All or nothing: the copy replaces the spreadsheet only when every request applied.
        context.spreadsheets.set(draft.spreadsheetId, draft);
        return {
          status: 200,
          body: {
            spreadsheetId: draft.spreadsheetId,
            replies,
            ...(body.includeSpreadsheetInResponse ? { updatedSpreadsheet: spreadsheetResource(draft, [], false) } : {}),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/v4/spreadsheets/:spreadsheetId',
      name: 'spreadsheets.get',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'read');
        if (isResponse(spreadsheet)) return spreadsheet;
        const query = request.url.searchParams;
        const fields = query.get('fields');
        // A field mask naming grid data asks for it, as includeGridData does.
        const includeData = query.get('includeGridData') === 'true' || (fields !== null && /(^|[(,/])data\b/.test(fields));
        const resource = spreadsheetResource(spreadsheet, query.getAll('ranges'), includeData);
        if (isResponse(resource)) return resource;
        return { status: 200, body: fields ? applyFieldMask(resource, parseFieldMask(fields)) : resource };
      },
    },
    {
      method: 'POST',
      path: '/v4/spreadsheets',
      name: 'spreadsheets.create',
      handler: (request) => {
        const caller = context.callerOf(request);
        const body = (request.body ?? {}) as { properties?: { title?: string; timeZone?: string }; sheets?: Array<{ properties?: { title?: string } }> };
        const spreadsheet: SpreadsheetState = {
          spreadsheetId: newSpreadsheetId(),
          title: body.properties?.title ?? 'Untitled spreadsheet',
          locale: 'en_US',
          timeZone: body.properties?.timeZone ?? 'Etc/GMT',
          sheets: [],
          shares: { [caller.clientEmail]: 'owner' },
          nextSheetId: 1,
        };
        const tabs = body.sheets && body.sheets.length > 0 ? body.sheets : [{ properties: { title: 'Sheet1' } }];
        tabs.forEach((tab, index) => newSheet(spreadsheet, tab.properties?.title ?? `Sheet${index + 1}`));
        context.spreadsheets.set(spreadsheet.spreadsheetId, spreadsheet);
        return { status: 200, body: spreadsheetResource(spreadsheet, [], false) };
      },
    },
  ];
}
