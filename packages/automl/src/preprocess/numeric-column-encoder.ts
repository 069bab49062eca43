import type { CellValue } from './cell-value.js';
import { cellAsBoolean, cellAsEpochDays, cellAsNumber } from './cell-value.js';

/** Learned imputation and scaling of one numeric, date or boolean column (plain JSON data). */
export interface NumericEncoding {
  column: string;
  type: 'numeric' | 'date' | 'boolean';
  /** Median (numeric, date) or most frequent value (boolean) of the training rows, used for blanks. */
  fillValue: number;
  /** Standard scaling so the L2 penalty treats features alike; booleans stay 0/1 (mean 0, scale 1). */
  mean: number;
  scale: number;
  /** Adds a "<column>__missing" 0/1 feature when training had blanks, since blankness often carries signal (e.g. no total charges yet). */
  missingIndicator: boolean;
}

/** Number for a cell of this encoding's type, undefined for blanks and unparseable text. */
export function numericCellValue(type: NumericEncoding['type'], cell: CellValue): number | undefined {
  if (type === 'numeric') return cellAsNumber(cell);
  if (type === 'date') return cellAsEpochDays(cell);
  const flag = cellAsBoolean(cell);
  return flag === undefined ? undefined : flag ? 1 : 0;
}

export function fitNumericEncoding(column: string, type: NumericEncoding['type'], cells: readonly CellValue[]): NumericEncoding {
  const values: number[] = [];
  for (const cell of cells) {
    const value = numericCellValue(type, cell);
    if (value !== undefined) values.push(value);
  }
  const missingCount = cells.length - values.length;
  if (type === 'boolean') {
    const ones = values.reduce((sum, value) => sum + value, 0);
    return { column, type, fillValue: ones * 2 >= values.length ? 1 : 0, mean: 0, scale: 1, missingIndicator: missingCount > 0 };
  }
  const sorted = Float64Array.from(values).sort();
  const middle = Math.floor(sorted.length / 2);
  const fillValue = sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  // Mean and spread of the imputed column, as a Pipeline(SimpleImputer, StandardScaler) would see it.
  let sum = 0;
  for (const value of values) sum += value;
  sum += fillValue * missingCount;
  const mean = sum / cells.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  squares += (fillValue - mean) ** 2 * missingCount;
  const deviation = Math.sqrt(squares / cells.length);
  return { column, type, fillValue, mean, scale: deviation > 0 ? deviation : 1, missingIndicator: missingCount > 0 };
}

export function numericFeatureNames(encoding: NumericEncoding): string[] {
  return encoding.missingIndicator ? [encoding.column, `${encoding.column}__missing`] : [encoding.column];
}

export function numericWidth(encoding: NumericEncoding): number {
  return encoding.missingIndicator ? 2 : 1;
}

export function writeNumeric(encoding: NumericEncoding, cell: CellValue, features: number[], offset: number): void {
  const value = numericCellValue(encoding.type, cell);
  features[offset] = ((value ?? encoding.fillValue) - encoding.mean) / encoding.scale;
  if (encoding.missingIndicator) features[offset + 1] = value === undefined ? 1 : 0;
}
