import { type Row, rowFactory, type Value } from '@automl/connector-core';
import { type NumericConversion, type ThriftColumn, thriftPass } from './thrift-value.js';

/** One column of a column-based result (`TColumn`): the one typed member the warehouse set. */
export interface RowSetColumn {
  binaryVal?: ColumnValues<Buffer>;
  boolVal?: ColumnValues<boolean>;
  byteVal?: ColumnValues<number>;
  doubleVal?: ColumnValues<number>;
  i16Val?: ColumnValues<number>;
  i32Val?: ColumnValues<number>;
  /** node-int64 values: eight big-endian bytes at `offset` of `buffer`. */
  i64Val?: ColumnValues<{ buffer: Buffer; offset?: number }>;
  stringVal?: ColumnValues<string>;
}

interface ColumnValues<T> {
  values: T[];
  /** Bit i set: row i is null. */
  nulls?: Buffer;
}

/** What the driver's row-set source gives per fetch of a column-based result. */
export interface ColumnRowSet {
  columns?: RowSetColumn[];
}

/**
 * Rows of a column-based result, the form older runtimes serve, with the values of the driver's
 * `fetchChunk` (its JsonResultHandler), but numbers the driver mangles kept whole: it reads BIGINT
 * through node-int64's `toNumber()`, which gives Infinity beyond 2^53, and ignores exact numerics
 * here. So BIGINT is a JS number (rounded beyond 2^53) or, with exact numerics, decimal text, as
 * on Arrow results; DECIMAL arrives as text and stays it with exact numerics. TIMESTAMP and DATE
 * are text in this form (the warehouse's own rendering), as the driver gives them.
 */
export function convertColumnRowSet(rowSet: ColumnRowSet, columns: readonly ThriftColumn[], conversion: NumericConversion): Row[] {
  const given = rowSet.columns ?? [];
  const readers = columns.map((column, index) => columnReader(column, given[index], conversion));
  const length = readers.reduce((most, reader) => Math.max(most, reader.length), 0);
  const build = rowFactory(columns.map((column) => column.name));
  const values: Value[] = new Array(readers.length);
  const rows: Row[] = new Array(length);
  for (let at = 0; at < length; at += 1) {
    for (let column = 0; column < readers.length; column += 1) values[column] = (readers[column] as ColumnReader).read(at) as Value;
    rows[at] = build(values);
  }
  return rows;
}

interface ColumnReader {
  length: number;
  read(at: number): unknown;
}

function columnReader(column: ThriftColumn, given: RowSetColumn | undefined, conversion: NumericConversion): ColumnReader {
  const set = given?.binaryVal ?? given?.boolVal ?? given?.byteVal ?? given?.doubleVal ?? given?.i16Val ?? given?.i32Val ?? given?.i64Val ?? given?.stringVal;
  if (!set) return { length: 0, read: () => undefined };
  const { values, nulls } = set as ColumnValues<unknown>;
  const convert = valueConverter(column.type, set === given?.i64Val, conversion);
  return {
    length: values.length,
    read: (at) => (nulls && ((nulls[at >> 3] ?? 0) >> (at & 7)) & 1 ? null : convert(values[at])),
  };
}

/** The driver's Thrift-type pass, with BIGINT read exactly from its eight bytes. */
function valueConverter(type: number | undefined, int64: boolean, conversion: NumericConversion): (value: unknown) => unknown {
  if (int64) {
    const exact = (value: unknown) => {
      const { buffer, offset = 0 } = value as { buffer: Buffer; offset?: number };
      return buffer.readBigInt64BE(offset);
    };
    return conversion.exact ? (value) => exact(value).toString() : (value) => Number(exact(value));
  }
  return thriftPass(type, conversion) ?? ((value) => value);
}
