import type { Row } from '../types.js';
import { readCell } from './cell-value.js';
import type { ColumnType } from './infer-column-types.js';
import { numericCellValue, type NumericEncoding } from './numeric-column-encoder.js';

/**
 * A column whose values at predict time no longer look like training's: scoring still works (the
 * cells are imputed as blanks), but silently, the predictions rest on the training median instead
 * of the customer's data. Typical causes: numbers exported as text with a unit or a locale
 * ("12 EUR", "1.234,50"), a renamed column, a date column turned into free text.
 */
export interface SchemaDrift {
  column: string;
  /** The column's type in training. */
  expected: ColumnType;
  /**
   * 'unparseable': cells hold values that do not read as the expected type (imputed as blanks);
   * 'absent': no row has the column at all.
   */
  kind: 'unparseable' | 'absent';
  /** Rows affected, out of `total`. */
  rows: number;
  total: number;
}

export type DriftColumn = { kind: 'numeric'; encoding: NumericEncoding } | { kind: 'one-hot'; encoding: { column: string } };

/** Compares rows to the training columns. No cell value is copied into the result (they may be personal data). */
export function detectSchemaDrift(columns: readonly DriftColumn[], rows: readonly Row[]): SchemaDrift[] {
  const drift: SchemaDrift[] = [];
  if (rows.length === 0) return drift;
  for (const entry of columns) {
    const { column } = entry.encoding;
    const expected: ColumnType = entry.kind === 'numeric' ? entry.encoding.type : 'categorical';
    let present = 0;
    let unparseable = 0;
    for (const row of rows) {
      if (row === null || typeof row !== 'object' || !Object.hasOwn(row, column)) continue;
      present += 1;
      if (entry.kind !== 'numeric') continue;
      const cell = readCell(row[column]);
      if (cell.kind !== 'missing' && numericCellValue(entry.encoding.type, cell) === undefined) unparseable += 1;
    }
    if (present === 0) drift.push({ column, expected, kind: 'absent', rows: rows.length, total: rows.length });
    else if (unparseable > 0) drift.push({ column, expected, kind: 'unparseable', rows: unparseable, total: rows.length });
  }
  return drift;
}

export function describeSchemaDrift(drift: SchemaDrift): string {
  if (drift.kind === 'absent') {
    return `column "${drift.column}" (${drift.expected} in training) is absent from all ${drift.total} rows; it was imputed as blank`;
  }
  return `column "${drift.column}" was ${drift.expected} in training, but ${drift.rows} of ${drift.total} rows hold values that do not read as ${drift.expected}; they were imputed as blanks`;
}
