import type { ColumnType, JsonValue, Row, Value } from '@automl/connector-core';

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
  const output: Row = {};
  const cells = row.f ?? [];
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index]!;
    output[field.name] = convertCell(field, cells[index]?.v);
  }
  return output;
}

function convertCell(field: BigQueryField, value: unknown): Value {
  if (field.mode === 'REPEATED') {
    if (!Array.isArray(value)) return [];
    const item = { ...field, mode: 'NULLABLE' };
    return value.map((entry) => toJson(convertCell(item, (entry as Cell)?.v)));
  }
  if (value === null || value === undefined) return null;
  switch (typeOf(field)) {
    case 'RECORD': {
      const nested = convertRow(field.fields ?? [], value as { f?: Cell[] });
      return Object.fromEntries(Object.entries(nested).map(([key, entry]) => [key, toJson(entry ?? null)]));
    }
    case 'INTEGER':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return exactNumber(String(value));
    case 'FLOAT':
      return Number(value);
    case 'BOOLEAN':
      return value === true || value === 'true';
    case 'TIMESTAMP':
      return timestampOf(String(value));
    case 'DATE':
      return new Date(`${String(value)}T00:00:00Z`);
    case 'DATETIME':
      return new Date(`${String(value).replace(' ', 'T')}Z`);
    case 'JSON':
      try {
        return JSON.parse(String(value)) as Value;
      } catch {
        return String(value);
      }
    default:
      return String(value);
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
  if (/^-?\d+$/.test(text)) return new Date(Number(BigInt(text) / 1000n));
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
