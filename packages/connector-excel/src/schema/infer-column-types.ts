import type { ColumnSchema, ColumnType, Row } from '@automl/connector-core';

/**
 * Column types from a sample of rows: one type when every non-null value agrees, `string` when
 * they are mixed (what pandas calls object), `unknown` when the sample holds only nulls.
 */
export function inferColumns(columns: readonly string[], rows: readonly Row[]): ColumnSchema[] {
  return columns.map((name) => {
    let type: ColumnType | undefined;
    let nullable = false;
    for (const row of rows) {
      const value = row[name];
      if (value === null || value === undefined) {
        nullable = true;
        continue;
      }
      const seen = typeOf(value);
      if (type === undefined) type = seen;
      else if (type !== seen) type = merge(type, seen);
    }
    return { name, type: type ?? 'unknown', nullable: nullable || rows.length === 0 };
  });
}

function typeOf(value: unknown): ColumnType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return value.getTime() % 86_400_000 === 0 ? 'date' : 'datetime';
  if (typeof value === 'string') return 'string';
  return 'json';
}

function merge(a: ColumnType, b: ColumnType): ColumnType {
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('number')) return 'number';
  if (pair.has('date') && pair.has('datetime')) return 'datetime';
  return 'string';
}
