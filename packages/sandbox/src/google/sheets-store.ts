import { randomBytes } from 'node:crypto';
import type { EmulatorResponse } from '../harness/types.js';
import { formatA1, parseA1, quoteSheetTitle } from './a1-notation.js';
import { googleError } from './google-errors.js';
import { cellData, cellFromValue, renderValue, type Cell, type DateTimeRenderOption, type ValueRenderOption } from './sheets-cells.js';
import type { DeveloperMetadata } from './sheets-developer-metadata.js';

export type Role = 'owner' | 'writer' | 'reader';

export interface SheetState {
  sheetId: number;
  title: string;
  index: number;
  hidden: boolean;
  rowCount: number;
  columnCount: number;
  /** Sparse rows of sparse cells; a hole is an empty cell. */
  rows: Array<Array<Cell | undefined> | undefined>;
}

export interface SpreadsheetState {
  spreadsheetId: string;
  title: string;
  locale: string;
  timeZone: string;
  sheets: SheetState[];
  /** Who the spreadsheet is shared with (client_email -> role). */
  shares: Record<string, Role>;
  nextSheetId: number;
  /** Developer metadata of the spreadsheet, its sheets, rows and columns (absent in older state files). */
  developerMetadata?: DeveloperMetadata[];
}

/** A bounded rectangle on one sheet: 0-based, end-exclusive. */
export interface Bounds {
  startRow: number;
  endRow: number;
  startColumn: number;
  endColumn: number;
}

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;
/** Google's per-workbook cell limit. */
export const MAX_CELLS = 10_000_000;

export function newSpreadsheetId(): string {
  return randomBytes(33).toString('base64url').slice(0, 44);
}

export function newSheet(
  spreadsheet: SpreadsheetState,
  title: string,
  options: { rows?: unknown[][]; hidden?: boolean; rowCount?: number; columnCount?: number; sheetId?: number } = {},
): SheetState {
  const seedRows = options.rows ?? [];
  const width = seedRows.reduce((widest, row) => Math.max(widest, row.length), 0);
  const sheetId = options.sheetId ?? (spreadsheet.sheets.length === 0 ? 0 : spreadsheet.nextSheetId);
  spreadsheet.nextSheetId = Math.max(spreadsheet.nextSheetId, sheetId + 1);
  const sheet: SheetState = {
    sheetId,
    title,
    index: spreadsheet.sheets.length,
    hidden: options.hidden ?? false,
    rowCount: options.rowCount ?? Math.max(DEFAULT_ROWS, seedRows.length),
    columnCount: options.columnCount ?? Math.max(DEFAULT_COLUMNS, width),
    rows: seedRows.map((row) => row.map((value) => cellFromValue(value))),
  };
  spreadsheet.sheets.push(sheet);
  return sheet;
}

export function sheetProperties(sheet: SheetState): Record<string, unknown> {
  return {
    sheetId: sheet.sheetId,
    title: sheet.title,
    index: sheet.index,
    sheetType: 'GRID',
    gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
    ...(sheet.hidden ? { hidden: true } : {}),
  };
}

export function totalCells(spreadsheet: SpreadsheetState): number {
  return spreadsheet.sheets.reduce((sum, sheet) => sum + sheet.rowCount * sheet.columnCount, 0);
}

export function gridLimitError(sheet: SheetState, text: string): EmulatorResponse {
  return googleError(400, `Range (${text}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`);
}

/**
 * Resolves an A1 range on a spreadsheet the way the API does: no sheet name means the first visible
 * sheet, open ends run to the grid's edge, and an explicit bound past the grid is a 400.
 */
export function resolveRange(spreadsheet: SpreadsheetState, text: string): { sheet: SheetState; bounds: Bounds; a1: string } | EmulatorResponse {
  const parsed = parseA1(text);
  const unparsable = googleError(400, `Unable to parse range: ${text}`);
  if (!parsed) return unparsable;
  const sheet =
    parsed.sheetTitle === undefined
      ? spreadsheet.sheets.find((candidate) => !candidate.hidden)
      : spreadsheet.sheets.find((candidate) => candidate.title === parsed.sheetTitle);
  if (!sheet) return unparsable;
  const bounds: Bounds = {
    startRow: parsed.startRow ?? 0,
    endRow: parsed.endRow ?? sheet.rowCount,
    startColumn: parsed.startColumn ?? 0,
    endColumn: parsed.endColumn ?? sheet.columnCount,
  };
  if (bounds.endRow > sheet.rowCount || bounds.endColumn > sheet.columnCount || bounds.startRow >= sheet.rowCount || bounds.startColumn >= sheet.columnCount) {
    return gridLimitError(sheet, `${quoteSheetTitle(sheet.title)}!${text.slice(text.lastIndexOf('!') + 1)}`);
  }
  return { sheet, bounds, a1: formatA1(sheet.title, bounds) };
}

export function getCell(sheet: SheetState, row: number, column: number): Cell | undefined {
  return sheet.rows[row]?.[column];
}

export function setCell(sheet: SheetState, row: number, column: number, cell: Cell | undefined): void {
  if (!cell) {
    const existing = sheet.rows[row];
    if (existing) existing[column] = undefined;
    return;
  }
  const existing = sheet.rows[row] ?? (sheet.rows[row] = []);
  existing[column] = cell;
}

/** Values of a rectangle, trailing empty cells and rows dropped, as values.get returns them. */
export function readValues(
  sheet: SheetState,
  bounds: Bounds,
  options: { valueRender: ValueRenderOption; dateRender: DateTimeRenderOption; majorDimension: 'ROWS' | 'COLUMNS' },
): Array<Array<string | number | boolean>> {
  const grid: Array<Array<string | number | boolean>> = [];
  const outer = options.majorDimension === 'ROWS' ? [bounds.startRow, bounds.endRow] : [bounds.startColumn, bounds.endColumn];
  const inner = options.majorDimension === 'ROWS' ? [bounds.startColumn, bounds.endColumn] : [bounds.startRow, bounds.endRow];
  for (let major = outer[0]!; major < outer[1]!; major += 1) {
    const line: Array<string | number | boolean> = [];
    let lastFilled = -1;
    for (let minor = inner[0]!; minor < inner[1]!; minor += 1) {
      const cell = options.majorDimension === 'ROWS' ? getCell(sheet, major, minor) : getCell(sheet, minor, major);
      line.push(renderValue(cell, options.valueRender, options.dateRender));
      if (cell && (cell.value !== null || cell.formula)) lastFilled = line.length - 1;
    }
    grid.push(line.slice(0, lastFilled + 1));
  }
  while (grid.length > 0 && grid[grid.length - 1]!.length === 0) grid.pop();
  return grid;
}

/** GridData of spreadsheets.get with includeGridData. */
export function gridData(sheet: SheetState, bounds: Bounds): Record<string, unknown> {
  const rowData: Array<Record<string, unknown>> = [];
  for (let row = bounds.startRow; row < Math.min(bounds.endRow, sheet.rows.length); row += 1) {
    const values: Array<Record<string, unknown>> = [];
    const cells = sheet.rows[row] ?? [];
    for (let column = bounds.startColumn; column < Math.min(bounds.endColumn, cells.length); column += 1) values.push(cellData(cells[column]));
    rowData.push(values.length > 0 ? { values } : {});
  }
  return { ...(bounds.startRow > 0 ? { startRow: bounds.startRow } : {}), ...(bounds.startColumn > 0 ? { startColumn: bounds.startColumn } : {}), rowData };
}

/** The last row (0-based) holding a value, or -1. */
export function lastDataRow(sheet: SheetState, bounds?: Bounds): number {
  const end = Math.min(bounds?.endRow ?? sheet.rows.length, sheet.rows.length);
  for (let row = end - 1; row >= (bounds?.startRow ?? 0); row -= 1) {
    const cells = sheet.rows[row];
    if (!cells) continue;
    for (let column = bounds?.startColumn ?? 0; column < Math.min(bounds?.endColumn ?? cells.length, cells.length); column += 1) {
      if (cells[column]) return row;
    }
  }
  return -1;
}

export function clearBounds(sheet: SheetState, bounds: Bounds): void {
  for (let row = bounds.startRow; row < Math.min(bounds.endRow, sheet.rows.length); row += 1) {
    const cells = sheet.rows[row];
    if (!cells) continue;
    for (let column = bounds.startColumn; column < Math.min(bounds.endColumn, cells.length); column += 1) cells[column] = undefined;
  }
}

/** A deep copy, so a batchUpdate can be applied all-or-nothing. */
export function cloneSpreadsheet(spreadsheet: SpreadsheetState): SpreadsheetState {
  return structuredClone(spreadsheet);
}

/** The JSON form kept in the state file: holes as nulls. */
export function exportSpreadsheet(spreadsheet: SpreadsheetState): unknown {
  return {
    ...spreadsheet,
    sheets: spreadsheet.sheets.map((sheet) => ({ ...sheet, rows: sheet.rows.map((row) => (row ? row.map((cell) => cell ?? null) : null)) })),
  };
}

export function importSpreadsheet(data: SpreadsheetState): SpreadsheetState {
  return {
    ...data,
    sheets: data.sheets.map((sheet) => ({ ...sheet, rows: sheet.rows.map((row) => (row ? row.map((cell) => cell ?? undefined) : undefined)) })),
  };
}
