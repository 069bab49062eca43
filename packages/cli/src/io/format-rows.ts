import type { Row, TableSchema, Value } from '@automl/connector-core';
import { stringify } from 'csv-stringify/sync';

export type OutputFormat = 'table' | 'csv' | 'json' | 'ndjson' | 'xlsx';
export const outputFormats: OutputFormat[] = ['table', 'csv', 'json', 'ndjson', 'xlsx'];

function cellText(value: Value | undefined): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The columns of a set of rows, in first-seen order (the source's order, not JS key order). */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** A fixed-width text table for a terminal, cells cut at `maxWidth`. */
export function formatTable(rows: readonly Row[], columns = columnsOf(rows), maxWidth = 40): string {
  const cut = (text: string) => (text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text);
  const cells = rows.map((row) => columns.map((column) => cut(cellText(row[column]))));
  const widths = columns.map((column, index) => Math.max(cut(column).length, ...cells.map((line) => (line[index] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns.map(cut)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

export function formatRows(rows: readonly Row[], format: Exclude<OutputFormat, 'xlsx'>): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'ndjson') return rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');
  const columns = columnsOf(rows);
  if (format === 'csv') return stringify([columns, ...rows.map((row) => columns.map((column) => cellText(row[column])))]);
  return `${formatTable(rows, columns)}\n`;
}

export function formatSchema(schema: TableSchema): string {
  const rows = schema.columns.map((column) => ({
    column: column.name,
    type: column.type,
    source_type: column.sourceType ?? '',
    nullable: column.nullable === undefined ? '' : String(column.nullable),
  }));
  return `${schema.table}${schema.rowCount !== undefined ? ` (${schema.rowCount} rows)` : ''}\n${formatTable(rows)}\n`;
}
