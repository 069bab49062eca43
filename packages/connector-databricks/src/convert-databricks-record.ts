import type { ColumnType, Row, Value } from '@automl/connector-core';

/**
 * A driver row as a connector row. With exact numerics the driver gives BIGINT as `bigint` and
 * DECIMAL as an exact string: BIGINT becomes a decimal string too (rows are JSON-friendly); without,
 * both are JS numbers (BIGINT rounded above 2^53), the driver's default. TIMESTAMP and DATE are
 * Dates already (Arrow results); complex types arrive parsed.
 */
export function convertDatabricksRow(row: Record<string, unknown>): Row {
  for (const key in row) {
    if (typeof row[key] === 'bigint') row[key] = (row[key] as bigint).toString();
  }
  return row as Record<string, Value>;
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
