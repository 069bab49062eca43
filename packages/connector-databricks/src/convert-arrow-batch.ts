import { type Row, rowFactory, type Value } from '@automl/connector-core';
import { type Data, DataType, DateUnit, type Field, type RecordBatch, TimeUnit } from 'apache-arrow';
import { type NumericConversion, type ThriftColumn, ThriftType, thriftPass } from './thrift-value.js';

/** Reads the value at one row index of a column (nulls included). */
type Reader = (at: number) => unknown;

/**
 * Rows of one Arrow record batch of a Databricks result, with the values the driver's own
 * `fetchChunk` gives (its ArrowResultConverter, then its Thrift-type pass), read column by column
 * from the Arrow buffers. Why not the driver's rows: it builds every row through apache-arrow's
 * row proxies, a `toJSON()` object, a field map per cell and a second object per row; a read of
 * 1,000,000 x 20 took it five times as long as reading the buffers does.
 *
 * The values, as the driver gives them: TIMESTAMP and DATE as `Date`; BIGINT and DECIMAL as JS
 * numbers, or with exact numerics as decimal strings (the driver's `bigint` made a string, at any
 * depth, so rows stay JSON-friendly); BINARY as a Buffer; STRUCT and MAP as objects, ARRAY as arrays,
 * their members converted the same way; complex values a warehouse sent as JSON text parsed.
 * One difference, on purpose: the driver's exact DECIMAL loses precision on negative values beyond
 * 2^53 (it negates a string); here they stay exact.
 *
 * `rowCount` caps the rows taken, as the driver does with the count the warehouse announced.
 */
export function convertArrowBatch(batch: RecordBatch, columns: readonly ThriftColumn[], conversion: NumericConversion, rowCount = batch.numRows): Row[] {
  const length = Math.min(batch.numRows, rowCount);
  const readers = columns.map((column, index) => topLevelReader(column, batch.schema.fields[index] as Field, batch.data.children[index] as Data, conversion));
  const build = rowFactory(columns.map((column) => column.name));
  const values: Value[] = new Array(readers.length);
  const rows: Row[] = new Array(length);
  for (let at = 0; at < length; at += 1) {
    for (let column = 0; column < readers.length; column += 1) values[column] = (readers[column] as Reader)(at) as Value;
    rows[at] = build(values);
  }
  return rows;
}

/**
 * Whether every column of this Arrow schema converts here, matching the Thrift columns one to one.
 * Anything else (a native interval, a union, a map or list whose members are named unlike Spark's)
 * is read through the driver's `fetchChunk` instead, so no value is ever read differently.
 */
export function convertsArrowSchema(fields: readonly Field[], columns: readonly ThriftColumn[]): boolean {
  return fields.length === columns.length && fields.every((field, index) => field.name === columns[index]?.name && convertible(field.type));
}

function convertible(type: DataType): boolean {
  if (DataType.isNull(type) || DataType.isBool(type) || DataType.isUtf8(type) || DataType.isBinary(type)) return true;
  if (DataType.isInt(type)) return true;
  if (DataType.isFloat(type)) return type.precision !== 0;
  if (DataType.isDecimal(type)) return type.bitWidth === 128 || type.bitWidth === 256;
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return true;
  if (DataType.isStruct(type)) {
    const names = type.children.map((child) => child.name);
    return new Set(names).size === names.length && type.children.every((child) => convertible(child.type));
  }
  // The driver converts members only under Spark's names: `element` for a list, `entries` / `key` / `value` for a map.
  if (DataType.isList(type)) return type.children[0]?.name === 'element' && convertible(type.children[0].type);
  if (DataType.isMap(type)) {
    const [entries] = type.children;
    const [key, value] = (entries?.type.children ?? []) as Field[];
    return entries?.name === 'entries' && value?.name === 'value' && key !== undefined && mapKeyType(key.type) && convertible(value.type);
  }
  return false;
}

/** Map keys become property names as the driver's do (String of apache-arrow's value): only where that is plain. */
function mapKeyType(type: DataType): boolean {
  return DataType.isUtf8(type) || DataType.isBool(type) || DataType.isInt(type);
}

/** A top-level column: the Arrow value, then what the driver's Thrift-type pass does to text (and to UNION values). */
function topLevelReader(column: ThriftColumn, field: Field, data: Data, conversion: NumericConversion): Reader {
  const read = reader(field.type, data, conversion);
  const pass =
    DataType.isUtf8(field.type) || column.type === ThriftType.UNION || column.type === ThriftType.USER_DEFINED
      ? thriftPass(column.type, conversion)
      : undefined;
  if (!pass) return read;
  return (at) => {
    const value = read(at);
    return value === null ? null : pass(value);
  };
}

const DAY_MS = 86_400_000;
const TWO_32 = 4_294_967_296;
const utf8 = new TextDecoder();

/** A reader of one column's values (nulls included), at any depth. */
function reader(type: DataType, data: Data, conversion: NumericConversion): Reader {
  const read = valueReader(type, data, conversion);
  const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
  if (!bitmap || DataType.isNull(type)) return read;
  const offset = data.offset;
  return (at) => (((bitmap[(offset + at) >> 3] as number) >> ((offset + at) & 7)) & 1 ? read(at) : null);
}

/**
 * The value at an index, assuming it is not null. apache-arrow slices value arrays and offsets to
 * the column; validity and boolean bits keep the column's `offset`.
 */
function valueReader(type: DataType, data: Data, conversion: NumericConversion): Reader {
  const values = data.values as ArrayLike<number> & ArrayBufferView;
  if (DataType.isNull(type)) return () => null;
  if (DataType.isBool(type)) {
    const offset = data.offset;
    return (at) => (((values[(offset + at) >> 3] as number) >> ((offset + at) & 7)) & 1) === 1;
  }
  if (DataType.isInt(type) && type.bitWidth === 64) return int64Reader(data, type.isSigned, conversion);
  if (DataType.isInt(type) || DataType.isFloat(type)) return (at) => values[at];
  if (DataType.isDecimal(type)) return decimalReader(data, type.bitWidth, type.scale, conversion);
  if (DataType.isDate(type)) {
    if (type.unit === DateUnit.DAY) return (at) => new Date(DAY_MS * (values[at] as number));
    const words = wordsOf(values);
    return (at) => new Date(TWO_32 * (words[2 * at + 1] as number) + ((words[2 * at] as number) >>> 0));
  }
  if (DataType.isTimestamp(type)) return timestampReader(values, type.unit);
  if (DataType.isUtf8(type)) return utf8Reader(data);
  if (DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = values as unknown as Uint8Array;
    // A copy, as the driver's Buffer.from does: a row must not pin the whole batch.
    return (at) => Buffer.from(bytes.subarray(offsets[at], offsets[at + 1]));
  }
  if (DataType.isStruct(type)) {
    const build = rowFactory(type.children.map((child) => child.name));
    const members = type.children.map((child, index) => reader(child.type, data.children[index] as Data, conversion));
    return (at) => build(members.map((member) => member(at) as Value));
  }
  if (DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const element = reader((type.children[0] as Field).type, data.children[0] as Data, conversion);
    return (at) => {
      const items: unknown[] = [];
      for (let index = offsets[at] as number; index < (offsets[at + 1] as number); index += 1) items.push(element(index));
      return items;
    };
  }
  if (DataType.isMap(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const entries = data.children[0] as Data;
    const [keyField, valueField] = (type.children[0] as Field).type.children as Field[];
    // Keys as the driver's are: apache-arrow's plain value (a bigint for INT64), made a property name.
    const key = reader((keyField as Field).type, entries.children[0] as Data, { exact: true });
    const value = reader((valueField as Field).type, entries.children[1] as Data, conversion);
    return (at) => {
      const object: Record<string, unknown> = {};
      for (let index = offsets[at] as number; index < (offsets[at + 1] as number); index += 1) {
        Object.defineProperty(object, String(key(index)), { value: value(index), enumerable: true, writable: true, configurable: true });
      }
      return object;
    };
  }
  throw new TypeError(`no reader for Arrow type ${String(type)}`);
}

function wordsOf(values: ArrayBufferView): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
}

/** 64-bit words over a value array; copied when the IPC body left it only 4-byte aligned (a Decimal's Uint32Array may be). */
function halvesOf(values: ArrayBufferView): BigUint64Array {
  if (values.byteOffset % 8 === 0) return new BigUint64Array(values.buffer, values.byteOffset, values.byteLength >> 3);
  return new BigUint64Array(new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice().buffer);
}

/** INT64: a JS number (rounded beyond 2^53, as the driver does) or its exact decimal text. */
function int64Reader(data: Data, signed: boolean, conversion: NumericConversion): Reader {
  const values = data.values as ArrayBufferView;
  const halves = halvesOf(values);
  const big = signed ? new BigInt64Array(halves.buffer, halves.byteOffset, halves.length) : halves;
  if (conversion.exact) return (at) => (big[at] as bigint).toString();
  const words = wordsOf(values);
  return (at) => {
    // Most values fit a double exactly: read them from the two 32-bit halves, without a BigInt.
    const high = words[2 * at + 1] as number;
    if (signed && high >= -0x200000 && high < 0x200000) return high * TWO_32 + ((words[2 * at] as number) >>> 0);
    return Number(big[at]);
  };
}

/** DECIMAL: the unscaled two's-complement integer over its scale, as a JS number or exact text. */
function decimalReader(data: Data, bitWidth: number, scale: number, conversion: NumericConversion): Reader {
  const values = data.values as ArrayBufferView;
  const stride = bitWidth / 64;
  const halves = halvesOf(values);
  const unscaled = (at: number) => {
    let value = 0n;
    for (let word = stride - 1; word >= 0; word -= 1) value = (value << 64n) | (halves[at * stride + word] as bigint);
    return BigInt.asIntN(bitWidth, value);
  };
  if (conversion.exact) return (at) => decimalText(unscaled(at), scale);
  const divisor = 10 ** scale;
  return (at) => Number(unscaled(at)) / divisor;
}

/** An unscaled decimal as text: `1234567890` at scale 5 is `12345.67890` (trailing zeros kept, as the driver writes it). */
function decimalText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return unscaled.toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${negative ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/** TIMESTAMP as a Date, with the driver's arithmetic (so a sub-millisecond part truncates exactly as there). */
function timestampReader(values: ArrayBufferView, unit: TimeUnit): Reader {
  const words = wordsOf(values);
  const high = (at: number) => words[2 * at + 1] as number;
  const low = (at: number) => (words[2 * at] as number) >>> 0;
  switch (unit) {
    case TimeUnit.SECOND:
      return (at) => new Date(1000 * (TWO_32 * high(at) + low(at)));
    case TimeUnit.MILLISECOND:
      return (at) => new Date(TWO_32 * high(at) + low(at));
    case TimeUnit.MICROSECOND:
      return (at) => new Date(TWO_32 * (high(at) / 1000) + low(at) / 1000);
    default:
      return (at) => new Date(TWO_32 * (high(at) / 1_000_000) + low(at) / 1_000_000);
  }
}

/** UTF-8 text; when the whole column is ASCII (the common case), one decode and a substring per cell. */
function utf8Reader(data: Data): Reader {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const first = offsets[0] as number;
  const last = offsets[data.length] as number;
  const whole = utf8.decode(bytes.subarray(first, last));
  if (whole.length === last - first) return (at) => whole.slice((offsets[at] as number) - first, (offsets[at + 1] as number) - first);
  return (at) => utf8.decode(bytes.subarray(offsets[at], offsets[at + 1]));
}
