import type { ColumnSchema, ColumnType, Row } from '../contract/row.js';

function typeOf(value: unknown): ColumnType | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  // A date at midnight UTC carries no time of day: a date column, as spreadsheets and SQL have them.
  if (value instanceof Date) return value.getTime() % 86_400_000 === 0 ? 'date' : 'datetime';
  if (typeof value === 'object') return 'json';
  return 'string';
}

function widen(a: ColumnType, b: ColumnType): ColumnType {
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('number') && pair.size === 2) return 'number';
  if (pair.has('date') && pair.has('datetime') && pair.size === 2) return 'datetime';
  return 'string';
}

/**
 * Column names and types from sample rows, for systems with no schema of their own (a sheet, a file,
 * a records API): one type when every non-empty value agrees; integer+number widen to number,
 * date+datetime to datetime, any other mix to string (what pandas calls object); `unknown` when the
 * sample holds only empty values. `columns` fixes the names and their order (a header row, which may
 * name columns the sample never fills); otherwise names are taken in first-seen order.
 */
export function inferColumns(rows: readonly Row[], columns?: readonly string[]): ColumnSchema[] {
  const names = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return names.map((name) => {
    let type: ColumnType | undefined;
    let nullable = rows.length === 0;
    for (const row of rows) {
      const seen = typeOf(row[name]);
      if (seen === undefined) nullable = true;
      else type = type === undefined || type === seen ? seen : widen(type, seen);
    }
    return { name, type: type ?? 'unknown', nullable };
  });
}
