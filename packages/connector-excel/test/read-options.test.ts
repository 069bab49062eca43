import { join } from 'node:path';
import { ConfigError, NotFoundError, type ReadReport } from '@automl/connector-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExcelConnector } from '../src/index.js';
import { fixture, open, temporaryDirectory, utc } from './helpers.js';

describe('useCols', () => {
  it.each([
    ['A:C', ['id', 'name', 'amount']],
    ['A,C,E:F', ['id', 'amount', 'active', 'name.1']],
    ['b:b', ['name']],
  ])('takes Excel letters and ranges: %s', async (useCols, expected) => {
    await using connector = open('libreoffice-features.xlsx');
    const { columns, rows } = await connector.readExcelWithReport({ useCols });
    expect(columns).toEqual(expected);
    expect(Object.keys(rows[0]!)).toEqual(expected);
  });

  it('takes header names, in sheet order', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel({ useCols: ['when', 'id'] });
    expect(rows[0]).toEqual({ id: 1, when: utc(2024, 1, 15, 8, 30) });
  });

  it('takes 0-based indices and a predicate', async () => {
    await using connector = open('libreoffice-features.xlsx');
    expect((await connector.readExcel({ useCols: [0, 4] }))[1]).toEqual({ id: 2, active: false });
    expect((await connector.readExcel({ useCols: (name) => name.startsWith('n') }))[0]).toEqual({ name: 'Alice', 'name.1': 'dup-a', note: 'plain' });
  });

  it("maps the contract's columns to useCols by name", async () => {
    await using connector = open('libreoffice-features.xlsx');
    expect((await connector.readAll({ columns: ['amount'] })).map((row) => row.amount)).toEqual([10.5, -3, 21, null, 1e-7]);
  });

  it('names the missing column and the available ones', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const error = await connector.readExcel({ useCols: ['id', 'price'] }).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/"price" not found in sheet "Data"; it has "id", "name"/);
  });

  it('rejects an index outside the sheet and malformed specs', async () => {
    await using connector = open('libreoffice-features.xlsx');
    await expect(connector.readExcel({ useCols: [0, 40] })).rejects.toThrow(/index 40 is outside sheet "Data"/);
    const malformed = await connector.readExcel({ useCols: 'A:1' }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(malformed)).toBe(true);
  });
});

describe('skipRows, headerRow, maxRows', () => {
  it('skipRows skips sheet rows before the header', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel({ skipRows: 2, useCols: 'A:C' });
    // Row 3 (id 2) becomes the header.
    expect(rows[0]).toEqual({ '2': 3, Bob: 'Hello bold world', '-3': 21 });
  });

  it('skipRows takes a list of 0-based sheet rows', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel({ skipRows: [1, 3], useCols: 'A' });
    expect(rows.map((row) => row.id)).toEqual([2, 4, 6]);
  });

  it('headerRow: false names columns by letter and keeps the first row as data', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel({ headerRow: false, useCols: 'A:B,D' });
    expect(rows[0]).toEqual({ A: 'id', B: 'name', D: 'when' });
    expect(rows[1]).toEqual({ A: 1, B: 'Alice', D: utc(2024, 1, 15, 8, 30) });
  });

  it('headerRow picks a later non-blank row as the header', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel({ headerRow: 1, useCols: 'A:B' });
    expect(rows[0]).toEqual({ '1': 2, Alice: 'Bob' });
  });

  it('maxRows stops the read, from the request and from the config', async () => {
    await using connector = open('libreoffice-features.xlsx');
    expect(await connector.readExcel({ maxRows: 2, useCols: 'A' })).toEqual([{ id: 1 }, { id: 2 }]);
    await using limited = new ExcelConnector(
      { connectionType: 'excel', filePath: fixture('libreoffice-features.xlsx'), maxRows: 3 },
      { metricsRegistry: null },
    );
    expect(await limited.readAll()).toHaveLength(3);
    expect(await limited.readExcel()).toHaveLength(3);
  });

  it('skipBlankRows: false keeps blank rows between data rows but never trailing ones', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel({ skipBlankRows: false, useCols: 'A' });
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, null, 6]);
  });
});

describe('sheets', () => {
  it('reads the first visible sheet by default, by case-insensitive name, or by index', async () => {
    await using connector = open('libreoffice-features.xlsx');
    expect((await connector.readExcel())[0]?.id).toBe(1);
    expect(await connector.readExcel({ sheetName: 'secret' })).toEqual([{ k: 'a', v: 1 }]);
    expect(await connector.readExcel({ sheetName: 1 })).toEqual([{ k: 'a', v: 1 }]);
  });

  it('a missing sheet is a NotFoundError listing the available sheets', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const error = await connector.readExcel({ sheetName: 'Sales' }).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Sheet "Sales" not found in "${connector.config.filePath}"; available sheets: "Data", "Secret" (hidden), "Empty", "Wide", "Sparse"`,
    );
  });
});

describe('describe', () => {
  it('reports column types from a sample and the row count of a small sheet', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const schema = await connector.describe('Data');
    expect(schema.table).toBe('Data');
    expect(schema.rowCount).toBe(5);
    expect(schema.columns.slice(0, 5)).toEqual([
      { name: 'id', type: 'integer', nullable: false },
      { name: 'name', type: 'string', nullable: false },
      { name: 'amount', type: 'number', nullable: true },
      { name: 'when', type: 'datetime', nullable: true },
      { name: 'active', type: 'boolean', nullable: true },
    ]);
  });
});

describe('streaming a large sheet', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  const total = 25_000;

  beforeAll(async () => {
    ({ dir, cleanup } = await temporaryDirectory());
    path = join(dir, 'large.xlsx');
    async function* rows() {
      for (let i = 0; i < total; i += 1) yield { id: i, label: `row ${i % 97}`, value: i / 4, day: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000) };
    }
    await new ExcelConnector({ connectionType: 'excel' }, { metricsRegistry: null }).writeExcel(rows(), { path });
  });
  afterAll(() => cleanup());

  it('yields several bounded pages, in order, with every row', async () => {
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, { metricsRegistry: null });
    const sizes: number[] = [];
    let expected = 0;
    let report: ReadReport | undefined;
    for await (const page of connector.read({ pageSize: 4000, onReport: (done) => (report = done) })) {
      sizes.push(page.length);
      for (const row of page) expect(row.id).toBe(expected++);
    }
    expect(sizes).toEqual([4000, 4000, 4000, 4000, 4000, 4000, 1000]);
    expect(report).toMatchObject({ rows: total, pages: 7, truncated: false });
  });

  it('sizes default pages by cells and stops reading when the consumer stops', async () => {
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, { metricsRegistry: null });
    const pages = [];
    for await (const page of connector.read()) {
      pages.push(page);
      if (pages.length === 2) break;
    }
    expect(pages[0]).toHaveLength(5000); // 20,000 cells / 4 columns
    expect(pages[1]?.[0]).toEqual({ id: 5000, label: `row ${5000 % 97}`, value: 1250, day: new Date(Date.UTC(2020, 0, 1) + 5000 * 86_400_000) });
  });

  it('ends with an AbortError when the signal aborts', async () => {
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, { metricsRegistry: null });
    const controller = new AbortController();
    const read = async () => {
      for await (const _page of connector.read({ pageSize: 1000, signal: controller.signal })) controller.abort();
    };
    await expect(read()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
