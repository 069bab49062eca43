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
  /**
   * Values are clipped into [low, high] before scaling, in fit and at predict time: far fences
   * (50 interquartile ranges past the quartiles) that ordinary data never reaches, so one typo such
   * as 1e200 cannot overflow the model's arithmetic. Absent in models saved before these fences
   * existed (no clipping).
   */
  low?: number;
  high?: number;
}

/** How many interquartile ranges past the quartiles a feature value may lie before it is clipped. */
const fenceWidth = 50;
/**
 * The mean and spread used for scaling are taken on values winsorised at Tukey's outer fences (3
 * interquartile ranges): one extreme value then cannot inflate the spread and squash every other
 * customer's value into the same feature, as a plain standard deviation would (RobustScaler's
 * concern, kept with StandardScaler's units for ordinary data, which lies within the fences).
 */
const statisticsFenceWidth = 3;

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
  const fillValue =
    sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  const fences = fitFences(sorted, fenceWidth);
  const statisticsFences = fitFences(sorted, statisticsFenceWidth);
  const clipped = statisticsFences ? values.map((value) => clip(value, statisticsFences.low, statisticsFences.high)) : values;
  // Mean and spread of the imputed column, as a Pipeline(SimpleImputer, StandardScaler) would see it.
  const { mean, deviation } = meanAndDeviation(clipped, fillValue, missingCount);
  return { column, type, fillValue, mean, scale: deviation > 0 ? deviation : 1, missingIndicator: missingCount > 0, ...fences };
}

/** Far fences from the quartiles (see NumericEncoding.low), or none when the quartiles coincide. */
function fitFences(sorted: Float64Array, width: number): { low: number; high: number } | undefined {
  if (sorted.length < 4) return undefined;
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const spread = q3 - q1;
  if (!(spread > 0) || !Number.isFinite(spread * width)) return undefined;
  return { low: Math.max(sorted[0] as number, q1 - width * spread), high: Math.min(sorted[sorted.length - 1] as number, q3 + width * spread) };
}

function quantile(sorted: Float64Array, share: number): number {
  const position = (sorted.length - 1) * share;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return (sorted[below] as number) + ((sorted[above] as number) - (sorted[below] as number)) * (position - below);
}

function clip(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * Mean and standard deviation of the values plus `missingCount` copies of `fillValue`. Computed
 * directly, and again on values divided by the largest magnitude when that overflows (values near
 * 1e200 square to Infinity), so the result is finite for any finite input.
 */
function meanAndDeviation(values: readonly number[], fillValue: number, missingCount: number): { mean: number; deviation: number } {
  const count = values.length + missingCount;
  const direct = spreadOf(values, fillValue, missingCount, count, 1);
  if (Number.isFinite(direct.mean) && Number.isFinite(direct.deviation)) return direct;
  let magnitude = missingCount > 0 ? Math.abs(fillValue) : 0;
  for (const value of values) magnitude = Math.max(magnitude, Math.abs(value));
  const normalised = spreadOf(values, fillValue, missingCount, count, magnitude);
  const deviation = normalised.deviation * magnitude;
  return { mean: normalised.mean * magnitude, deviation: Number.isFinite(deviation) ? deviation : magnitude };
}

function spreadOf(values: readonly number[], fillValue: number, missingCount: number, count: number, divisor: number): { mean: number; deviation: number } {
  // The same order of additions as a plain two-pass mean and variance, so divisor 1 is exactly that.
  const fill = fillValue / divisor;
  let sum = 0;
  for (const value of values) sum += value / divisor;
  sum += fill * missingCount;
  const mean = sum / count;
  let squares = 0;
  for (const value of values) squares += (value / divisor - mean) ** 2;
  squares += (fill - mean) ** 2 * missingCount;
  return { mean, deviation: Math.sqrt(squares / count) };
}

export function numericFeatureNames(encoding: NumericEncoding): string[] {
  return encoding.missingIndicator ? [encoding.column, `${encoding.column}__missing`] : [encoding.column];
}

export function numericWidth(encoding: NumericEncoding): number {
  return encoding.missingIndicator ? 2 : 1;
}

export function writeNumeric(encoding: NumericEncoding, cell: CellValue, features: number[], offset: number): void {
  const raw = numericCellValue(encoding.type, cell);
  const value = raw !== undefined && encoding.low !== undefined && encoding.high !== undefined ? clip(raw, encoding.low, encoding.high) : raw;
  features[offset] = ((value ?? encoding.fillValue) - encoding.mean) / encoding.scale;
  if (encoding.missingIndicator) features[offset + 1] = value === undefined ? 1 : 0;
}
