/** A1 notation helpers: what the connector needs to build ranges and read the user's `range`. */

export function columnLetters(index: number): string {
  let letters = '';
  for (let value = index + 1; value > 0; value = Math.floor((value - 1) / 26)) letters = String.fromCharCode(65 + ((value - 1) % 26)) + letters;
  return letters;
}

export function columnIndex(letters: string): number {
  let index = 0;
  for (const character of letters.toUpperCase()) index = index * 26 + (character.charCodeAt(0) - 64);
  return index - 1;
}

/** `'My tab'` quoted as A1 notation wants it (always quoted: valid for every title). */
export function quoteSheetTitle(title: string): string {
  return `'${title.replaceAll("'", "''")}'`;
}

/** 0-based, end-exclusive bounds; undefined = to the grid's edge. */
export interface CellBounds {
  startRow: number;
  startColumn: number;
  endRow?: number;
  endColumn?: number;
}

/** A bounded range on a tab: `'Data'!A2:F5001`. */
export function rangeOf(sheetTitle: string, startRow: number, endRow: number, startColumn: number, endColumn: number): string {
  return `${quoteSheetTitle(sheetTitle)}!${columnLetters(startColumn)}${startRow + 1}:${columnLetters(endColumn - 1)}${endRow}`;
}

const cell = /^([A-Za-z]{0,3})(\d*)$/;

/**
 * Reads the user's range option: `A1:E500`, `B:D`, `3:100`, `C2`, optionally prefixed with a tab
 * (`Data!A1:C`). Returns the tab named there (if any) and the bounds.
 */
export function parseUserRange(text: string): { sheetTitle?: string; bounds: CellBounds } | undefined {
  let sheetTitle: string | undefined;
  let cells = text.trim();
  const bang = cells.lastIndexOf('!');
  if (bang >= 0) {
    sheetTitle = cells.slice(0, bang);
    if (sheetTitle.startsWith("'") && sheetTitle.endsWith("'")) sheetTitle = sheetTitle.slice(1, -1).replaceAll("''", "'");
    cells = cells.slice(bang + 1);
  }
  const [first, second, extra] = cells.split(':');
  if (first === undefined || extra !== undefined) return undefined;
  const start = cell.exec(first);
  const end = second === undefined ? start : cell.exec(second);
  if (!start || !end || (start[1] === '' && start[2] === '') || (end[1] === '' && end[2] === '')) return undefined;
  const bounds: CellBounds = {
    startRow: start[2] ? Number(start[2]) - 1 : 0,
    startColumn: start[1] ? columnIndex(start[1]) : 0,
    endRow: end[2] ? Number(end[2]) : undefined,
    endColumn: end[1] ? columnIndex(end[1]) + 1 : undefined,
  };
  if (
    bounds.startRow < 0 ||
    (bounds.endRow !== undefined && bounds.endRow <= bounds.startRow) ||
    (bounds.endColumn !== undefined && bounds.endColumn <= bounds.startColumn)
  )
    return undefined;
  return { ...(sheetTitle ? { sheetTitle } : {}), bounds };
}
