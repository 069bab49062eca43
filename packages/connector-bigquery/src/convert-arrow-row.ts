import { type JsonValue, type Row, rowFactory, type Value } from '@automl/connector-core';
import type { RecordBatch } from 'apache-arrow';
import { type BigQueryField, exactNumber, formatTimeOfDay } from './convert-bigquery-row.js';

const legacy: Record<string, string> = { INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN', STRUCT: 'RECORD' };
const typeOf = (field: BigQueryField) => legacy[field.type.toUpperCase()] ?? field.type.toUpperCase();

/**
 * Rows of one Arrow record batch from the Storage Read API, as the same contract values the REST
 * path yields (convert-bigquery-row.ts): the two paths must read a table identically. Arrow carries
 * INT64 as bigint, NUMERIC/BIGNUMERIC as scaled two's-complement words, DATE as days,
 * TIMESTAMP/DATETIME as microseconds, TIME as microseconds since midnight.
 */
export function convertArrowBatch(fields: readonly BigQueryField[], batch: RecordBatch): Row[] {
  const length = batch.numRows;
  const columns = fields.map((field) => {
    const vector = batch.getChild(field.name);
    return vector ? convertColumn(field, vector as unknown as ArrowColumn, length) : new Array<Value>(length).fill(null);
  });
  const build = rowFactory(fields.map((field) => field.name));
  const count = columns.length;
  const values: Value[] = new Array(count);
  const rows: Row[] = new Array(length);
  for (let index = 0; index < length; index += 1) {
    for (let column = 0; column < count; column += 1) values[column] = columns[column]![index]!;
    rows[index] = build(values);
  }
  return rows;
}

interface ArrowData {
  values: ArrayLike<unknown> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  valueOffsets?: Int32Array;
  nullBitmap?: Uint8Array;
  nullCount: number;
  /** Where the column starts in the validity bitmap and a BOOL's value bits; value arrays and UTF-8 offsets come already sliced. */
  offset: number;
  length: number;
}

interface ArrowColumn {
  nullCount: number;
  isValid(index: number): boolean;
  get(index: number): unknown;
  data: ArrowData[];
}

const DAY_MS = 86_400_000;
const TWO_32 = 4_294_967_296;
const utf8 = new TextDecoder();

/**
 * One column at a time. Flat INT64, FLOAT64, STRING, BOOL, DATE, TIMESTAMP and DATETIME columns
 * are read straight from the Arrow buffers (validity bitmap, values, UTF-8 offsets): apache-arrow's
 * per-cell getters, its BigInt values and one TextDecoder call per string were most of a batch's
 * cost. Everything else goes cell by cell through the getters.
 */
function convertColumn(field: BigQueryField, vector: ArrowColumn, length: number): Value[] {
  const type = field.mode === 'REPEATED' ? 'REPEATED' : typeOf(field);
  const data = vector.data.length === 1 ? vector.data[0]! : undefined;
  const reader = data ? flatReader(type, data) : undefined;
  const values: Value[] = new Array(length);
  if (data && reader) {
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    const offset = data.offset;
    for (let index = 0; index < length; index += 1) {
      const at = offset + index;
      values[index] = bitmap && ((bitmap[at >> 3]! >> (at & 7)) & 1) === 0 ? null : reader(index);
    }
    return values;
  }
  const nulls = vector.nullCount > 0;
  for (let index = 0; index < length; index += 1) values[index] = fromArrow(field, nulls && !vector.isValid(index) ? null : vector.get(index));
  return values;
}

/** A reader of one cell (by its index in the batch) for the flat types, or undefined. */
function flatReader(type: string, data: ArrowData): ((at: number) => Value) | undefined {
  const { values } = data;
  switch (type) {
    case 'INTEGER': {
      // int64 as two int32 words: a number when exact, else the decimal text, without a BigInt per cell.
      const words = new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
      const big = values as unknown as BigInt64Array;
      return (at) => {
        const high = words[2 * at + 1]!;
        if (high >= -0x200000 && high < 0x200000) {
          const exact = high * TWO_32 + (words[2 * at]! >>> 0);
          if (Number.isSafeInteger(exact)) return exact;
        }
        return big[at]!.toString();
      };
    }
    case 'TIMESTAMP':
    case 'DATETIME': {
      // int64 microseconds since the epoch; dates are milliseconds (as floor(µs / 1000)).
      const words = new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
      return (at) => new Date(Math.floor((words[2 * at + 1]! * TWO_32 + (words[2 * at]! >>> 0)) / 1000));
    }
    case 'DATE': {
      const days = values as unknown as Int32Array;
      return (at) => new Date(days[at]! * DAY_MS);
    }
    case 'FLOAT': {
      const doubles = values as unknown as Float64Array;
      return (at) => doubles[at]!;
    }
    case 'BOOLEAN': {
      const bits = values as unknown as Uint8Array;
      const start = data.offset;
      return (index) => ((bits[(start + index) >> 3]! >> ((start + index) & 7)) & 1) === 1;
    }
    case 'STRING':
    case 'GEOGRAPHY': {
      const offsets = data.valueOffsets;
      if (!offsets) return undefined;
      const bytes = values as unknown as Uint8Array;
      const first = offsets[0]!;
      const last = offsets[data.length]!;
      // All ASCII (the common case): one decode of the whole buffer, each cell a substring of it.
      const whole = utf8.decode(bytes.subarray(first, last));
      if (whole.length === last - first) return (at) => whole.slice(offsets[at]! - first, offsets[at + 1]! - first);
      return (at) => utf8.decode(bytes.subarray(offsets[at]!, offsets[at + 1]!));
    }
    default:
      return undefined;
  }
}

function fromArrow(field: BigQueryField, value: unknown): Value {
  if (field.mode === 'REPEATED') {
    if (value === null || value === undefined) return [];
    const item = { ...field, mode: 'NULLABLE' };
    const items: JsonValue[] = [];
    for (const entry of value as Iterable<unknown>) items.push(toJson(fromArrow(item, entry)));
    return items;
  }
  if (value === null || value === undefined) return null;
  switch (typeOf(field)) {
    case 'RECORD': {
      const record = value as Record<string, unknown>;
      return Object.fromEntries((field.fields ?? []).map((child) => [child.name, toJson(fromArrow(child, record[child.name] ?? null))]));
    }
    case 'INTEGER':
      return exactNumber(String(value));
    case 'NUMERIC':
      return exactNumber(decimalText(value as Uint32Array, 9));
    case 'BIGNUMERIC':
      return exactNumber(decimalText(value as Uint32Array, 38));
    case 'FLOAT':
      return Number(value);
    case 'BOOLEAN':
      return Boolean(value);
    case 'BYTES':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'DATE':
    case 'DATETIME':
    case 'TIMESTAMP':
      // apache-arrow reads dates and timestamps as epoch milliseconds.
      return new Date(Math.floor(Number(value)));
    case 'TIME':
      return formatTimeOfDay(BigInt(value as bigint | number));
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

/** An Arrow decimal (little-endian 32-bit words, two's complement) as decimal text. */
function decimalText(words: Uint32Array, scale: number): string {
  let unsigned = 0n;
  for (let index = words.length - 1; index >= 0; index -= 1) unsigned = (unsigned << 32n) | BigInt(words[index]!);
  const bits = BigInt(words.length * 32);
  const signed = unsigned >= 1n << (bits - 1n) ? unsigned - (1n << bits) : unsigned;
  const negative = signed < 0n;
  const digits = (negative ? -signed : signed).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function toJson(value: Value): JsonValue {
  return value instanceof Date ? value.toISOString() : (value as JsonValue);
}
