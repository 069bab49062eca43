import { type ColumnType, type JsonValue, type Row, rowFactory, type Value } from '@automl/connector-core';

/** A BigQuery `TableFieldSchema` as the REST API returns it. */
export interface BigQueryField {
  name: string;
  type: string;
  mode?: string;
  fields?: BigQueryField[];
}

type Cell = { v?: unknown } | null | undefined;

const legacy: Record<string, string> = { INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN', STRUCT: 'RECORD' };
const typeOf = (field: BigQueryField) => legacy[field.type.toUpperCase()] ?? field.type.toUpperCase();

/** The contract's column type for a BigQuery field (describe()). */
export function columnTypeOf(field: BigQueryField): ColumnType {
  if (field.mode === 'REPEATED') return 'json';
  switch (typeOf(field)) {
    case 'INTEGER':
      return 'integer';
    case 'FLOAT':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return 'number';
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'DATETIME':
    case 'TIMESTAMP':
      return 'datetime';
    case 'JSON':
    case 'RECORD':
      return 'json';
    default:
      return 'string';
  }
}

/**
 * One REST row (`{f: [{v}]}`, every scalar a string) as a contract Row. Converted here rather than
 * by the SDK, whose INT64 parsing loses digits past 2^53 silently: integers and NUMERIC stay exact
 * (a number when it round-trips, the decimal text otherwise), TIMESTAMP (int64 microseconds) and
 * DATETIME/DATE become Dates (DATETIME's wall clock read as UTC), BYTES stay base64, JSON is parsed.
 */
export function convertRow(fields: readonly BigQueryField[], row: { f?: Cell[] }): Row {
  return rowConverter(fields).convert(row);
}

/** Converts the rows of one schema: each field's converter chosen once, rows built by a row factory. */
export interface RowConverter {
  convert(row: { f?: Cell[] }): Row;
  /** The rows of one page, and their size as JSON, roughly (the cells' text plus punctuation): for the data-volume metric. */
  page(rows: ReadonlyArray<{ f?: Cell[] }>): { rows: Row[]; bytes: number };
}

export function rowConverter(fields: readonly BigQueryField[]): RowConverter {
  const cells = fields.map(cellConverter);
  const build = rowFactory(fields.map((field) => field.name));
  const count = fields.length;
  const values: Value[] = new Array(count);
  const convert = (row: { f?: Cell[] }): Row => {
    const input = row.f ?? [];
    for (let index = 0; index < count; index += 1) values[index] = cells[index]!(input[index]?.v);
    return build(values);
  };
  return {
    convert,
    page(rows) {
      const output: Row[] = new Array(rows.length);
      let bytes = 0;
      for (let at = 0; at < rows.length; at += 1) {
        const input = rows[at]!.f ?? [];
        bytes += 8;
        for (let index = 0; index < count; index += 1) {
          const raw = input[index]?.v;
          bytes += typeof raw === 'string' ? raw.length + 10 : 16;
          values[index] = cells[index]!(raw);
        }
        output[at] = build(values);
      }
      return { rows: output, bytes };
    },
  };
}

type CellConverter = (value: unknown) => Value;

function cellConverter(field: BigQueryField): CellConverter {
  if (field.mode === 'REPEATED') {
    const item = cellConverter({ ...field, mode: 'NULLABLE' });
    return (value) => (Array.isArray(value) ? value.map((entry) => toJson(item((entry as Cell)?.v))) : []);
  }
  const scalar = scalarConverter(field);
  return (value) => (value === null || value === undefined ? null : scalar(value));
}

const SHORT_INTEGER = /^-?\d{1,15}$/;

function scalarConverter(field: BigQueryField): CellConverter {
  switch (typeOf(field)) {
    case 'RECORD': {
      const nested = rowConverter(field.fields ?? []);
      return (value) => {
        const row = nested.convert(value as { f?: Cell[] });
        return Object.fromEntries(Object.entries(row).map(([key, entry]) => [key, toJson(entry ?? null)]));
      };
    }
    case 'INTEGER':
      // Up to 15 digits is always exact as a double: the common case, without exactNumber's regexes.
      return (value) => (typeof value === 'string' && SHORT_INTEGER.test(value) ? Number(value) : exactNumber(String(value)));
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return (value) => exactNumber(String(value));
    case 'FLOAT':
      return (value) => Number(value);
    case 'BOOLEAN':
      return (value) => value === true || value === 'true';
    case 'TIMESTAMP':
      return (value) => timestampOf(String(value));
    case 'DATE':
      return (value) => new Date(`${String(value)}T00:00:00Z`);
    case 'DATETIME':
      return (value) => new Date(`${String(value).replace(' ', 'T')}Z`);
    case 'JSON':
      return (value) => {
        try {
          return JSON.parse(String(value)) as Value;
        } catch {
          return String(value);
        }
      };
    default:
      return (value) => String(value);
  }
}

/** A number when the text round-trips through a double, the text itself otherwise (no silent rounding). */
export function exactNumber(text: string): number | string {
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  return String(number) ===
    text
      .replace(/^\+/, '')
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '')
    ? number
    : text;
}

/** TIMESTAMP cells: int64 microseconds (what the connector asks for), float seconds, or ISO text. */
function timestampOf(text: string): Date {
  // Up to 15 digits of microseconds (years 1653 to 2286): exact as a double, no BigInt needed.
  // Milliseconds rounded down, as the Storage path does (floor(µs / 1000), before 1970 too).
  if (SHORT_INTEGER.test(text)) return new Date(Math.floor(Number(text) / 1000));
  if (/^-?\d+$/.test(text)) {
    const micros = BigInt(text);
    return new Date(Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)));
  }
  if (/^-?[\d.]+(E\d+)?$/i.test(text)) return new Date(Math.round(Number(text) * 1000));
  return new Date(text);
}

/** HH:MM:SS[.ffffff] of microseconds since midnight, as BigQuery writes TIME. */
export function formatTimeOfDay(micros: bigint): string {
  const total = Number(micros);
  const seconds = Math.floor(total / 1e6);
  const fraction = total % 1e6;
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return fraction === 0 ? clock : `${clock}.${String(fraction).padStart(6, '0')}`;
}

function toJson(value: Value | undefined): JsonValue {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value as JsonValue;
}

/** A row value as a load job's NDJSON takes it (Dates as ISO text with their zone). */
export function toLoadValue(value: Value | undefined): JsonValue {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toLoadValue(item as Value));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toLoadValue(item as Value)]));
  return value;
}

/** A BigQuery type for a column the rows were inferred to have (a new table's schema). */
export function bigQueryTypeOf(type: ColumnType): string {
  switch (type) {
    case 'integer':
      return 'INT64';
    case 'number':
      return 'FLOAT64';
    case 'boolean':
      return 'BOOL';
    case 'date':
    case 'datetime':
      return 'TIMESTAMP';
    case 'json':
      return 'JSON';
    default:
      return 'STRING';
  }
}
