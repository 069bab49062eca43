import type { ColumnType, Value } from '@automl/connector-core';
import { type SpreadsheetTimeZone, utcTimeZone } from './spreadsheet-time-zone.js';

const DAY_MS = 86_400_000;
/** Sheets' serial-number epoch: day 0 is 1899-12-30 (as in Excel, without the 1900 leap-year bug). */
const EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A serial (days since 1899-12-30 on the wall clock) as a Date. A serial carries no zone: it is
 * the wall clock of the spreadsheet's time zone, so a date-time is read in that zone (UTC by
 * default). Dates of DATE-formatted cells are calendar dates and are read at UTC midnight.
 */
export function serialToDate(serial: number, timeZone: SpreadsheetTimeZone = utcTimeZone): Date {
  return new Date(timeZone.fromWallClock(Math.round(EPOCH_MS + serial * DAY_MS)));
}

/** A Date as the serial of its wall clock in a time zone (UTC by default). */
export function dateToSerial(date: Date, timeZone: SpreadsheetTimeZone = utcTimeZone): number {
  return (timeZone.toWallClock(date.getTime()) - EPOCH_MS) / DAY_MS;
}

export type NumberFormatType = 'TEXT' | 'NUMBER' | 'PERCENT' | 'CURRENCY' | 'DATE' | 'TIME' | 'DATE_TIME' | 'SCIENTIFIC' | (string & {});

/** What a column's number format makes of its serials: calendar dates, instants, or plain numbers. */
export type DateKind = 'date' | 'datetime' | undefined;

export function dateKindOf(type: NumberFormatType | undefined): DateKind {
  return type === 'DATE' ? 'date' : type === 'DATE_TIME' ? 'datetime' : undefined;
}

/**
 * One cell of a values.get response (UNFORMATTED_VALUE, SERIAL_NUMBER) as a typed value: numbers and
 * booleans as they are, serials of date columns as Date (date-times in the spreadsheet's time zone,
 * calendar dates at UTC midnight), empty cells as null.
 */
export function fromSheetValue(value: unknown, dateKind: DateKind, timeZone: SpreadsheetTimeZone): Value {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return dateKind === undefined ? value : serialToDate(value, dateKind === 'datetime' ? timeZone : utcTimeZone);
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

interface CellData {
  userEnteredValue?: { numberValue?: number; stringValue?: string; boolValue?: boolean };
  userEnteredFormat?: { numberFormat: { type: string; pattern: string } };
}

/**
 * A row value as the CellData of an updateCells request. Strings are written as strings, never parsed
 * (a value starting with "=" is not run as a formula). A Date at UTC midnight is a calendar date (a
 * DATE cell); any other Date an instant, written as the wall clock of the spreadsheet's time zone (a
 * DATE_TIME cell), which is what the sheet shows and what a read turns back into the same instant.
 */
export function toCellData(value: Value | undefined, timeZone: SpreadsheetTimeZone): CellData {
  if (value === null || value === undefined) return {};
  if (value instanceof Date) {
    const midnight = value.getTime() % DAY_MS === 0;
    return {
      userEnteredValue: { numberValue: dateToSerial(value, midnight ? utcTimeZone : timeZone) },
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
