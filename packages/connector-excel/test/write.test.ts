import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, UnsupportedOperationError, type Row } from '@automl/connector-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExcelConnector } from '../src/index.js';
import { temporaryDirectory, utc } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await temporaryDirectory()));
afterEach(() => cleanup());

const writer = () => new ExcelConnector({ connectionType: 'excel' }, { metricsRegistry: null });
const reader = (filePath: string) => new ExcelConnector({ connectionType: 'excel', filePath }, { metricsRegistry: null });

describe('writeExcel', () => {
  it('returns the path and round-trips types: numbers, strings, booleans, dates, nulls, JSON', async () => {
    const rows: Row[] = [
      { id: 1, name: 'Alice', score: 0.1 + 0.2, ok: true, born: utc(1990, 5, 17), seen: utc(2024, 2, 29, 13, 45, 30), note: null, tags: ['a', 'b'] },
      { id: 2, name: 'line\r\nbreak _x0041_ <&>', score: -1e-12, ok: false, born: utc(1900, 1, 1), seen: utc(1900, 2, 28, 6), note: 'x', tags: { k: 1 } },
    ];
    const path = await writer().writeExcel(rows, { path: join(dir, 'out.xlsx'), sheetName: 'Data' });
    expect(path).toBe(join(dir, 'out.xlsx'));
    await using connector = reader(path);
    expect(await connector.listTables()).toEqual(['Data']);
    expect(await connector.readExcel()).toEqual([
      { ...rows[0], tags: '["a","b"]' },
      { ...rows[1], tags: '{"k":1}' },
    ]);
  });

  it('writes an empty string and NaN as empty cells, and a date before 1900 as ISO text', async () => {
    const path = await writer().writeExcel([{ a: '', b: Number.NaN, c: 1, d: utc(1850, 7, 1) }], { path: join(dir, 'empty.xlsx') });
    await using connector = reader(path);
    expect(await connector.readExcel()).toEqual([{ a: null, b: null, c: 1, d: '1850-07-01T00:00:00.000Z' }]);
  });

  it('takes rows from an async iterable and an explicit column order', async () => {
    async function* rows() {
      yield { b: 2, a: 1 };
      yield { a: 3 };
    }
    const path = await writer().writeExcel(rows(), { path: join(dir, 'stream.xlsx'), columns: ['a', 'b'] });
    await using connector = reader(path);
    expect(await connector.readExcel()).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: null },
    ]);
  });

  it("names a stream's columns from its first 1,000 rows (written in batches of 100), and fails a later new key alone", async () => {
    async function* rows() {
      for (let i = 0; i < 2000; i += 1) {
        if (i === 3) yield { a: i, bad: 1n } as unknown as Row;
        else if (i === 500) yield { a: i, late: 'x' };
        else if (i === 1500) yield { a: i, later: 'y' };
        else yield { a: i };
      }
    }
    const path = join(dir, 'sampled.xlsx');
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, { metricsRegistry: null });
    const result = await connector.write(rows());
    expect(result.written).toBe(1998);
    expect(result.failed.map((failure) => failure.index)).toEqual([3, 1500]);
    expect(result.failed[1]?.reason).toMatch(/column "later" is not among the written columns \(a, bad, late\)/);
    const back = await connector.readExcelWithReport();
    expect(back.columns).toEqual(['a', 'bad', 'late']);
    expect(back.rows[499]).toEqual({ a: 500, bad: null, late: 'x' });
    expect(back.rows).toHaveLength(1998);
  });

  it('is atomic: a failure mid-way leaves the old file untouched and no temporary file behind', async () => {
    const path = join(dir, 'target.xlsx');
    await writeFile(path, 'the previous workbook');
    async function* failing() {
      for (let i = 0; i < 5000; i += 1) yield { i };
      throw new Error('source went away');
    }
    await expect(writer().writeExcel(failing(), { path })).rejects.toThrow(/source went away/);
    expect(await readFile(path, 'utf8')).toBe('the previous workbook');
    expect(await readdir(dir)).toEqual(['target.xlsx']);
  });

  it('rejects an invalid sheet name and a missing destination', async () => {
    await expect(writer().writeExcel([{ a: 1 }], { path: join(dir, 'x.xlsx'), sheetName: 'a/b' })).rejects.toSatisfy((error) => ConfigError.isInstance(error));
    await expect(writer().writeExcel([{ a: 1 }])).rejects.toThrow(/Nowhere to write/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('write (the contract)', () => {
  it('writes to filePath, accounts for every row, and the next read sees the new file', async () => {
    const path = join(dir, 'contract.xlsx');
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path, sheetName: 'Out' }, { metricsRegistry: null });
    const first = await connector.write([{ a: 1 }, { a: 2 }]);
    expect(first).toEqual({ received: 2, written: 2, created: 2, updated: 0, failed: [], destination: path });
    expect(await connector.readAll({ table: 'Out' })).toEqual([{ a: 1 }, { a: 2 }]);
    const long = 'x'.repeat(40_000);
    const second = await connector.write([{ a: 3 }, { a: long }, { a: 4 }]);
    expect(second.received).toBe(3);
    expect(second.written).toBe(2);
    expect(second.failed).toEqual([{ index: 1, row: { a: long }, reason: expect.stringContaining('at most 32767') }]);
    expect(await connector.readAll()).toEqual([{ a: 3 }, { a: 4 }]);
  });

  it('refuses append and upsert', async () => {
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: join(dir, 'a.xlsx') }, { metricsRegistry: null });
    const error = await connector.write([{ a: 1 }], { mode: 'append' }).catch((caught: unknown) => caught);
    expect(UnsupportedOperationError.isInstance(error)).toBe(true);
  });
});
