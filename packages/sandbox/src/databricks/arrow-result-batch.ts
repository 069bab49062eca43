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
  vectorFromArray,
} from 'apache-arrow';
import type { DuckDBValue } from '@duckdb/node-api';
import type { ResultColumn } from './result-schema.js';

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
    this.#schema = new Schema(
      columns.map((column) => new Field(column.name, arrowType(column), true, new Map([['Spark:DataType:SqlName', column.sqlName]]))),
    );
    this.schemaMessage = withoutEndOfStream(Buffer.from(tableToIPC(new Table(this.#schema), 'stream')));
  }

  /** One record-batch message for these rows (columns of DuckDB values, as a DuckDB chunk gives them). */
  encode(columnValues: DuckDBValue[][], rowCount: number): Buffer {
    const children = this.columns.map((column, index) => columnData(column, columnValues[index] ?? [], rowCount));
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

function columnData(column: ResultColumn, values: DuckDBValue[], length: number): Data {
  const type = arrowType(column);
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  const valid = (index: number, value: unknown) => {
    if (value === null || value === undefined) {
      nullCount += 1;
      return false;
    }
    validity[index >> 3] = (validity[index >> 3] as number) | (1 << (index & 7));
    return true;
  };
  const fixed = (data: ArrayLike<unknown> & object) => makeData({ type: type as never, length, nullCount, nullBitmap: validity, data: data as never });

  switch (column.layout) {
    case 'boolean': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      for (let index = 0; index < length; index += 1) {
        const value = values[index];
        if (valid(index, value) && value === true) bits[index >> 3] = (bits[index >> 3] as number) | (1 << (index & 7));
      }
      return fixed(bits);
    }
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64': {
      const Ctor = { int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[column.layout];
      const data = new Ctor(length);
      for (let index = 0; index < length; index += 1) {
        const value = values[index];
        if (valid(index, value)) data[index] = Number(value);
      }
      return fixed(data);
    }
    case 'int64':
    case 'timestamp': {
      const data = new BigInt64Array(length);
      for (let index = 0; index < length; index += 1) {
        const value = values[index];
        if (valid(index, value)) data[index] = column.layout === 'int64' ? BigInt(value as bigint | number) : timestampMicros(value);
      }
      return fixed(data);
    }
    case 'date': {
      const data = new Int32Array(length);
      for (let index = 0; index < length; index += 1) {
        const value = values[index] as { days: number } | null;
        if (valid(index, value)) data[index] = (value as { days: number }).days;
      }
      return fixed(data);
    }
    case 'decimal': {
      // Decimal128: two little-endian 64-bit halves per value, low half first.
      const data = new BigInt64Array(length * 2);
      for (let index = 0; index < length; index += 1) {
        const value = values[index] as { value: bigint } | null;
        if (!valid(index, value)) continue;
        const unscaled = (value as { value: bigint }).value;
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
        const value = values[index] as { bytes: Uint8Array } | null;
        if (valid(index, value)) {
          const bytes = (value as { bytes: Uint8Array }).bytes;
          parts.push(bytes);
          total += bytes.length;
        }
        offsets[index + 1] = total;
      }
      return makeData({ type: type as Binary, length, nullCount, nullBitmap: validity, valueOffsets: offsets, data: Buffer.concat(parts) });
    }
    case 'string':
      return vectorFromArray(
        values.slice(0, length).map((value) => (value === null || value === undefined ? null : String(value))),
        new Utf8(),
      ).data[0] as Data;
  }
}

/** Microseconds since the epoch from any DuckDB timestamp value. */
export function timestampMicros(value: unknown): bigint {
  const stamp = value as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint };
  if (stamp.micros !== undefined) return stamp.micros;
  if (stamp.millis !== undefined) return stamp.millis * 1000n;
  if (stamp.seconds !== undefined) return stamp.seconds * 1_000_000n;
  if (stamp.nanos !== undefined) return stamp.nanos / 1000n;
  return 0n;
}
