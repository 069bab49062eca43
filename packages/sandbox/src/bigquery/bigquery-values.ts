import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { legacyType, type TableFieldSchema } from './bigquery-schema.js';

/** How TIMESTAMP cells are rendered: int64 microseconds (`useInt64Timestamp`), float seconds (the API default), or ISO text. */
export type TimestampFormat = 'int64' | 'float' | 'iso';

/** A REST cell: `{ v }` where every scalar is a string, arrays are `[{v}]` and records `{f: [...]}`. */
export type Cell = { v: unknown };

const MICROS_PER_DAY = 86_400_000_000n;

/** One DuckDB value as the REST API encodes a cell of `field` (tabledata.list, getQueryResults). */
export function encodeCell(field: TableFieldSchema, value: DuckDBValue, timestamps: TimestampFormat): Cell {
  return cellEncoder(field, timestamps)(value);
}

/**
 * The encoder of one field's cells, resolved once per page: a page is up to 100,000 rows, and
 * looking the type up for every cell was most of the emulator's time.
 */
export function cellEncoder(field: TableFieldSchema, timestamps: TimestampFormat): (value: DuckDBValue) => Cell {
  if (field.mode === 'REPEATED') {
    const item = cellEncoder({ ...field, mode: 'NULLABLE' }, timestamps);
    return (value) => ({ v: value instanceof DuckDBListValue ? value.items.map(item) : [] });
  }
  const scalar = scalarEncoder(field, timestamps);
  return (value) => ({ v: value === null || value === undefined ? null : scalar(value) });
}

function scalarEncoder(field: TableFieldSchema, timestamps: TimestampFormat): (value: DuckDBValue) => unknown {
  switch (legacyType(field.type)) {
    case 'RECORD': {
      const children = (field.fields ?? []).map((child) => ({ name: child.name, encode: cellEncoder(child, timestamps) }));
      return (value) => {
        const entries = value instanceof DuckDBStructValue ? value.entries : {};
        return { f: children.map((child) => child.encode(entries[child.name] ?? null)) };
      };
    }
    case 'TIMESTAMP':
      return (value) => {
        const micros = value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue ? value.micros : 0n;
        if (timestamps === 'int64') return micros.toString();
        if (timestamps === 'iso') return `${formatMicros(micros)}Z`;
        return String(Number(micros) / 1e6);
      };
    case 'DATETIME':
      return (value) => (value instanceof DuckDBTimestampValue ? formatMicros(value.micros) : String(value));
    case 'DATE':
      return (value) => (value instanceof DuckDBDateValue ? formatDays(value.days) : String(value));
    case 'TIME':
      return (value) => (value instanceof DuckDBTimeValue ? formatTimeOfDay(value.micros) : String(value));
    case 'NUMERIC':
      return (value) => (value instanceof DuckDBDecimalValue ? formatDecimal(value) : String(value));
    case 'BYTES':
      return (value) => (value instanceof DuckDBBlobValue ? Buffer.from(value.bytes).toString('base64') : String(value));
    case 'BOOLEAN':
      return (value) => (value ? 'true' : 'false');
    case 'FLOAT':
      return (value) => formatFloat(Number(value));
    case 'INTEGER':
      return (value) => String(value);
    default:
      return (value) => (typeof value === 'string' ? value : String(value));
  }
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(value);
}

/** A decimal without the trailing zeros DuckDB's fixed scale adds (BigQuery prints 12.5, not 12.500000000). */
export function formatDecimal(value: DuckDBDecimalValue): string {
  const negative = value.value < 0n;
  const digits = (negative ? -value.value : value.value).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** YYYY-MM-DD of a day number since the epoch. */
export function formatDays(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** YYYY-MM-DDTHH:MM:SS[.ffffff] of microseconds since the epoch (no zone: DATETIME, or TIMESTAMP before its Z). */
export function formatMicros(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  return `${formatDays(Number(days))}T${formatTimeOfDay(rest)}`;
}

/** HH:MM:SS[.ffffff] of microseconds since midnight. */
export function formatTimeOfDay(micros: bigint): string {
  const total = Number(micros);
  const seconds = Math.floor(total / 1e6);
  const fraction = total % 1e6;
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return fraction === 0 ? clock : `${clock}.${String(fraction).padStart(6, '0')}`;
}

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** Microseconds since the epoch of a TIMESTAMP literal BigQuery accepts; undefined when it is not one. */
export function parseTimestampMicros(text: string): bigint | undefined {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(millis) || Number(month) > 12 || Number(day) > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  let offsetMinutes = 0;
  if (/^[+-]/.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, digits.length > 2 ? digits.length - 2 : 2)) * 60 + (digits.length > 2 ? Number(digits.slice(-2)) : 0));
  }
  const micros = BigInt(millis) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0') - BigInt(offsetMinutes) * 60_000_000n;
  return micros;
}

/** A value of one input row, checked and converted for storage, or the reason it cannot be stored. */
export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Checks one JSON value against a field the way a load job or insertAll does, and returns what
 * the warehouse stores (text for the types DuckDB's JSON reader should not round through a double).
 */
export function coerceValue(field: TableFieldSchema, value: unknown, path: string, ignoreUnknownValues: boolean): Coerced {
  if (value === null || value === undefined) {
    if (field.mode === 'REQUIRED') return { ok: false, message: `Missing required field: ${path}.` };
    return { ok: true, value: field.mode === 'REPEATED' ? [] : null };
  }
  if (field.mode === 'REPEATED') {
    if (!Array.isArray(value)) return { ok: false, message: `Expected an array for repeated field: ${path}.` };
    const itemField = { ...field, mode: 'NULLABLE' as const };
    const items: unknown[] = [];
    for (const item of value) {
      if (item === null) return { ok: false, message: `Null value in repeated field: ${path}.` };
      const coerced = coerceValue(itemField, item, path, ignoreUnknownValues);
      if (!coerced.ok) return coerced;
      items.push(coerced.value);
    }
    return { ok: true, value: items };
  }
  if (Array.isArray(value)) return { ok: false, message: `Array specified for non-repeated field: ${path}.` };
  const bad = (kind: string): Coerced => ({ ok: false, message: `Could not convert value to ${kind}. Field: ${path}; Value: ${preview(value)}` });
  switch (legacyType(field.type)) {
    case 'INTEGER': {
      const text = typeof value === 'number' ? (Number.isInteger(value) ? BigInt(value).toString() : '') : typeof value === 'string' ? value.trim() : '';
      if (!/^[+-]?\d+$/.test(text)) return bad('integer');
      const parsed = BigInt(text);
      if (parsed < INT64_MIN || parsed > INT64_MAX) return bad('integer');
      return { ok: true, value: parsed.toString() };
    }
    case 'FLOAT': {
      if (typeof value === 'number') return { ok: true, value };
      if (typeof value === 'string' && /^(NaN|[+-]?Infinity|[+-]?inf)$/i.test(value.trim())) return { ok: true, value: value.trim() };
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { ok: true, value: Number(value) };
      return bad('double');
    }
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return bad(legacyType(field.type) === 'NUMERIC' ? 'numeric' : 'bignumeric');
      if (legacyType(field.type) === 'NUMERIC') {
        const [whole = '', fraction = ''] = text.replace(/^[+-]/, '').split('.');
        if (!/[eE]/.test(text) && (whole.replace(/^0+/, '').length > 29 || fraction.replace(/0+$/, '').length > 9)) return bad('numeric');
      }
      return { ok: true, value: text };
    }
    case 'BOOLEAN': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return { ok: true, value: value.trim().toLowerCase() === 'true' };
      return bad('boolean');
    }
    case 'STRING':
    case 'GEOGRAPHY': {
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      return bad('string');
    }
    case 'BYTES': {
      if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) return { ok: true, value };
      return bad('bytes');
    }
    case 'DATE': {
      if (typeof value === 'string' && /^\d{4}-\d{1,2}-\d{1,2}$/.test(value.trim()) && parseTimestampMicros(value) !== undefined)
        return { ok: true, value: value.trim() };
      return bad('date');
    }
    case 'DATETIME': {
      if (typeof value === 'string' && /^\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$/.test(value.trim())) {
        const micros = parseTimestampMicros(value);
        if (micros !== undefined) return { ok: true, value: formatMicros(micros) };
      }
      return bad('datetime');
    }
    case 'TIME': {
      if (typeof value === 'string' && /^\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/.test(value.trim())) {
        const micros = parseTimestampMicros(`1970-01-01T${value.trim()}`);
        if (micros !== undefined) return { ok: true, value: formatTimeOfDay(micros) };
      }
      return bad('time');
    }
    case 'TIMESTAMP': {
      // Load jobs and insertAll accept a literal with an optional zone, or seconds since the epoch.
      const micros =
        typeof value === 'number' && Number.isFinite(value)
          ? BigInt(Math.round(value * 1e6))
          : typeof value === 'string'
            ? parseTimestampMicros(value)
            : undefined;
      if (micros === undefined) return bad('timestamp');
      return { ok: true, value: `${formatMicros(micros)}Z` };
    }
    case 'JSON': {
      if (typeof value !== 'string') return { ok: true, value };
      try {
        return { ok: true, value: JSON.parse(value) };
      } catch {
        return bad('json');
      }
    }
    case 'RECORD': {
      if (typeof value !== 'object') return bad('record');
      return coerceRecord(field.fields ?? [], value as Record<string, unknown>, `${path}.`, ignoreUnknownValues);
    }
    default:
      return bad(field.type.toLowerCase());
  }
}

/** Checks one row (a JSON object) against a schema; unknown fields fail unless `ignoreUnknownValues`. */
export function coerceRecord(fields: TableFieldSchema[], row: Record<string, unknown>, prefix: string, ignoreUnknownValues: boolean): Coerced {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return { ok: false, message: 'Row is not a JSON object.' };
  const byName = new Map(fields.map((field) => [field.name.toLowerCase(), field]));
  const output: Record<string, unknown> = {};
  for (const key of Object.keys(row)) {
    if (!byName.has(key.toLowerCase()) && !ignoreUnknownValues) return { ok: false, message: `No such field: ${prefix}${key}.` };
  }
  const lowered = new Map(Object.entries(row).map(([key, value]) => [key.toLowerCase(), value]));
  for (const field of fields) {
    const coerced = coerceValue(field, lowered.get(field.name.toLowerCase()), `${prefix}${field.name}`, ignoreUnknownValues);
    if (!coerced.ok) return coerced;
    output[field.name] = coerced.value;
  }
  return { ok: true, value: output };
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/** A query parameter's value (`parameterValue.value` text) as the SQL text cast DuckDB reads back. */
export function parameterText(type: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (legacyType(type) === 'TIMESTAMP' && typeof value === 'string') {
    const micros = parseTimestampMicros(value);
    return micros === undefined ? value : `${formatMicros(micros)}Z`;
  }
  return String(value);
}
