import type { Row } from '@automl/connector-core';

/** Rows as JSON can carry them: dates as ISO strings, everything else as it is. */
export function jsonRows(rows: Row[]): Array<Record<string, unknown>> {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value ?? null)])));
}
