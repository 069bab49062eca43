import { parseNumericString } from './parse-numeric-string.js';

/** What a single spreadsheet cell holds once blanks and "N/A" markers are recognised. */
export type CellValue =
  | { kind: 'missing' }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; epochDays: number }
  | { kind: 'text'; value: string };

const missingMarkers = new Set(['', 'na', 'n/a', '#n/a', 'null', 'nan', 'undefined']);
const isoDate = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const millisecondsPerDay = 86_400_000;

export const MISSING: CellValue = { kind: 'missing' };

/** Reads one cell. Infinity is reported as a number here; callers decide to reject it. */
export function readCell(raw: unknown): CellValue {
  if (raw === null || raw === undefined) return MISSING;
  if (typeof raw === 'number') return Number.isNaN(raw) ? MISSING : { kind: 'number', value: raw };
  if (typeof raw === 'bigint') return { kind: 'number', value: Number(raw) };
  if (typeof raw === 'boolean') return { kind: 'boolean', value: raw };
  if (raw instanceof Date) {
    const time = raw.getTime();
    return Number.isNaN(time) ? MISSING : { kind: 'date', epochDays: time / millisecondsPerDay };
  }
  const text = typeof raw === 'string' ? raw.trim() : JSON.stringify(raw);
  if (missingMarkers.has(text.toLowerCase())) return MISSING;
  return { kind: 'text', value: text };
}

/** Number in a cell, parsing strings such as "1,234.5"; undefined if the cell holds none. */
export function cellAsNumber(cell: CellValue): number | undefined {
  if (cell.kind === 'number') return cell.value;
  if (cell.kind === 'text') return parseNumericString(cell.value);
  return undefined;
}

/** Boolean in a cell: true/false values or the strings "true"/"false" in any case. */
export function cellAsBoolean(cell: CellValue): boolean | undefined {
  if (cell.kind === 'boolean') return cell.value;
  if (cell.kind === 'text') {
    const lower = cell.value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** Days since 1970-01-01 for Date cells and ISO date strings ("2024-03-01", "2024-03-01T10:00Z"). */
export function cellAsEpochDays(cell: CellValue): number | undefined {
  if (cell.kind === 'date') return cell.epochDays;
  if (cell.kind === 'text' && isoDate.test(cell.value)) {
    const time = Date.parse(cell.value);
    return Number.isNaN(time) ? undefined : time / millisecondsPerDay;
  }
  return undefined;
}

/** Category key for one-hot encoding; booleans and numbers become their text so "1" and 1 agree. */
export function cellAsCategory(cell: CellValue): string | undefined {
  switch (cell.kind) {
    case 'missing':
      return undefined;
    case 'text':
      return cell.value;
    case 'number':
      return String(cell.value);
    case 'boolean':
      return String(cell.value);
    case 'date':
      return new Date(cell.epochDays * millisecondsPerDay).toISOString();
  }
}
