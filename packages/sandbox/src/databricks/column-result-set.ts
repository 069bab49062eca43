import type { DuckDBValue } from '@duckdb/node-api';
import { timestampMicros } from './arrow-result-batch.js';
import type { ColumnValues, ResultColumn } from './result-schema.js';

/**
 * The column-based TRowSet (COLUMN_BASED_SET), served to clients that cannot read Arrow: one
 * typed column per result column with a null bitmap; DECIMAL, DATE and TIMESTAMP as text, as
 * Databricks sends them in this form.
 */
export function encodeColumnBased(columns: ResultColumn[], pieces: Array<{ columns: ColumnValues[]; rowCount: number }>) {
  return columns.map((column, index) => {
    // Column-based pieces carry DuckDB values (never raw arrays), nulls as null.
    const values = pieces.flatMap((piece) => Array.from(piece.columns[index]?.values ?? []) as DuckDBValue[]);
    const nulls = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((value, row) => {
      if (value === null) nulls[row >> 3] = (nulls[row >> 3] as number) | (1 << (row & 7));
    });
    const of = <T>(convert: (value: DuckDBValue) => T, empty: T) => ({ values: values.map((value) => (value === null ? empty : convert(value))), nulls });
    switch (column.layout) {
      case 'boolean':
        return { boolVal: of((value) => value === true, false) };
      case 'int8':
        return { byteVal: of(Number, 0) };
      case 'int16':
        return { i16Val: of(Number, 0) };
      case 'int32':
        return { i32Val: of(Number, 0) };
      case 'int64':
        // node-int64 takes a hex string for values past 2^53.
        return {
          i64Val: of(
            (value) =>
              BigInt.asUintN(64, BigInt(value as bigint))
                .toString(16)
                .padStart(16, '0'),
            '0000000000000000',
          ),
        };
      case 'float32':
      case 'float64':
        return { doubleVal: of(Number, 0) };
      case 'binary':
        return { binaryVal: of((value) => Buffer.from((value as unknown as { bytes: Uint8Array }).bytes), Buffer.alloc(0)) };
      case 'timestamp':
        return { stringVal: of((value) => formatTimestamp(timestampMicros(value)), '') };
      default:
        return { stringVal: of(String, '') };
    }
  });
}

function formatTimestamp(micros: bigint): string {
  const date = new Date(Number(micros / 1000n));
  const fraction = (((micros % 1_000_000n) + 1_000_000n) % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}${fraction ? `.${fraction}` : ''}`;
}
