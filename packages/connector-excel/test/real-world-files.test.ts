import { describe, expect, it } from 'vitest';
import { open, utc } from './helpers.js';

// Fixtures written by openpyxl, LibreOffice, SheetJS and a hand-made generator
// (test/fixtures/generate); none of them by this package.
describe.each(['openpyxl-features.xlsx', 'libreoffice-features.xlsx', 'libreoffice-macro.xlsm'])('%s', (file) => {
  it('lists every worksheet in workbook order, hidden ones included', async () => {
    await using connector = open(file);
    expect(await connector.listTables()).toEqual(['Data', 'Secret', 'Empty', 'Wide', 'Sparse']);
    expect((await connector.listSheets()).find((sheet) => sheet.name === 'Secret')?.visibility).toBe('hidden');
  });

  it('reads typed values: numbers, booleans, dates, shared and rich text, hyperlink text, merged cells as stored', async () => {
    await using connector = open(file);
    const { rows, columns } = await connector.readExcelWithReport({ sheetName: 'Data' });
    expect(columns).toEqual(['id', 'name', 'amount', 'when', 'active', 'name.1', 'Unnamed: 6', 'note']);
    expect(rows[0]).toEqual({
      id: 1,
      name: 'Alice',
      amount: 10.5,
      when: utc(2024, 1, 15, 8, 30),
      active: true,
      'name.1': 'dup-a',
      'Unnamed: 6': 'x',
      note: 'plain',
    });
    expect(rows[1]).toMatchObject({ id: 2, amount: -3, when: utc(2023, 12, 31), active: false, note: null });
    expect(rows[2]).toMatchObject({ name: 'Hello bold world', when: utc(1999, 12, 31, 23, 59, 59), note: 'see link' });
    // B5:D5 is merged: the value lives in the top-left cell only.
    expect(rows[3]).toMatchObject({ id: 4, name: 'Merged across', amount: null, when: null, active: true });
    // The blank row between data rows is dropped (as pandas does), trailing blank rows never become data.
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 6]);
    expect(rows[4]?.amount).toBe(1e-7);
  });

  it('reports the error cell as null with a warning, and renames blank and duplicate headers', async () => {
    await using connector = open(file);
    const { rows, warnings } = await connector.readExcelWithReport({ sheetName: 'Data' });
    expect(rows[3]?.note).toBeNull();
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'error-cell', cell: 'H5', sheet: 'Data' }));
    expect(warnings.find((warning) => warning.code === 'error-cell')?.message).toContain('#DIV/0!');
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'duplicate-header', column: 'name.1' }));
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'blank-header', column: 'Unnamed: 6' }));
    // read() passes the same warnings to the per-call report.
    let reported: Array<{ code: string; message: string }> = [];
    await connector.readAll({ table: 'Data', onReport: (report) => (reported = report.warnings) });
    expect(reported).toEqual(warnings.map(({ code, message }) => ({ code, message })));
  });

  it('reads a hidden sheet, an empty sheet, a very wide sheet and a sparse sheet', async () => {
    await using connector = open(file);
    expect(await connector.readExcel({ sheetName: 'Secret' })).toEqual([{ k: 'a', v: 1 }]);
    expect(await connector.readExcel({ sheetName: 'Empty' })).toEqual([]);
    const wide = await connector.readExcel({ sheetName: 'Wide' });
    expect(wide).toHaveLength(2);
    expect(Object.keys(wide[0]!)).toHaveLength(300);
    expect(wide[1]).toMatchObject({ c0: 0, c150: 300, c299: 598 });
    const sparse = await connector.readExcel({ sheetName: 'Sparse' });
    expect(sparse).toEqual([
      { a: 1, 'Unnamed: 1': null, c: null, 'Unnamed: 3': null, 'Unnamed: 4': null },
      { a: null, 'Unnamed: 1': null, c: 3, 'Unnamed: 3': null, 'Unnamed: 4': null },
      { a: null, 'Unnamed: 1': null, c: null, 'Unnamed: 3': null, 'Unnamed: 4': 'beyond header' },
    ]);
  });
});

describe('formulas', () => {
  it('reads the cached result LibreOffice stored', async () => {
    await using connector = open('libreoffice-features.xlsx');
    const rows = await connector.readExcel();
    expect(rows[2]?.amount).toBe(21); // =C2*2
  });

  it('reads a formula saved without a cached value (openpyxl) as null with a warning', async () => {
    await using connector = open('openpyxl-features.xlsx');
    const { rows, warnings } = await connector.readExcelWithReport();
    expect(rows[2]?.amount).toBeNull();
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'formula-without-value', cell: 'C4' }));
  });
});

describe('the 1904 date system', () => {
  it.each(['openpyxl-1904.xlsx', 'libreoffice-1904.xlsx'])('reads %s dates on the right day', async (file) => {
    await using connector = open(file);
    expect(await connector.readExcel()).toEqual([
      { label: 'new year', when: utc(2020, 1, 1) },
      { label: 'noon', when: utc(2021, 6, 15, 12) },
    ]);
  });
});

describe('a home-grown generator (prefixed XML, inline strings only, no styles or shared strings)', () => {
  it('reads inline and rich inline strings, ISO dates, escapes, entities and rows without references', async () => {
    await using connector = open('handmade-inline.xlsx');
    expect(await connector.listTables()).toEqual(['Home & Made']);
    const { rows, warnings } = await connector.readExcelWithReport();
    expect(rows).toEqual([
      { code: 1, text: 'rich inline', stamp: utc(2022, 3, 4, 5, 6, 7), flag: true },
      { code: 2500, text: 'line1\r\nline2 & <tag>', stamp: utc(2022, 3, 4), flag: null },
      { code: null, text: 'café 😀', stamp: null, flag: null },
    ]);
    expect(warnings.map((warning) => `${warning.code} ${warning.cell}`)).toEqual(['error-cell D3', 'formula-without-value A4']);
  });
});

describe('a workbook written by SheetJS', () => {
  it('reads its shared strings, numbers, dates (including a leap day) and booleans', async () => {
    await using connector = open('sheetjs-written.xlsx');
    expect(await connector.readExcel({ sheetName: 'Prices' })).toEqual([
      { name: 'alpha', count: 1, price: 9.99, day: utc(2024, 2, 29), ok: true },
      { name: 'beta', count: 2, price: 0.5, day: utc(2000, 1, 1, 12), ok: false },
    ]);
  });
});
