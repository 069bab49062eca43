import type { Row, Value } from '@automl/connector-core';
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int64,
  List,
  makeData,
  makeVector,
  Struct,
  Table,
  TimeMicrosecond,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import type { BigQueryField } from './convert-bigquery-row.js';

const legacy: Record<string, string> = { INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN', STRUCT: 'RECORD' };
const typeOf = (field: BigQueryField) => legacy[field.type.toUpperCase()] ?? field.type.toUpperCase();

/** A value that does not fit its column: the row fails with this reason, the others are loaded. */
class CellError extends Error {}

/**
 * The Parquet types BigQuery loads into each column type
 * (https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-parquet#type_conversions):
 * INT64 int64, FLOAT64 double, NUMERIC decimal(38, 9), BIGNUMERIC decimal(76, 38), BOOL boolean,
 * STRING / GEOGRAPHY (WKT) / JSON utf8, BYTES binary, DATE date32, DATETIME timestamp[us] without a
 * zone, TIMESTAMP timestamp[us, UTC], TIME time64[us], STRUCT a group, ARRAY a list (loaded with
 * `enableListInference`).
 */
function arrowTypeOf(field: BigQueryField): DataType {
  const scalar = scalarType(field);
  return field.mode === 'REPEATED' ? new List(new Field('item', scalar, true)) : scalar;
}

function scalarType(field: BigQueryField): DataType {
  switch (typeOf(field)) {
    case 'INTEGER':
      return new Int64();
    case 'FLOAT':
      return new Float64();
    case 'NUMERIC':
      return new Decimal(9, 38, 128);
    case 'BIGNUMERIC':
      return new Decimal(38, 76, 256);
    case 'BOOLEAN':
      return new Bool();
    case 'BYTES':
      return new Binary();
    case 'DATE':
      return new DateDay();
    case 'DATETIME':
      return new TimestampMicrosecond();
    case 'TIMESTAMP':
      return new TimestampMicrosecond('UTC');
    case 'TIME':
      return new TimeMicrosecond();
    case 'RECORD':
      return new Struct((field.fields ?? []).map((child) => new Field(child.name, arrowTypeOf(child), true)));
    default:
      return new Utf8();
  }
}

/**
 * One load job's rows as a Parquet file (written by parquet-wasm, arrow-rs compiled to
 * WebAssembly, from an apache-arrow table), with the schema of the table they load into. A row
 * with a value its column cannot take is left out and reported with its position in `rows`.
 */
export async function parquetFile(
  fields: readonly BigQueryField[],
  rows: readonly Row[],
): Promise<{ data: Uint8Array; failed: Array<{ position: number; reason: string }>; kept: number[] }> {
  const failed: Array<{ position: number; reason: string }> = [];
  const cells: unknown[][] = fields.map(() => []);
  const kept: number[] = [];
  const known = new Set(fields.map((field) => field.name));
  rows.forEach((row, position) => {
    const converted: unknown[] = [];
    const unknown = Object.keys(row).find((name) => !known.has(name));
    if (unknown !== undefined) {
      failed.push({ position, reason: `No such field: ${unknown}.` });
      return;
    }
    try {
      for (const field of fields) converted.push(toArrow(field, row[field.name] ?? null, field.name));
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      failed.push({ position, reason: error.message });
      return;
    }
    converted.forEach((value, column) => cells[column]!.push(value));
    kept.push(position);
  });
  const columns: Record<string, Vector> = {};
  fields.forEach((field, column) => {
    columns[field.name] = vectorOf(field, cells[column]!);
  });
  const { Compression, Table: WasmTable, WriterPropertiesBuilder, writeParquet } = await import('parquet-wasm');
  const ipc = tableToIPC(new Table(columns), 'stream');
  const data = writeParquet(WasmTable.fromIPCStream(ipc), new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build());
  return { data, failed, kept };
}

/** A column vector; microsecond columns are laid out directly (apache-arrow's builders take milliseconds). */
function vectorOf(field: BigQueryField, values: unknown[]): Vector {
  const type = arrowTypeOf(field);
  const scalar = field.mode === 'REPEATED' ? undefined : typeOf(field);
  if (scalar === 'TIMESTAMP' || scalar === 'DATETIME' || scalar === 'TIME') {
    const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
    let nullCount = 0;
    const data = new BigInt64Array(values.length);
    values.forEach((value, index) => {
      if (value === null) nullCount += 1;
      else {
        nullBitmap[index >> 3]! |= 1 << (index % 8);
        data[index] = value as bigint;
      }
    });
    return makeVector(makeData({ type: type as never, length: values.length, nullCount, nullBitmap, data } as never));
  }
  return vectorFromArray(values as never, type as never);
}

/** A contract value as apache-arrow's builder takes it for the field (microseconds as bigint for the flat time columns). */
function toArrow(field: BigQueryField, value: Value | undefined, path: string): unknown {
  if (field.mode === 'REPEATED') {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new CellError(`${path}: an array is expected for ARRAY<${field.type}>`);
    const item = { ...field, mode: 'NULLABLE' };
    return value.map((entry, index) => toArrow(item, entry as Value, `${path}[${index}]`));
  }
  if (value === null || value === undefined) return null;
  const nested = path.includes('.') || path.includes('[');
  switch (typeOf(field)) {
    case 'RECORD': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) throw new CellError(`${path}: an object is expected for STRUCT`);
      const record = value as Record<string, Value>;
      return Object.fromEntries((field.fields ?? []).map((child) => [child.name, toArrow(child, record[child.name] ?? null, `${path}.${child.name}`)]));
    }
    case 'INTEGER': {
      const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
      if (!/^[+-]?\d+$/.test(text)) throw new CellError(`${path}: ${JSON.stringify(value)} is not an INT64`);
      return BigInt(text);
    }
    case 'FLOAT': {
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      if (typeof value !== 'number' && Number.isNaN(number)) throw new CellError(`${path}: ${JSON.stringify(value)} is not a FLOAT64`);
      return number;
    }
    case 'NUMERIC':
      return decimalWords(scaled(value, 9, 29, path), 4);
    case 'BIGNUMERIC':
      return decimalWords(scaled(value, 38, 38, path), 8);
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new CellError(`${path}: ${JSON.stringify(value)} is not a BOOL`);
    case 'BYTES':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
      throw new CellError(`${path}: BYTES are expected as base64 text`);
    case 'DATE': {
      const millis = value instanceof Date ? value.getTime() : Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`);
      if (Number.isNaN(millis)) throw new CellError(`${path}: ${JSON.stringify(value)} is not a DATE`);
      return new Date(Math.floor(millis / 86_400_000) * 86_400_000);
    }
    case 'DATETIME':
    case 'TIMESTAMP': {
      const micros = timestampMicros(value, typeOf(field) === 'DATETIME');
      if (micros === undefined) throw new CellError(`${path}: ${JSON.stringify(value)} is not a ${typeOf(field)}`);
      // Inside a STRUCT or an ARRAY the builder takes milliseconds.
      return nested ? Number(micros / 1000n) : micros;
    }
    case 'TIME': {
      const match = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(String(value));
      if (!match) throw new CellError(`${path}: ${JSON.stringify(value)} is not a TIME`);
      return BigInt(((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1_000_000) + BigInt((match[4] ?? '').padEnd(6, '0'));
    }
    case 'JSON':
      return typeof value === 'string' ? value : JSON.stringify(value instanceof Date ? value.toISOString() : value);
    default:
      return value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** Microseconds since the epoch of a Date or a timestamp text (a DATETIME's wall clock read as UTC). */
function timestampMicros(value: Value, wallClock: boolean): bigint | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : BigInt(value.getTime()) * 1000n;
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,6})\d*)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i.exec(String(value).trim());
  if (!match) return undefined;
  const zone = wallClock || !match[4] || /^(Z|UTC)$/i.test(match[4]) ? 'Z' : match[4];
  const millis = Date.parse(`${match[1]}T${match[2]}${zone}`);
  if (Number.isNaN(millis)) return undefined;
  return BigInt(millis) * 1000n + BigInt((match[3] ?? '').padEnd(6, '0'));
}

/** A decimal (number or text) as its integer scaled by 10^scale, refused past `wholeDigits` digits before the point. */
function scaled(value: Value, scale: number, wholeDigits: number, path: string): bigint {
  const text = typeof value === 'number' ? numberText(value) : String(value).trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new CellError(`${path}: ${JSON.stringify(value)} is not a decimal`);
  const whole = match[2]!.replace(/^0+/, '');
  if (whole.length > wholeDigits) throw new CellError(`${path}: ${text} is out of range`);
  // BigQuery rounds extra fraction digits half away from zero.
  const fraction = match[3] ?? '';
  let digits = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}` || '0');
  if (Number(fraction[scale] ?? '0') >= 5) digits += 1n;
  return match[1] === '-' ? -digits : digits;
}

/** A number's decimal text without an exponent. */
function numberText(value: number): string {
  if (!Number.isFinite(value)) return 'NaN';
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

/** A two's-complement little-endian integer in 32-bit words, as Arrow stores decimals. */
function decimalWords(value: bigint, words: number): Uint32Array {
  const bits = BigInt(words * 32);
  let unsigned = value < 0n ? (1n << bits) + value : value;
  const output = new Uint32Array(words);
  for (let index = 0; index < words; index += 1) {
    output[index] = Number(unsigned & 0xffffffffn);
    unsigned >>= 32n;
  }
  return output;
}
