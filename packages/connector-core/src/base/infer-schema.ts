import type { ColumnSchema, ColumnType, Row } from '../contract/row.js';

function typeOf(value: unknown): ColumnType | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (value instanceof Date) return 'datetime';
  if (typeof value === 'object') return 'json';
  return 'string';
}

/**
 * Column names and types from sample rows, for systems that have no schema of their own (a records
 * API, a sheet without formats). Columns keep first-seen order; mixed integer/number widen to number,
 * any other mix to string; a column that is always empty is `unknown`.
 */
export function inferColumns(rows: readonly Row[]): ColumnSchema[] {
  const types = new Map<string, { type: ColumnType | undefined; nullable: boolean }>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      const seen = types.get(name) ?? { type: undefined, nullable: false };
      const type = typeOf(value);
      if (type === undefined) seen.nullable = true;
      else if (seen.type === undefined) seen.type = type;
      else if (seen.type !== type) {
        const numeric = new Set<ColumnType>(['integer', 'number']);
        seen.type = numeric.has(seen.type) && numeric.has(type) ? 'number' : 'string';
      }
      types.set(name, seen);
    }
  }
  return [...types].map(([name, { type, nullable }]) => ({ name, type: type ?? 'unknown', nullable }));
}
