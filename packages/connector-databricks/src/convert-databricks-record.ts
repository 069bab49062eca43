import type { ColumnType, Row, Value } from '@automl/connector-core';

/**
 * A row of the driver's `fetchChunk` as a connector row (column-based results, and Arrow results
 * with types convert-arrow-batch.ts leaves to the driver). With exact numerics the driver gives
 * BIGINT as `bigint` and DECIMAL as an exact string: bigints become decimal strings too, at any
 * depth (rows are JSON-friendly); without, both are JS numbers (BIGINT rounded above 2^53), the
 * driver's default. TIMESTAMP and DATE are Dates already (Arrow results); complex types arrive parsed.
 */
export function convertDatabricksRow(row: Record<string, unknown>): Row {
  for (const key in row) row[key] = exactText(row[key]);
  return row as Record<string, Value>;
}

function exactText(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(exactText);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const object = value as Record<string, unknown>;
    for (const key in object) object[key] = exactText(object[key]);
  }
  return value;
}

/** A Databricks TYPE_NAME as one of the portable column types. */
export function columnTypeOf(typeName: string): ColumnType {
  const type = typeName.toUpperCase();
  if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|SHORT|BYTE)$/.test(type)) return 'integer';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(type) || type.startsWith('DECIMAL')) return 'number';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'datetime';
  if (type.startsWith('ARRAY') || type.startsWith('MAP') || type.startsWith('STRUCT') || type === 'VARIANT') return 'json';
  if (type === 'STRING' || type.startsWith('VARCHAR') || type.startsWith('CHAR')) return 'string';
  return 'unknown';
}
