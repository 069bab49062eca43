import {
  Binary,
  Bool,
  type Data,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import type { ColumnValues, ResultColumn } from './result-schema.js';

/**
 * Arrow as Databricks serves it to the driver: `arrowSchema` is one IPC schema message (no
 * end-of-stream marker), each batch one record-batch message, and the driver reads
 * `schema + batches` as a stream. Types follow `useArrowNativeTypes`: Timestamp(µs, UTC), Date32,
 * Decimal128, with the Spark type name in the field metadata.
 */
export class ArrowResultEncoder {
  readonly #schema: Schema;
  readonly schemaMessage: Buffer;

  constructor(readonly columns: ResultColumn[]) {
    this.#schema = new Schema(columns.map((column) => new Field(column.name, arrowType(column), true, new Map([['Spark:DataType:SqlName', column.sqlName]]))));
    this.schemaMessage = withoutEndOfStream(Buffer.from(tableToIPC(new Table(this.#schema), 'stream')));
  }

  /** One record-batch message for these rows. */
  encode(columns: ColumnValues[], rowCount: number): Buffer {
    const children = this.columns.map((column, index) => columnData(column, columns[index] ?? { values: [] }, rowCount));
    const struct = makeData({ type: new Struct(this.#schema.fields), length: rowCount, nullCount: 0, children });
    const batch = new RecordBatch(this.#schema, struct);
    const stream = withoutEndOfStream(Buffer.from(tableToIPC(new Table([batch]), 'stream')));
    return stream.subarray(this.schemaMessage.length);
  }
}

function withoutEndOfStream(stream: Buffer): Buffer {
  // The IPC stream ends with 0xFFFFFFFF 0x00000000.
  return stream.subarray(0, stream.length - 8);
}

function arrowType(column: ResultColumn) {
  switch (column.layout) {
    case 'boolean':
      return new Bool();
    case 'int8':
      return new Int8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'float32':
      return new Float32();
    case 'float64':
      return new Float64();
    case 'decimal':
      return new Decimal(column.scale ?? 0, column.precision ?? 38, 128);
    case 'binary':
      return new Binary();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMicrosecond('Etc/UTC');
    case 'string':
      return new Utf8();
  }
}

function columnData(column: ResultColumn, input: ColumnValues, length: number): Data {
  const type = arrowType(column);
  const { values, valid: mask } = input;
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  if (mask) {
    for (let index = 0; index < length; index += 1) {
      if (mask[index]) validity[index >> 3] = (validity[index >> 3] as number) | (1 << (index & 7));
      else nullCount += 1;
    }
  } else validity.fill(0xff);
  const isNull = (index: number) => mask !== undefined && mask[index] === 0;
  const fixed = (data: ArrayLike<unknown> & object) => makeData({ type: type as never, length, nullCount, nullBitmap: validity, data: data as never });

  switch (column.layout) {
    case 'boolean': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      for (let index = 0; index < length; index += 1) {
        if (!isNull(index) && values[index] === true) bits[index >> 3] = (bits[index >> 3] as number) | (1 << (index & 7));
      }
      return fixed(bits);
    }
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64': {
      const Ctor = { int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[column.layout];
      if (values instanceof Ctor) return fixed(values.slice(0, length));
      const data = new Ctor(length);
      for (let index = 0; index < length; index += 1) if (!isNull(index)) data[index] = Number(values[index]);
      return fixed(data);
    }
    case 'int64':
    case 'timestamp': {
      if (values instanceof BigInt64Array) return fixed(values.slice(0, length));
      const data = new BigInt64Array(length);
      for (let index = 0; index < length; index += 1) {
        if (!isNull(index)) data[index] = column.layout === 'int64' ? BigInt(values[index] as bigint | number) : timestampMicros(values[index]);
      }
      return fixed(data);
    }
    case 'date': {
      if (values instanceof Int32Array) return fixed(values.slice(0, length));
      const data = new Int32Array(length);
      for (let index = 0; index < length; index += 1) if (!isNull(index)) data[index] = (values[index] as { days: number }).days;
      return fixed(data);
    }
    case 'decimal': {
      // Decimal128: two little-endian 64-bit halves per value, low half first.
      const data = new BigInt64Array(length * 2);
      for (let index = 0; index < length; index += 1) {
        if (isNull(index)) continue;
        const unscaled = (values[index] as { value: bigint }).value;
        data[index * 2] = BigInt.asIntN(64, unscaled);
        data[index * 2 + 1] = unscaled >> 64n;
      }
      return makeData({ type: type as Decimal, length, nullCount, nullBitmap: validity, data: new Uint32Array(data.buffer) });
    }
    case 'binary': {
      const offsets = new Int32Array(length + 1);
      const parts: Uint8Array[] = [];
      let total = 0;
      for (let index = 0; index < length; index += 1) {
        if (!isNull(index)) {
          const bytes = (values[index] as { bytes: Uint8Array }).bytes;
          parts.push(bytes);
          total += bytes.length;
        }
        offsets[index + 1] = total;
      }
      return makeData({ type: type as Binary, length, nullCount, nullBitmap: validity, valueOffsets: offsets, data: Buffer.concat(parts) });
    }
    case 'string': {
      // One UTF-8 encoding of the whole column (arrow's builder encodes value by value).
      const offsets = new Int32Array(length + 1);
      const texts: string[] = [];
      let total = 0;
      for (let index = 0; index < length; index += 1) {
        if (!isNull(index)) {
          const text = String(values[index]);
          texts.push(text);
          total += Buffer.byteLength(text);
        }
        offsets[index + 1] = total;
      }
      return makeData({ type: type as Utf8, length, nullCount, nullBitmap: validity, valueOffsets: offsets, data: Buffer.from(texts.join('')) });
    }
  }
}

/** Microseconds since the epoch from any DuckDB timestamp value. */
export function timestampMicros(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  const stamp = value as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint };
  if (stamp.micros !== undefined) return stamp.micros;
  if (stamp.millis !== undefined) return stamp.millis * 1000n;
  if (stamp.seconds !== undefined) return stamp.seconds * 1_000_000n;
  if (stamp.nanos !== undefined) return stamp.nanos / 1000n;
  return 0n;
}
