import { cellFromValue, serialToDate } from './sheets-cells.js';
import { setCell, type SheetState } from './sheets-store.js';

/** Seeds one cell from a plain value (Dates as date serials), growing the grid when the value falls outside it. */
export function setCellValueForSeed(sheet: SheetState, row: number, column: number, value: unknown): void {
  sheet.rowCount = Math.max(sheet.rowCount, row + 1);
  sheet.columnCount = Math.max(sheet.columnCount, column + 1);
  setCell(sheet, row, column, cellFromValue(value));
}

export { serialToDate };
