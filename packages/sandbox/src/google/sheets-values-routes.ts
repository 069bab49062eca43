import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import { formatA1, parseA1, parseCellRange } from './a1-notation.js';
import { googleError } from './google-errors.js';
import { isResponse, openSpreadsheet, type SheetsContext } from './sheets-access.js';
import { cellFromUserEntered, cellFromValue, type DateTimeRenderOption, type ValueRenderOption } from './sheets-cells.js';
import {
  clearBounds,
  gridLimitError,
  lastDataRow,
  readValues,
  resolveRange,
  setCell,
  type Bounds,
  type SheetState,
  type SpreadsheetState,
} from './sheets-store.js';

const valueRenders = new Set(['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA']);
const dateRenders = new Set(['SERIAL_NUMBER', 'FORMATTED_STRING']);

function renderOptions(query: URLSearchParams): { valueRender: ValueRenderOption; dateRender: DateTimeRenderOption } | EmulatorResponse {
  const valueRender = query.get('valueRenderOption') ?? 'FORMATTED_VALUE';
  const dateRender = query.get('dateTimeRenderOption') ?? 'SERIAL_NUMBER';
  if (!valueRenders.has(valueRender))
    return googleError(400, `Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "${valueRender}"`);
  if (!dateRenders.has(dateRender))
    return googleError(400, `Invalid value at 'date_time_render_option' (type.googleapis.com/google.apps.sheets.v4.DateTimeRenderOption), "${dateRender}"`);
  return { valueRender: valueRender as ValueRenderOption, dateRender: dateRender as DateTimeRenderOption };
}

function majorDimension(value: unknown): 'ROWS' | 'COLUMNS' {
  return value === 'COLUMNS' ? 'COLUMNS' : 'ROWS';
}

function valueRange(spreadsheet: SpreadsheetState, text: string, query: URLSearchParams): Record<string, unknown> | EmulatorResponse {
  const resolved = resolveRange(spreadsheet, text);
  if (isResponse(resolved)) return resolved;
  const options = renderOptions(query);
  if (isResponse(options)) return options;
  const dimension = majorDimension(query.get('majorDimension'));
  const values = readValues(resolved.sheet, resolved.bounds, { ...options, majorDimension: dimension });
  return { range: resolved.a1, majorDimension: dimension, ...(values.length > 0 ? { values } : {}) };
}

/**
 * Where a write lands: a single-cell range is an anchor that the values extend from; any other range
 * bounds the write, and values past it are a 400, as in the API.
 */
function writeTarget(spreadsheet: SpreadsheetState, text: string, values: unknown[][]): { sheet: SheetState; bounds: Bounds } | EmulatorResponse {
  const parsed = parseA1(text);
  const cellPart = text.slice(text.lastIndexOf('!') + 1);
  const singleCell = parsed !== undefined && /^[A-Za-z]+\d+$/.test(cellPart.trim());
  const resolved = resolveRange(spreadsheet, text);
  if (isResponse(resolved)) return resolved;
  const { sheet } = resolved;
  const height = values.length;
  const width = values.reduce((widest, row) => Math.max(widest, Array.isArray(row) ? row.length : 0), 0);
  const start = resolved.bounds;
  if (singleCell || !parseCellRange(cellPart)) {
    const bounds = { startRow: start.startRow, startColumn: start.startColumn, endRow: start.startRow + height, endColumn: start.startColumn + width };
    if (bounds.endRow > sheet.rowCount || bounds.endColumn > sheet.columnCount) return gridLimitError(sheet, formatA1(sheet.title, bounds));
    return { sheet, bounds };
  }
  if (height > start.endRow - start.startRow)
    return googleError(400, `Requested writing within range [${resolved.a1}], but tried writing to row [${start.startRow + height}]`);
  if (width > start.endColumn - start.startColumn)
    return googleError(
      400,
      `Requested writing within range [${resolved.a1}], but tried writing to column [${formatA1(sheet.title, { ...start, endColumn: start.startColumn + width }).split('!')[1]}]`,
    );
  return { sheet, bounds: { ...start, endRow: start.startRow + height, endColumn: start.startColumn + width } };
}

/** Writes a ValueRange body; null leaves a cell unchanged and "" clears it, as documented. */
function writeValues(sheet: SheetState, bounds: Bounds, values: unknown[][], input: string): { rows: number; columns: number; cells: number } {
  const parse = input === 'USER_ENTERED' ? cellFromUserEntered : cellFromValue;
  let cells = 0;
  let columns = 0;
  values.forEach((row, rowOffset) => {
    if (!Array.isArray(row)) return;
    columns = Math.max(columns, row.length);
    row.forEach((value, columnOffset) => {
      if (value === null) return;
      setCell(sheet, bounds.startRow + rowOffset, bounds.startColumn + columnOffset, parse(value));
      cells += 1;
    });
  });
  return { rows: values.length, columns, cells };
}

function orientedValues(body: unknown): unknown[][] | EmulatorResponse {
  const values = (body as { values?: unknown } | undefined)?.values ?? [];
  if (!Array.isArray(values)) return googleError(400, "Invalid value at 'data.values'");
  const rows = values as unknown[][];
  if (majorDimension((body as { majorDimension?: unknown }).majorDimension) === 'ROWS') return rows;
  const width = rows.reduce((widest, column) => Math.max(widest, column.length), 0);
  return Array.from({ length: width }, (_, row) => rows.map((column) => column[row] ?? null));
}

function requireInputOption(request: EmulatorRequest): string | EmulatorResponse {
  const option = request.url.searchParams.get('valueInputOption');
  if (!option) return googleError(400, "'valueInputOption' is required but not specified");
  if (option !== 'RAW' && option !== 'USER_ENTERED')
    return googleError(400, `Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "${option}"`);
  return option;
}

function updateResponse(
  spreadsheet: SpreadsheetState,
  sheet: SheetState,
  bounds: Bounds,
  written: { rows: number; columns: number; cells: number },
  request: EmulatorRequest,
) {
  const updatedRange = formatA1(sheet.title, {
    ...bounds,
    endRow: Math.max(bounds.endRow, bounds.startRow + 1),
    endColumn: Math.max(bounds.endColumn, bounds.startColumn + 1),
  });
  const response: Record<string, unknown> = {
    spreadsheetId: spreadsheet.spreadsheetId,
    updatedRange,
    updatedRows: written.rows,
    updatedColumns: written.columns,
    updatedCells: written.cells,
  };
  if (request.url.searchParams.get('includeValuesInResponse') === 'true') {
    const options = renderOptions(
      new URLSearchParams({
        valueRenderOption: request.url.searchParams.get('responseValueRenderOption') ?? 'FORMATTED_VALUE',
        dateTimeRenderOption: request.url.searchParams.get('responseDateTimeRenderOption') ?? 'SERIAL_NUMBER',
      }),
    );
    if (!isResponse(options))
      response.updatedData = { range: updatedRange, majorDimension: 'ROWS', values: readValues(sheet, bounds, { ...options, majorDimension: 'ROWS' }) };
  }
  return response;
}

/** spreadsheets.values.{get,batchGet,update,append,clear}. */
export function valuesRoutes(context: SheetsContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/v4/spreadsheets/:spreadsheetId/values:batchGet',
      name: 'values.batchGet',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'read');
        if (isResponse(spreadsheet)) return spreadsheet;
        const valueRanges = [];
        for (const range of request.url.searchParams.getAll('ranges')) {
          const result = valueRange(spreadsheet, range, request.url.searchParams);
          if (isResponse(result)) return result;
          valueRanges.push(result);
        }
        return { status: 200, body: { spreadsheetId: spreadsheet.spreadsheetId, valueRanges } };
      },
    },
    {
      method: 'POST',
      path: '/v4/spreadsheets/:spreadsheetId/values/:range:clear',
      name: 'values.clear',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'write');
        if (isResponse(spreadsheet)) return spreadsheet;
        const resolved = resolveRange(spreadsheet, request.params.range ?? '');
        if (isResponse(resolved)) return resolved;
        clearBounds(resolved.sheet, resolved.bounds);
        return { status: 200, body: { spreadsheetId: spreadsheet.spreadsheetId, clearedRange: resolved.a1 } };
      },
    },
    {
      method: 'POST',
      path: '/v4/spreadsheets/:spreadsheetId/values/:range:append',
      name: 'values.append',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'write');
        if (isResponse(spreadsheet)) return spreadsheet;
        const input = requireInputOption(request);
        if (isResponse(input)) return input;
        const values = orientedValues(request.body);
        if (isResponse(values)) return values;
        const resolved = resolveRange(spreadsheet, request.params.range ?? '');
        if (isResponse(resolved)) return resolved;
        const { sheet } = resolved;
        // The table is the data found in the range's columns; new rows go right after its last row.
        const tableEnd = lastDataRow(sheet, { ...resolved.bounds, startRow: 0, endRow: sheet.rowCount });
        const startRow = Math.max(resolved.bounds.startRow, tableEnd + 1);
        const width = values.reduce((widest, row) => Math.max(widest, row.length), 0);
        const bounds = { startRow, endRow: startRow + values.length, startColumn: resolved.bounds.startColumn, endColumn: resolved.bounds.startColumn + width };
        // Appending past the end of the sheet grows the grid (OVERWRITE and INSERT_ROWS alike).
        sheet.rowCount = Math.max(sheet.rowCount, bounds.endRow);
        sheet.columnCount = Math.max(sheet.columnCount, bounds.endColumn);
        const written = writeValues(sheet, bounds, values, input);
        const tableRange = tableEnd >= 0 ? formatA1(sheet.title, { ...resolved.bounds, startRow: 0, endRow: tableEnd + 1 }) : undefined;
        return {
          status: 200,
          body: {
            spreadsheetId: spreadsheet.spreadsheetId,
            ...(tableRange ? { tableRange } : {}),
            updates: updateResponse(spreadsheet, sheet, bounds, written, request),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/v4/spreadsheets/:spreadsheetId/values/:range',
      name: 'values.get',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'read');
        if (isResponse(spreadsheet)) return spreadsheet;
        const result = valueRange(spreadsheet, request.params.range ?? '', request.url.searchParams);
        return isResponse(result) ? result : { status: 200, body: result };
      },
    },
    {
      method: 'PUT',
      path: '/v4/spreadsheets/:spreadsheetId/values/:range',
      name: 'values.update',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'write');
        if (isResponse(spreadsheet)) return spreadsheet;
        const input = requireInputOption(request);
        if (isResponse(input)) return input;
        const bodyRange = (request.body as { range?: unknown } | undefined)?.range;
        const range = request.params.range ?? '';
        if (typeof bodyRange === 'string' && bodyRange !== range && parseA1(bodyRange)?.sheetTitle !== parseA1(range)?.sheetTitle) {
          return googleError(400, `Requested writing within range [${range}], but tried writing within range [${bodyRange}]`);
        }
        const values = orientedValues(request.body);
        if (isResponse(values)) return values;
        const target = writeTarget(spreadsheet, range, values);
        if (isResponse(target)) return target;
        const written = writeValues(target.sheet, target.bounds, values, input);
        return { status: 200, body: updateResponse(spreadsheet, target.sheet, target.bounds, written, request) };
      },
    },
  ];
}
