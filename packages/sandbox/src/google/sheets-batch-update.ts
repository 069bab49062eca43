import { formatA1 } from './a1-notation.js';
import { cellFromExtendedValue, type NumberFormatType } from './sheets-cells.js';
import { createDeveloperMetadata, deleteDeveloperMetadata, dropSheetMetadata } from './sheets-developer-metadata.js';
import {
  clearBounds,
  lastDataRow,
  getCell,
  MAX_CELLS,
  newSheet,
  setCell,
  sheetProperties,
  totalCells,
  type Bounds,
  type SheetState,
  type SpreadsheetState,
} from './sheets-store.js';

/** A failed request of a batch: the whole batch is rejected with this 400 message. */
export class BatchRequestError extends Error {}

type Request = Record<string, Record<string, unknown> | undefined>;

/**
 * Applies the requests of one spreadsheets.batchUpdate to a copy of the spreadsheet, in order. The
 * caller swaps the copy in only when every request succeeded: the API's batches are atomic.
 */
export function applyBatchUpdate(spreadsheet: SpreadsheetState, requests: Request[], maxCells = MAX_CELLS): unknown[] {
  return requests.map((request, index) => {
    const [kind, body] = Object.entries(request)[0] ?? [];
    const fail = (message: string): never => {
      throw new BatchRequestError(`Invalid requests[${index}].${kind ?? ''}: ${message}`);
    };
    const checkCells = () => checkCellLimit(spreadsheet, maxCells, fail);
    if (!kind || !body) return fail('empty request');
    switch (kind) {
      case 'addSheet':
        return { addSheet: { properties: addSheet(spreadsheet, body, fail, checkCells) } };
      case 'deleteSheet': {
        const sheet = sheetById(spreadsheet, body.sheetId, fail);
        if (spreadsheet.sheets.length === 1) fail("You can't remove all the sheets in a document.");
        spreadsheet.sheets = spreadsheet.sheets.filter((candidate) => candidate !== sheet).map((candidate, position) => ({ ...candidate, index: position }));
        dropSheetMetadata(spreadsheet, sheet.sheetId);
        return {};
      }
      case 'updateSheetProperties':
        updateSheetProperties(spreadsheet, body, fail, checkCells);
        return {};
      case 'appendDimension': {
        const sheet = sheetById(spreadsheet, body.sheetId, fail);
        const length = Number(body.length);
        if (!Number.isInteger(length) || length <= 0) fail('length must be > 0');
        if (body.dimension === 'ROWS') sheet.rowCount += length;
        else if (body.dimension === 'COLUMNS') sheet.columnCount += length;
        else fail('dimension must be ROWS or COLUMNS');
        checkCells();
        return {};
      }
      case 'updateCells':
        updateCells(spreadsheet, body, fail);
        return {};
      case 'appendCells':
        appendCells(spreadsheet, body, fail, checkCells);
        return {};
      case 'createDeveloperMetadata':
        return { createDeveloperMetadata: { developerMetadata: createDeveloperMetadata(spreadsheet, body, fail) } };
      case 'deleteDeveloperMetadata':
        return { deleteDeveloperMetadata: { deletedDeveloperMetadata: deleteDeveloperMetadata(spreadsheet, body, fail) } };
      default:
        return fail(`the sandbox emulator does not support ${kind}`);
    }
  });
}

function sheetById(spreadsheet: SpreadsheetState, sheetId: unknown, fail: (message: string) => never): SheetState {
  const id = Number(sheetId ?? 0);
  return spreadsheet.sheets.find((sheet) => sheet.sheetId === id) ?? fail(`No grid with id: ${id}`);
}

function checkCellLimit(spreadsheet: SpreadsheetState, maxCells: number, fail: (message: string) => never): void {
  if (totalCells(spreadsheet) > maxCells) fail(`This action would increase the number of cells in the workbook above the limit of ${maxCells} cells.`);
}

function addSheet(
  spreadsheet: SpreadsheetState,
  body: Record<string, unknown>,
  fail: (message: string) => never,
  checkCells: () => void,
): Record<string, unknown> {
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  const title = typeof properties.title === 'string' ? properties.title : `Sheet${spreadsheet.sheets.length + 1}`;
  if (spreadsheet.sheets.some((sheet) => sheet.title === title)) fail(`A sheet with the name "${title}" already exists. Please enter another name.`);
  const sheetId = properties.sheetId === undefined ? undefined : Number(properties.sheetId);
  if (sheetId !== undefined && spreadsheet.sheets.some((sheet) => sheet.sheetId === sheetId)) fail(`Sheet with id ${sheetId} already exists.`);
  const grid = (properties.gridProperties ?? {}) as Record<string, unknown>;
  const sheet = newSheet(spreadsheet, title, {
    sheetId: sheetId ?? Math.max(spreadsheet.nextSheetId, 1 + Math.floor(Math.random() * 2_000_000_000)),
    hidden: properties.hidden === true,
    rowCount: grid.rowCount === undefined ? undefined : Number(grid.rowCount),
    columnCount: grid.columnCount === undefined ? undefined : Number(grid.columnCount),
  });
  checkCells();
  return sheetProperties(sheet);
}

function updateSheetProperties(spreadsheet: SpreadsheetState, body: Record<string, unknown>, fail: (message: string) => never, checkCells: () => void): void {
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  const sheet = sheetById(spreadsheet, properties.sheetId, fail);
  const fields = String(body.fields ?? '')
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.length === 0) fail('At least one field must be updated, but none are specified.');
  const grid = (properties.gridProperties ?? {}) as Record<string, unknown>;
  const all = fields.includes('*');
  for (const field of all ? ['title', 'hidden', 'gridProperties.rowCount', 'gridProperties.columnCount'] : fields) {
    if (field === 'title' && typeof properties.title === 'string') sheet.title = properties.title;
    else if (field === 'hidden') sheet.hidden = properties.hidden === true;
    else if (field === 'gridProperties.rowCount' || field === 'gridProperties') {
      if (grid.rowCount !== undefined) sheet.rowCount = positive(grid.rowCount, 'rowCount', fail);
      if (field === 'gridProperties' && grid.columnCount !== undefined) sheet.columnCount = positive(grid.columnCount, 'columnCount', fail);
    } else if (field === 'gridProperties.columnCount') {
      if (grid.columnCount !== undefined) sheet.columnCount = positive(grid.columnCount, 'columnCount', fail);
    } else if (!all && field !== 'index') fail(`the sandbox emulator cannot update ${field}`);
  }
  // Shrinking the grid drops what falls outside it, as in the UI.
  sheet.rows.length = Math.min(sheet.rows.length, sheet.rowCount);
  for (const row of sheet.rows) if (row) row.length = Math.min(row.length, sheet.columnCount);
  checkCells();
}

function positive(value: unknown, name: string, fail: (message: string) => never): number {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : fail(`${name} must be > 0`);
}

/**
 * AppendCellsRequest: the rows go after the last row holding a value (the first row of an empty
 * sheet), and the grid gets the rows it lacks, as "inserting new rows into the sheet if necessary"
 * says. Columns are not added: rows wider than the grid fail as updateCells does. There is no reply.
 */
function appendCells(spreadsheet: SpreadsheetState, body: Record<string, unknown>, fail: (message: string) => never, checkCells: () => void): void {
  if (body.tableId !== undefined) fail('the sandbox emulator does not support tableId');
  const sheet = sheetById(spreadsheet, body.sheetId, fail);
  const rows = Array.isArray(body.rows) ? body.rows : [];
  const start = lastDataRow(sheet) + 1;
  if (start + rows.length > sheet.rowCount) {
    sheet.rowCount = start + rows.length;
    checkCells();
  }
  updateCells(spreadsheet, { start: { sheetId: sheet.sheetId, rowIndex: start, columnIndex: 0 }, rows, fields: body.fields }, fail);
}

/** UpdateCellsRequest: `rows` written from `start`, or over `range` (cells of the range not covered are cleared). */
function updateCells(spreadsheet: SpreadsheetState, body: Record<string, unknown>, fail: (message: string) => never): void {
  const fields = String(body.fields ?? '')
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.length === 0) fail('At least one field must be updated, but none are specified.');
  const all = fields.includes('*');
  const writesValue = all || fields.includes('userEnteredValue');
  const writesFormat = all || fields.some((field) => field === 'userEnteredFormat' || field.startsWith('userEnteredFormat.numberFormat'));
  const unsupported = fields.filter(
    (field) =>
      ![
        '*',
        'userEnteredValue',
        'userEnteredFormat',
        'userEnteredFormat.numberFormat',
        'userEnteredFormat.numberFormat.type',
        'userEnteredFormat.numberFormat.pattern',
      ].includes(field),
  );
  if (unsupported.length > 0) fail(`the sandbox emulator cannot update ${unsupported.join(', ')}`);
  const rows = (Array.isArray(body.rows) ? body.rows : []) as Array<{ values?: Array<Record<string, unknown>> }>;
  const start = body.start as Record<string, unknown> | undefined;
  const range = body.range as Record<string, unknown> | undefined;
  if ((start === undefined) === (range === undefined)) fail('Exactly one of start or range must be set.');
  const sheet = sheetById(spreadsheet, (start ?? range)!.sheetId, fail);
  const origin = {
    row: Number(start?.rowIndex ?? range?.startRowIndex ?? 0),
    column: Number(start?.columnIndex ?? range?.startColumnIndex ?? 0),
  };
  const widest = rows.reduce((max, row) => Math.max(max, row.values?.length ?? 0), 0);
  const bounds: Bounds = range
    ? {
        startRow: origin.row,
        endRow: Number(range.endRowIndex ?? sheet.rowCount),
        startColumn: origin.column,
        endColumn: Number(range.endColumnIndex ?? sheet.columnCount),
      }
    : { startRow: origin.row, endRow: origin.row + rows.length, startColumn: origin.column, endColumn: origin.column + widest };
  if (bounds.endRow > sheet.rowCount || bounds.endColumn > sheet.columnCount) {
    fail(`Range (${formatA1(sheet.title, bounds)}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`);
  }
  if (range && (rows.length > bounds.endRow - bounds.startRow || widest > bounds.endColumn - bounds.startColumn)) fail('The rows do not fit in the range.');
  // Over a range, cells the rows do not cover are cleared (values, and formats when written too).
  if (range && writesValue) clearBounds(sheet, bounds);
  rows.forEach((row, rowOffset) => {
    (row.values ?? []).forEach((data, columnOffset) => {
      const rowIndex = origin.row + rowOffset;
      const columnIndex = origin.column + columnOffset;
      const existing = getCell(sheet, rowIndex, columnIndex);
      const format = (data.userEnteredFormat as { numberFormat?: { type?: NumberFormatType } } | undefined)?.numberFormat?.type;
      const fromData = cellFromExtendedValue(data.userEnteredValue as Record<string, unknown> | undefined, writesFormat ? format : existing?.format);
      if (writesValue) setCell(sheet, rowIndex, columnIndex, fromData);
      else if (existing && writesFormat) setCell(sheet, rowIndex, columnIndex, { ...existing, ...(format ? { format } : {}) });
    });
  });
}
