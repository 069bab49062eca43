import { createRequire } from 'node:module';
import {
  Binary,
  Bool,
  type Data,
  DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  Interval,
  IntervalUnit,
  List,
  Map_,
  makeData,
  makeVector,
  Null,
  RecordBatchReader,
  Struct,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { convertArrowBatch, convertsArrowSchema } from './convert-arrow-batch.js';
import { type ThriftColumn, ThriftType } from './thrift-value.js';
import { convertDatabricksRow } from './convert-databricks-record.js';

// The reference: the driver's own converter (what `fetchChunk` runs), fed the same IPC bytes.
const require = createRequire(import.meta.url);
const DriverConverter = require('@databricks/sql/dist/result/ArrowResultConverter').default as new (
  context: unknown,
  source: unknown,
  metadata: unknown,
  options: unknown,
) => { fetchNext(options: { limit: number }): Promise<Array<Record<string, unknown>>> };

/** Thrift TTypeIds used below (TCLIService). */
const T = { BOOLEAN: 0, TINYINT: 1, SMALLINT: 2, INT: 3, FLOAT: 5, DOUBLE: 6, STRING: 7, TIMESTAMP: 8, BINARY: 9, NULL: 16, DATE: 17, ...ThriftType };

interface TestColumn {
  name: string;
  thrift: number;
  data: Data;
}

/** A column from explicit buffers: values as they lie in Arrow, `valid` false for a null. */
function fixed(type: DataType, values: ArrayLike<unknown> & object, valid?: boolean[]): Data {
  const length = valid?.length ?? (DataType.isDecimal(type) ? values.length / 4 : values.length);
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let index = 0; index < length; index += 1) {
    if (valid && !valid[index]) nullCount += 1;
    else nullBitmap[index >> 3] = (nullBitmap[index >> 3] as number) | (1 << (index & 7));
  }
  return makeData({ type: type as never, length, nullCount, nullBitmap, data: values as never });
}

/** Decimal128 words (little-endian 32-bit, two's complement) of unscaled values. */
function decimalWords(unscaled: bigint[]): Uint32Array {
  const halves = new BigInt64Array(unscaled.length * 2);
  unscaled.forEach((value, index) => {
    halves[index * 2] = BigInt.asIntN(64, value);
    halves[index * 2 + 1] = value >> 64n;
  });
  return new Uint32Array(halves.buffer);
}

/** One IPC stream, as the warehouse's Arrow batches reach the driver, and the schema the warehouse states beside it. */
function resultOf(columns: TestColumn[]) {
  const table = new Table(Object.fromEntries(columns.map((column) => [column.name, makeVector(column.data)])));
  const ipc = Buffer.from(tableToIPC(table, 'stream'));
  const thrift: ThriftColumn[] = columns.map((column) => ({ name: column.name, type: column.thrift }));
  const schema = {
    columns: columns.map((column, position) => ({ columnName: column.name, position, typeDesc: { types: [{ primitiveEntry: { type: column.thrift } }] } })),
  };
  return { ipc, thrift, schema, rowCount: table.numRows };
}

async function driverRows(result: ReturnType<typeof resultOf>, exact: boolean): Promise<Array<Record<string, unknown>>> {
  let sent = false;
  const source = {
    hasMore: async () => !sent,
    fetchNext: async () => {
      sent = true;
      return { batches: [result.ipc], rowCount: result.rowCount };
    },
  };
  const converter = new DriverConverter({}, source, { schema: result.schema }, { preserveBigNumericPrecision: exact });
  return converter.fetchNext({ limit: result.rowCount });
}

function ourRows(result: ReturnType<typeof resultOf>, exact: boolean, rowCount?: number) {
  const [batch] = [...RecordBatchReader.from(result.ipc)];
  if (!batch) throw new Error('no batch');
  expect(convertsArrowSchema(batch.schema.fields, result.thrift)).toBe(true);
  return convertArrowBatch(batch, result.thrift, { exact }, rowCount);
}

const µs = (iso: string, extra = 0n) => BigInt(Date.parse(iso)) * 1000n + extra;

function flatColumns(): TestColumn[] {
  const valid = [true, true, true, true, false, true];
  return [
    { name: 'i8', thrift: T.TINYINT, data: fixed(new Int8(), Int8Array.from([-128, 127, 0, 1, 0, -1]), valid) },
    { name: 'i16', thrift: T.SMALLINT, data: fixed(new Int16(), Int16Array.from([-32768, 32767, 0, 1, 0, -1]), valid) },
    { name: 'i32', thrift: T.INT, data: fixed(new Int32(), Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 1, 0, -1]), valid) },
    {
      name: 'i64',
      thrift: T.BIGINT,
      data: fixed(new Int64(), BigInt64Array.from([9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n, 9007199254740991n, 0n, -9007199254740993n]), valid),
    },
    { name: 'f32', thrift: T.FLOAT, data: fixed(new Float32(), Float32Array.from([0.1, -1.5, 3.4e38, 0, 0, Number.NaN]), valid) },
    { name: 'f64', thrift: T.DOUBLE, data: fixed(new Float64(), Float64Array.from([0.1, -1e300, Number.NaN, -0, 0, 1 / 3]), valid) },
    { name: 'flag', thrift: T.BOOLEAN, data: vectorFromArray([true, false, true, null, null, false], new Bool()).data[0] as Data },
    { name: 'ascii', thrift: T.STRING, data: vectorFromArray(['a', '', 'row 3', null, null, 'z'], new Utf8()).data[0] as Data },
    { name: 'text', thrift: T.STRING, data: vectorFromArray(['héllo', '', '日本', null, 'naïve', '😀'], new Utf8()).data[0] as Data },
    {
      name: 'bytes',
      thrift: T.BINARY,
      data: vectorFromArray([Uint8Array.from([1, 2]), new Uint8Array(), Uint8Array.from([255]), null, null, Uint8Array.from([0])], new Binary())
        .data[0] as Data,
    },
    { name: 'day', thrift: T.DATE, data: fixed(new DateDay(), Int32Array.from([19_723, -1, 0, 2_932_896, 0, -719_162]), valid) },
    {
      name: 'day_ms',
      thrift: T.DATE,
      data: fixed(new DateMillisecond(), BigInt64Array.from([1_704_067_200_000n, -86_400_000n, 0n, 1n, 0n, -1n]), valid),
    },
    {
      name: 'ts_s',
      thrift: T.TIMESTAMP,
      data: fixed(new TimestampSecond('UTC'), BigInt64Array.from([1_704_067_200n, -1n, 0n, 253_402_300_799n, 0n, -62_135_596_800n]), valid),
    },
    {
      name: 'ts_ms',
      thrift: T.TIMESTAMP,
      data: fixed(new TimestampMillisecond('UTC'), BigInt64Array.from([1_704_067_200_123n, -1n, 0n, 1n, 0n, -62_135_596_800_000n]), valid),
    },
    {
      name: 'ts_us',
      thrift: T.TIMESTAMP,
      // Sub-millisecond parts on both sides of the epoch: the driver's arithmetic truncates them towards zero.
      data: fixed(
        new TimestampMicrosecond('Etc/UTC'),
        BigInt64Array.from([µs('2024-01-01T00:00:00.123Z', 456n), -1_500n, 0n, 999n, 0n, µs('1900-03-04T05:06:07.008Z', 9n)]),
        valid,
      ),
    },
    {
      name: 'ts_ns',
      thrift: T.TIMESTAMP,
      data: fixed(new TimestampNanosecond('UTC'), BigInt64Array.from([1_704_067_200_123_456_789n, -1_500_000n, 0n, 999_999n, 0n, -(2n ** 62n)]), valid),
    },
    {
      name: 'amount',
      thrift: T.DECIMAL,
      data: fixed(
        new Decimal(6, 38, 128),
        decimalWords([12345678901234567890123000001n, -12345678901234567890123000001n, -1_500_000n, 1n, 0n, 10n ** 37n]),
        valid,
      ),
    },
    { name: 'whole', thrift: T.DECIMAL, data: fixed(new Decimal(0, 10, 128), decimalWords([42n, -42n, 0n, 9_999_999_999n, 0n, -1n]), valid) },
    { name: 'nothing', thrift: T.NULL, data: makeData({ type: new Null(), length: 6 }) },
  ];
}

describe('convertArrowBatch: the values of the driver’s own fetchChunk, from the Arrow buffers', () => {
  it('converts every flat type and its edges exactly as the driver does, with and without exact numerics', async () => {
    const result = resultOf(flatColumns());
    expect(ourRows(result, false)).toEqual(await driverRows(result, false));
    const exact = ourRows(result, true);
    const driver = (await driverRows(result, true)).map(convertDatabricksRow);
    // Where the driver itself is wrong (it negates the text of a negative exact DECIMAL, losing its precision), the exact value.
    expect(exact.map((row) => row.amount)).toEqual([
      '12345678901234567890123.000001',
      '-12345678901234567890123.000001',
      '-1.500000',
      '0.000001',
      null,
      '10000000000000000000000000000000.000000',
    ]);
    expect(driver[1]?.amount).not.toBe('-12345678901234567890123.000001');
    expect(driver[2]?.amount).toBe('-1.500000');
    expect(exact.map(({ amount: _, ...rest }) => rest)).toEqual(driver.map(({ amount: _, ...rest }) => rest));
    expect(exact[0]).toMatchObject({ i64: '9007199254740993', ts_us: new Date('2024-01-01T00:00:00.123Z'), day: new Date('2024-01-01T00:00:00Z') });
    expect(Object.keys(exact[0] ?? {})).toEqual(flatColumns().map((column) => column.name));
  });

  it('converts structs, lists and maps member by member as the driver does, and exact members as text', async () => {
    const struct = new Struct([
      new Field('at', new TimestampMicrosecond('Etc/UTC'), true),
      new Field('amount', new Decimal(2, 18, 128), true),
      new Field('count', new Int64(), true),
      new Field('label', new Utf8(), true),
    ]);
    const members = [
      fixed(new TimestampMicrosecond('Etc/UTC'), BigInt64Array.from([µs('2024-05-06T07:08:09.010Z'), 0n, -1_500n]), [true, false, true]),
      fixed(new Decimal(2, 18, 128), decimalWords([12345n, 0n, -5n]), [true, true, false]),
      fixed(new Int64(), BigInt64Array.from([9007199254740993n, 7n, 0n]), [true, true, false]),
      vectorFromArray(['x', null, 'z'], new Utf8()).data[0] as Data,
    ];
    const structData = makeData({ type: struct, length: 3, nullCount: 1, nullBitmap: Uint8Array.from([0b101]), children: members });
    const list = vectorFromArray([[1n, 9007199254740993n], null, []], new List(new Field('element', new Int64(), true))).data[0] as Data;
    const mapType = new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Int64(), true)]) as never, false));
    const map = vectorFromArray(
      [
        new Map([
          ['a', 1n],
          ['b', 9007199254740993n],
        ]),
        new Map(),
        null,
      ],
      mapType,
    ).data[0] as Data;
    const result = resultOf([
      { name: 'info', thrift: T.STRUCT, data: structData },
      { name: 'ids', thrift: T.ARRAY, data: list },
      { name: 'counts', thrift: T.MAP, data: map },
    ]);
    const plain = ourRows(result, false);
    expect(plain).toEqual(await driverRows(result, false));
    expect(plain[0]).toEqual({
      info: { at: new Date('2024-05-06T07:08:09.010Z'), amount: 123.45, count: 9007199254740992, label: 'x' },
      ids: [1, 9007199254740992],
      counts: { a: 1, b: 9007199254740992 },
    });
    expect(plain[1]).toEqual({ info: null, ids: null, counts: {} });
    const exact = ourRows(result, true);
    expect(exact[0]).toEqual({
      info: { at: new Date('2024-05-06T07:08:09.010Z'), amount: '123.45', count: '9007199254740993', label: 'x' },
      ids: ['1', '9007199254740993'],
      counts: { a: '1', b: '9007199254740993' },
    });
    // The driver's exact rows hold bigints inside; made text, they are ours.
    expect(exact).toEqual((await driverRows(result, true)).map(convertDatabricksRow));
  });

  it('parses complex values and decimals that a warehouse without native Arrow types sends as text', async () => {
    const text = (values: Array<string | null>) => vectorFromArray(values, new Utf8()).data[0] as Data;
    const result = resultOf([
      { name: 'info', thrift: T.STRUCT, data: text(['{"a":1}', 'not json', null]) },
      { name: 'tags', thrift: T.ARRAY, data: text(['[1,"x"]', '{', null]) },
      { name: 'headers', thrift: T.MAP, data: text(['{"k":"v"}', '', null]) },
      { name: 'amount', thrift: T.DECIMAL, data: text(['12345678901234567890.5', '-0.25', null]) },
      { name: 'variant', thrift: T.USER_DEFINED, data: text(['x', 'y', null]) },
    ]);
    const rows = ourRows(result, false);
    expect(rows).toEqual(await driverRows(result, false));
    expect(rows[1]).toEqual({ info: {}, tags: [], headers: {}, amount: -0.25, variant: 'y' });
    expect(ourRows(result, true).map((row) => row.amount)).toEqual(['12345678901234567890.5', '-0.25', null]);
  });

  it('takes no more rows than the warehouse announced', () => {
    const result = resultOf(flatColumns());
    expect(ourRows(result, false, 2)).toHaveLength(2);
  });

  it('leaves to the driver the columns it cannot read the same way', () => {
    const columns = (type: DataType, name = 'c'): [Field[], ThriftColumn[]] => [[new Field(name, type, true)], [{ name: 'c', type: T.STRING }]];
    expect(convertsArrowSchema(...columns(new Utf8()))).toBe(true);
    expect(convertsArrowSchema(...columns(new Utf8(), 'other'))).toBe(false);
    expect(convertsArrowSchema(...columns(new Interval(IntervalUnit.YEAR_MONTH)))).toBe(false);
    expect(convertsArrowSchema(...columns(new List(new Field('item', new Int32(), true))))).toBe(false);
    expect(convertsArrowSchema(...columns(new List(new Field('element', new Int32(), true))))).toBe(true);
    expect(convertsArrowSchema([new Field('a', new Utf8())], [])).toBe(false);
  });
});
