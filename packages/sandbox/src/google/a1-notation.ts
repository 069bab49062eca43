/**
 * A1 notation as the Sheets API reads it: `Sheet1!A1:B2`, `'My sheet'!A:C`, `Sheet1!2:5`, `A1:B2`
 * (first visible sheet), `Sheet1` (the whole sheet), open-ended `A2:D`. Indexes are 0-based and
 * end-exclusive, like a GridRange; an undefined bound is unbounded.
 */
export interface A1Range {
  sheetTitle?: string;
  startRow?: number;
  endRow?: number;
  startColumn?: number;
  endColumn?: number;
}

/** 'A' -> 0, 'Z' -> 25, 'AA' -> 26. */
export function columnIndex(letters: string): number {
  let index = 0;
  for (const character of letters.toUpperCase()) index = index * 26 + (character.charCodeAt(0) - 64);
  return index - 1;
}

/** 0 -> 'A', 26 -> 'AA'. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let value = index + 1; value > 0; value = Math.floor((value - 1) / 26)) letters = String.fromCharCode(65 + ((value - 1) % 26)) + letters;
  return letters;
}

const cellPattern = /^([A-Za-z]{0,3})(\d*)$/;

function parseCell(text: string): { column?: number; row?: number } | undefined {
  const match = cellPattern.exec(text);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const column = match[1] ? columnIndex(match[1]) : undefined;
  const row = match[2] ? Number(match[2]) - 1 : undefined;
  if (row !== undefined && row < 0) return undefined;
  return { column, row };
}

/** The cell part alone (`A1:B2`, `A:B`, `3:4`, `C5`); undefined when it is not one. */
export function parseCellRange(text: string): Omit<A1Range, 'sheetTitle'> | undefined {
  const [first, second, extra] = text.split(':');
  if (first === undefined || extra !== undefined) return undefined;
  const start = parseCell(first);
  if (!start) return undefined;
  if (second === undefined) {
    if (start.column === undefined || start.row === undefined) return undefined;
    return { startRow: start.row, endRow: start.row + 1, startColumn: start.column, endColumn: start.column + 1 };
  }
  const end = parseCell(second);
  if (!end) return undefined;
  return {
    startRow: start.row ?? (end.row === undefined ? undefined : 0),
    endRow: end.row === undefined ? undefined : end.row + 1,
    startColumn: start.column ?? (end.column === undefined ? undefined : 0),
    endColumn: end.column === undefined ? undefined : end.column + 1,
  };
}

/** Parses a range; undefined when it cannot be read ("Unable to parse range"). */
export function parseA1(text: string): A1Range | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let sheetPart: string | undefined;
  let cellPart: string | undefined;
  if (trimmed.startsWith("'")) {
    const close = findClosingQuote(trimmed);
    if (close < 0) return undefined;
    sheetPart = trimmed.slice(1, close).replaceAll("''", "'");
    const rest = trimmed.slice(close + 1);
    if (rest === '') return { sheetTitle: sheetPart };
    if (!rest.startsWith('!')) return undefined;
    cellPart = rest.slice(1);
  } else {
    const bang = trimmed.lastIndexOf('!');
    if (bang >= 0) {
      sheetPart = trimmed.slice(0, bang);
      cellPart = trimmed.slice(bang + 1);
    } else {
      const cells = parseCellRange(trimmed);
      return cells ?? { sheetTitle: trimmed };
    }
  }
  const cells = parseCellRange(cellPart);
  return cells ? { sheetTitle: sheetPart, ...cells } : undefined;
}

function findClosingQuote(text: string): number {
  for (let index = 1; index < text.length; index += 1) {
    if (text[index] !== "'") continue;
    if (text[index + 1] === "'") {
      index += 1;
      continue;
    }
    return index;
  }
  return -1;
}

/** A sheet title as Google writes it in ranges: quoted when it is not a plain word. */
export function quoteSheetTitle(title: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !cellPattern.test(title) ? title : `'${title.replaceAll("'", "''")}'`;
}

/** Formats a bounded range: `Sheet1!A1:D5`. */
export function formatA1(sheetTitle: string, range: Required<Omit<A1Range, 'sheetTitle'>>): string {
  const start = `${columnLetters(range.startColumn)}${range.startRow + 1}`;
  const end = `${columnLetters(range.endColumn - 1)}${range.endRow}`;
  return `${quoteSheetTitle(sheetTitle)}!${start === end ? start : `${start}:${end}`}`;
}
