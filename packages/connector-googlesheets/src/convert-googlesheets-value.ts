import type { ColumnType, Value } from '@automl/connector-core';

const DAY_MS = 86_400_000;
/** Sheets' serial-number epoch: day 0 is 1899-12-30 (as in Excel, without the 1900 leap-year bug). */
const EPOCH_MS = Date.UTC(1899, 11, 30);

/** A date serial as a Date. Sheets dates carry no time zone: the serial is read as UTC. */
export function serialToDate(serial: number): Date {
  return new Date(Math.round(EPOCH_MS + serial * DAY_MS));
}

export function dateToSerial(date: Date): number {
  return (date.getTime() - EPOCH_MS) / DAY_MS;
}

export type NumberFormatType = 'TEXT' | 'NUMBER' | 'PERCENT' | 'CURRENCY' | 'DATE' | 'TIME' | 'DATE_TIME' | 'SCIENTIFIC' | (string & {});

export function isDateFormat(type: NumberFormatType | undefined): boolean {
  return type === 'DATE' || type === 'DATE_TIME';
}

/**
 * One cell of a values.get response (UNFORMATTED_VALUE, SERIAL_NUMBER) as a typed value: numbers and
 * booleans as they are, date serials of date-formatted columns as Date, empty cells as null.
 */
export function fromSheetValue(value: unknown, dateColumn: boolean): Value {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return dateColumn ? serialToDate(value) : value;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

interface CellData {
  userEnteredValue?: { numberValue?: number; stringValue?: string; boolValue?: boolean };
  userEnteredFormat?: { numberFormat: { type: string; pattern: string } };
}

/**
 * A row value as the CellData of an updateCells request. Strings are written as strings, never parsed
 * (a value starting with "=" is not run as a formula); Dates become date serials with a date format.
 */
export function toCellData(value: Value | undefined): CellData {
  if (value === null || value === undefined) return {};
  if (value instanceof Date) {
    const midnight = value.getTime() % DAY_MS === 0;
    return {
      userEnteredValue: { numberValue: dateToSerial(value) },
      userEnteredFormat: { numberFormat: midnight ? { type: 'DATE', pattern: 'yyyy-mm-dd' } : { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm:ss' } },
    };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { userEnteredValue: { numberValue: value } } : {};
  if (typeof value === 'boolean') return { userEnteredValue: { boolValue: value } };
  if (typeof value === 'string') return value === '' ? {} : { userEnteredValue: { stringValue: value } };
  return { userEnteredValue: { stringValue: JSON.stringify(value) } };
}

/** The portable column type of a sampled cell (effectiveValue + number format). */
export function columnTypeOf(effectiveValue: Record<string, unknown> | undefined, format: NumberFormatType | undefined): ColumnType | undefined {
  if (format === 'DATE') return 'date';
  if (format === 'DATE_TIME') return 'datetime';
  if (!effectiveValue) return undefined;
  if (typeof effectiveValue.boolValue === 'boolean') return 'boolean';
  if (typeof effectiveValue.numberValue === 'number') return Number.isInteger(effectiveValue.numberValue) ? 'integer' : 'number';
  if (typeof effectiveValue.stringValue === 'string') return 'string';
  return undefined;
}

/** Two types seen in one column: integer+number is number, anything else mixed is string. */
export function mergeColumnTypes(current: ColumnType | undefined, next: ColumnType | undefined): ColumnType | undefined {
  if (current === undefined) return next;
  if (next === undefined || current === next) return current;
  if ((current === 'integer' && next === 'number') || (current === 'number' && next === 'integer')) return 'number';
  if ((current === 'date' && next === 'datetime') || (current === 'datetime' && next === 'date')) return 'datetime';
  return 'string';
}
