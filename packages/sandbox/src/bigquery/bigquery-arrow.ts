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
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeMicrosecond,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { legacyType, type TableFieldSchema } from './bigquery-schema.js';
import { formatDecimal } from './bigquery-values.js';

/**
 * The Arrow type the Storage Read API uses for a BigQuery field
 * (https://cloud.google.com/bigquery/docs/reference/storage#arrow_schema_details): INT64 int64,
 * NUMERIC decimal128(38, 9), BIGNUMERIC decimal256(76, 38), DATE date32, DATETIME timestamp[us],
 * TIMESTAMP timestamp[us, UTC], TIME time64[us], GEOGRAPHY and JSON utf8, STRUCT struct, ARRAY list.
 */
export function arrowTypeOf(field: TableFieldSchema): DataType {
  const scalar = arrowScalarType(field);
  return field.mode === 'REPEATED' ? new List(new Field('item', scalar, true)) : scalar;
}

function arrowScalarType(field: TableFieldSchema): DataType {
  switch (legacyType(field.type)) {
    case 'INTEGER':
      return new Int64();
    case 'FLOAT':
      return new Float64();
    case 'BOOLEAN':
      return new Bool();
    case 'NUMERIC':
      return new Decimal(9, 38, 128);
    case 'BIGNUMERIC':
      return new Decimal(38, 76, 256);
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

export function arrowSchemaOf(fields: TableFieldSchema[]): Schema {
  return new Schema(fields.map((field) => new Field(field.name, arrowTypeOf(field), field.mode !== 'REQUIRED')));
}

/** The IPC stream bytes minus the end-of-stream marker: `ArrowSchema.serialized_schema`. */
export function serializedSchema(schema: Schema): Uint8Array {
  const bytes = tableToIPC(new Table(schema), 'stream');
  return bytes.subarray(0, bytes.length - 8);
}

/** One record batch's IPC message, without the schema before it and the end marker after (`ArrowRecordBatch.serialized_record_batch`). */
export function serializedRecordBatch(schema: Schema, fields: TableFieldSchema[], rows: DuckDBValue[][]): Uint8Array {
  const children = fields.map(
    (field, column) =>
      columnVector(
        field,
        rows.map((row) => row[column] ?? null),
      ).data[0]!,
  );
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, children, nullCount: 0 }));
  const bytes = tableToIPC(new Table([batch]), 'stream');
  const prefix = serializedSchema(schema).length;
  return bytes.subarray(prefix, bytes.length - 8);
}

/** A column of DuckDB values as an Arrow vector of the field's Storage API type. */
function columnVector(field: TableFieldSchema, values: DuckDBValue[]): Vector {
  const type = arrowTypeOf(field);
  const scalarType = field.mode === 'REPEATED' ? undefined : legacyType(field.type);
  // Flat columns are laid out directly (validity bitmap, values, UTF-8 offsets): going through
  // vectorFromArray's builders value by value was most of a ReadRows response's cost.
  const validity = () => {
    const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
    let nullCount = 0;
    for (let index = 0; index < values.length; index += 1) {
      if (values[index] === null || values[index] === undefined) nullCount += 1;
      else nullBitmap[index >> 3]! |= 1 << (index % 8);
    }
    return { nullBitmap, nullCount };
  };
  const primitive = (data: BigInt64Array | Int32Array | Float64Array) =>
    vectorOf(makeData({ type: type as never, length: values.length, ...validity(), data } as never));
  switch (scalarType) {
    case 'INTEGER':
      return primitive(BigInt64Array.from(values, (value) => (typeof value === 'bigint' ? value : 0n)));
    case 'FLOAT':
      return primitive(Float64Array.from(values, (value) => (typeof value === 'number' ? value : 0)));
    case 'DATE':
      return primitive(Int32Array.from(values, (value) => (value instanceof DuckDBDateValue ? value.days : 0)));
    case 'DATETIME':
    case 'TIMESTAMP':
      return primitive(
        BigInt64Array.from(values, (value) => (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue ? value.micros : 0n)),
      );
    case 'TIME':
      return primitive(BigInt64Array.from(values, (value) => (value instanceof DuckDBTimeValue ? value.micros : 0n)));
    case 'STRING':
    case 'GEOGRAPHY':
    case 'JSON': {
      const valueOffsets = new Int32Array(values.length + 1);
      const texts: string[] = new Array(values.length);
      let offset = 0;
      for (let index = 0; index < values.length; index += 1) {
        const value = values[index];
        const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
        texts[index] = text;
        offset += Buffer.byteLength(text);
        valueOffsets[index + 1] = offset;
      }
      const data = new Uint8Array(Buffer.from(texts.join(''), 'utf8'));
      return vectorOf(makeData({ type: type as never, length: values.length, ...validity(), valueOffsets, data } as never));
    }
    default:
      return vectorFromArray(values.map((value) => toArrowValue(field, value)) as never, type as never);
  }
}

function vectorOf(data: ReturnType<typeof makeData>): Vector {
  return makeVector(data);
}

/** A DuckDB value as vectorFromArray takes it for the field's Arrow type. */
function toArrowValue(field: TableFieldSchema, value: DuckDBValue): unknown {
  if (value === null || value === undefined) return field.mode === 'REPEATED' ? [] : null;
  if (field.mode === 'REPEATED') {
    const item = { ...field, mode: 'NULLABLE' as const };
    return (value instanceof DuckDBListValue ? value.items : []).map((entry) => toArrowValue(item, entry));
  }
  switch (legacyType(field.type)) {
    case 'RECORD': {
      const entries = value instanceof DuckDBStructValue ? value.entries : {};
      return Object.fromEntries((field.fields ?? []).map((child) => [child.name, toArrowValue(child, entries[child.name] ?? null)]));
    }
    case 'INTEGER':
      return typeof value === 'bigint' ? value : BigInt(String(value));
    case 'NUMERIC':
      return decimalWords(value instanceof DuckDBDecimalValue ? value.value : 0n, 4);
    case 'BIGNUMERIC':
      return decimalWords(scaled(String(value), 38), 8);
    case 'BYTES':
      return value instanceof DuckDBBlobValue ? value.bytes : new Uint8Array();
    case 'DATE':
      return value instanceof DuckDBDateValue ? new Date(value.days * 86_400_000) : null;
    case 'DATETIME':
    case 'TIMESTAMP':
      return value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue ? Number(value.micros / 1000n) : null;
    case 'TIME':
      return value instanceof DuckDBTimeValue ? value.micros : null;
    case 'FLOAT':
      return Number(value);
    case 'BOOLEAN':
      return Boolean(value);
    default:
      return value instanceof DuckDBDecimalValue ? formatDecimal(value) : String(value);
  }
}

/** A decimal text as its integer scaled by 10^scale. */
function scaled(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  const digits = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}` || '0');
  return negative ? -digits : digits;
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
