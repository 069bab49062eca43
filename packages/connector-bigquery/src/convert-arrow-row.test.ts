import { Bool, DateDay, Float64, Int64, RecordBatchReader, Table, TimestampMicrosecond, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { convertArrowBatch } from './convert-arrow-row.js';
import type { BigQueryField } from './convert-bigquery-row.js';

const fields: BigQueryField[] = [
  { name: 'i', type: 'INT64' },
  { name: 'f', type: 'FLOAT64' },
  { name: 's', type: 'STRING' },
  { name: 'b', type: 'BOOL' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'd', type: 'DATE' },
];

/** One batch through Arrow IPC, as the Storage Read API sends it. */
function batchOf(columns: {
  i: Array<bigint | null>;
  f: Array<number | null>;
  s: Array<string | null>;
  b: Array<boolean | null>;
  ts: Array<number | null>;
  d: Array<Date | null>;
}) {
  const table = new Table({
    i: vectorFromArray(columns.i, new Int64()),
    f: vectorFromArray(columns.f, new Float64()),
    s: vectorFromArray(columns.s, new Utf8()),
    b: vectorFromArray(columns.b, new Bool()),
    ts: vectorFromArray(columns.ts, new TimestampMicrosecond('UTC')),
    d: vectorFromArray(columns.d, new DateDay()),
  });
  return [...RecordBatchReader.from(tableToIPC(table, 'stream'))][0]!;
}

describe('convertArrowBatch (flat columns read from the Arrow buffers)', () => {
  it('converts the edges of each flat type and nulls like the per-cell getters would', () => {
    const batch = batchOf({
      i: [-1n, 9007199254740991n, -9007199254740991n, -9007199254740992n, 9007199254740993n, -(2n ** 63n), null],
      f: [-0.5, 1e300, Number.NaN, 0, 1, 2, null],
      s: ['ascii', 'héllo', '', 'x', 'naïve', 'z', null],
      b: [true, false, true, true, false, true, null],
      // epoch milliseconds in, microseconds on the wire: before 1970, at it, far ahead.
      ts: [-1, 0, 1_704_067_200_123, -62_135_596_800_000, 253_402_300_799_999, 1, null],
      d: [new Date('1969-12-31T00:00:00Z'), new Date('1970-01-01T00:00:00Z'), new Date('2024-02-29T00:00:00Z'), null, null, null, null],
    });
    const rows = convertArrowBatch(fields, batch);
    expect(rows.map((row) => row.i)).toEqual([-1, 9007199254740991, -9007199254740991, '-9007199254740992', '9007199254740993', '-9223372036854775808', null]);
    expect(rows.map((row) => row.f)).toEqual([-0.5, 1e300, Number.NaN, 0, 1, 2, null]);
    expect(rows.map((row) => row.s)).toEqual(['ascii', 'héllo', '', 'x', 'naïve', 'z', null]);
    expect(rows.map((row) => row.b)).toEqual([true, false, true, true, false, true, null]);
    expect(rows.map((row) => (row.ts instanceof Date ? row.ts.getTime() : row.ts))).toEqual([
      -1,
      0,
      1_704_067_200_123,
      -62_135_596_800_000,
      253_402_300_799_999,
      1,
      null,
    ]);
    expect(rows.map((row) => (row.d instanceof Date ? row.d.toISOString() : row.d))).toEqual([
      '1969-12-31T00:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      null,
      null,
      null,
      null,
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['i', 'f', 's', 'b', 'ts', 'd']);
  });

  it('reads a sliced batch (an offset into shared buffers) from its own first row', () => {
    const batch = batchOf({
      i: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n],
      f: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      s: ['a', 'b', 'c', null, 'e', 'f', 'g', 'h', 'i', 'j'],
      b: [true, false, false, true, null, true, false, true, true, false],
      ts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      d: Array.from({ length: 10 }, (_, day) => new Date(day * 86_400_000)),
    });
    const rows = convertArrowBatch(fields, batch.slice(3, 7));
    expect(rows).toEqual([
      { i: 4, f: 4, s: null, b: true, ts: new Date(4), d: new Date(3 * 86_400_000) },
      { i: 5, f: 5, s: 'e', b: null, ts: new Date(5), d: new Date(4 * 86_400_000) },
      { i: 6, f: 6, s: 'f', b: true, ts: new Date(6), d: new Date(5 * 86_400_000) },
      { i: 7, f: 7, s: 'g', b: false, ts: new Date(7), d: new Date(6 * 86_400_000) },
    ]);
  });
});
