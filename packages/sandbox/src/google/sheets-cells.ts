/** One stored cell: its value, its number format type (DATE...), and the formula that produced it. */
export interface Cell {
  value: string | number | boolean | null;
  format?: NumberFormatType;
  formula?: string;
}

export type NumberFormatType = 'TEXT' | 'NUMBER' | 'PERCENT' | 'CURRENCY' | 'DATE' | 'TIME' | 'DATE_TIME' | 'SCIENTIFIC';

const DAY_MS = 86_400_000;
/** Sheets' serial-number epoch: day 0 is 1899-12-30. */
const EPOCH_MS = Date.UTC(1899, 11, 30);

export function dateToSerial(date: Date): number {
  return (date.getTime() - EPOCH_MS) / DAY_MS;
}

export function serialToDate(serial: number): Date {
  return new Date(Math.round(EPOCH_MS + serial * DAY_MS));
}

/** A seed or RAW value as a cell; a Date becomes a serial number formatted as DATE or DATE_TIME. */
export function cellFromValue(value: unknown): Cell | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) {
    const midnight = value.getTime() % DAY_MS === 0;
    return { value: dateToSerial(value), format: midnight ? 'DATE' : 'DATE_TIME' };
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return { value };
  return { value: JSON.stringify(value) };
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const usDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** valueInputOption USER_ENTERED: a string is parsed as if typed into the UI. */
export function cellFromUserEntered(value: unknown): Cell | undefined {
  if (typeof value !== 'string') return cellFromValue(value);
  if (value === '') return undefined;
  if (value.startsWith('=')) return { value: null, formula: value };
  if (value.startsWith("'")) return { value: value.slice(1) };
  const trimmed = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return { value: Number(trimmed) };
  if (/^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === 'true' };
  const iso = isoDate.exec(trimmed);
  const us = iso ? undefined : usDate.exec(trimmed);
  if (iso || us) {
    const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : [us![3], us![1], us![2]];
    const [hours, minutes, seconds] = iso ? [iso[4], iso[5], iso[6]] : [us![4], us![5], us![6]];
    const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hours ?? 0), Number(minutes ?? 0), Number(seconds ?? 0));
    return { value: (ms - EPOCH_MS) / DAY_MS, format: hours === undefined ? 'DATE' : 'DATE_TIME' };
  }
  return { value };
}

/** ExtendedValue of the API (`{ numberValue }`, `{ stringValue }`...) as a cell. */
export function cellFromExtendedValue(extended: Record<string, unknown> | undefined, format?: NumberFormatType): Cell | undefined {
  if (!extended) return undefined;
  if (typeof extended.formulaValue === 'string') return { value: null, formula: extended.formulaValue, ...(format ? { format } : {}) };
  const value = extended.numberValue ?? extended.stringValue ?? extended.boolValue;
  if (value === undefined || value === null) return undefined;
  return { value: value as Cell['value'], ...(format ? { format } : {}) };
}

export function extendedValue(cell: Cell): Record<string, unknown> | undefined {
  if (cell.value === null) return undefined;
  if (typeof cell.value === 'number') return { numberValue: cell.value };
  if (typeof cell.value === 'boolean') return { boolValue: cell.value };
  return { stringValue: cell.value };
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The cell as the UI shows it (en_US): what FORMATTED_VALUE returns. */
export function formattedValue(cell: Cell): string {
  if (cell.value === null) return '';
  if (typeof cell.value === 'boolean') return cell.value ? 'TRUE' : 'FALSE';
  if (typeof cell.value === 'string') return cell.value;
  if (cell.format === 'DATE' || cell.format === 'DATE_TIME' || cell.format === 'TIME') {
    const date = serialToDate(cell.value);
    const day = `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
    const time = `${date.getUTCHours()}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
    return cell.format === 'DATE' ? day : cell.format === 'TIME' ? time : `${day} ${time}`;
  }
  if (cell.format === 'PERCENT') return `${Math.round(cell.value * 10_000) / 100}%`;
  return String(cell.value);
}

export type ValueRenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';
export type DateTimeRenderOption = 'SERIAL_NUMBER' | 'FORMATTED_STRING';

/** One cell of a values response under the request's render options. */
export function renderValue(cell: Cell | undefined, valueRender: ValueRenderOption, dateRender: DateTimeRenderOption): string | number | boolean {
  if (!cell) return '';
  if (valueRender === 'FORMULA' && cell.formula) return cell.formula;
  if (valueRender === 'FORMATTED_VALUE') return formattedValue(cell);
  if (cell.value === null) return '';
  const isDate = cell.format === 'DATE' || cell.format === 'DATE_TIME' || cell.format === 'TIME';
  if (isDate && typeof cell.value === 'number' && dateRender === 'FORMATTED_STRING') return formattedValue(cell);
  return cell.value;
}

/** CellData of spreadsheets.get with includeGridData. */
export function cellData(cell: Cell | undefined): Record<string, unknown> {
  if (!cell) return {};
  const value = extendedValue(cell);
  const numberFormat = cell.format ? { numberFormat: { type: cell.format, pattern: patternFor(cell.format) } } : undefined;
  return {
    ...(cell.formula ? { userEnteredValue: { formulaValue: cell.formula } } : value ? { userEnteredValue: value } : {}),
    ...(value ? { effectiveValue: value } : {}),
    formattedValue: formattedValue(cell),
    ...(numberFormat ? { userEnteredFormat: numberFormat, effectiveFormat: numberFormat } : {}),
  };
}

function patternFor(format: NumberFormatType): string {
  switch (format) {
    case 'DATE':
      return 'M/d/yyyy';
    case 'DATE_TIME':
      return 'M/d/yyyy H:mm:ss';
    case 'TIME':
      return 'h:mm:ss am/pm';
    case 'PERCENT':
      return '0.00%';
    default:
      return '';
  }
}
