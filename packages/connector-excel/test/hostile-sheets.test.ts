import { DataError, type Row } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { SheetRowScanner, type ScanContext } from '../src/reader/sheet-row-scanner.js';
import { ExcelConnector } from '../src/index.js';
import { craftWorkbook } from './crafted-workbook.js';

const upload = (sheet: string, extra: Partial<Parameters<typeof craftWorkbook>[0]> = {}) =>
  new ExcelConnector({ connectionType: 'excel', source: craftWorkbook({ sheet, ...extra }) }, { metricsRegistry: null });

async function failure(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(DataError.isInstance(error), `expected a DataError, got ${String(error)}`).toBe(true);
  return error as DataError;
}

const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>';

describe("Excel's sheet limits (16,384 columns, 1,048,576 rows)", () => {
  it('a reference past XFD is a DataError naming the cell, before any row is sized by it', async () => {
    await using connector = upload(`${header}<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>`);
    const error = await failure(connector.readExcel());
    expect(error).toMatchObject({ code: 'TOO_MANY_COLUMNS', connector: 'excel' });
    expect(error.message).toBe('Cannot read sheet "Sheet1": cell ZZZZZZ2 is past column XFD, the last Excel allows (16,384 columns)');
    expect(error.hint).toBeTruthy();
  });

  it('XFD itself is read; XFE is not', async () => {
    await using last = upload(`${header}<row r="2"><c r="XFD2"><v>7</v></c></row>`);
    const rows = await last.readExcel();
    expect(Object.keys(rows[0]!)).toHaveLength(16_384);
    expect(rows[0]!['Unnamed: 16383']).toBe(7);
    await using past = upload(`${header}<row r="2"><c r="XFE2"><v>7</v></c></row>`);
    expect((await failure(past.readExcel())).message).toMatch(/cell XFE2 is past column XFD/);
  });

  it('cells without references count on: the 16,385th is past XFD, as is a row of 16,385 cells', async () => {
    const cells = '<c><v>1</v></c>'.repeat(16_385);
    await using unreferenced = upload(`<row>${cells}</row>`);
    expect((await failure(unreferenced.readExcel())).message).toMatch(/cell after XFD1 is past column XFD/);
    await using repeated = upload(`<row>${'<c r="A1"><v>1</v></c>'.repeat(16_385)}</row>`);
    expect((await failure(repeated.readExcel())).message).toMatch(/row 1 has more than 16,384 cells/);
  });

  it('a row past 1,048,576 is a DataError naming the row', async () => {
    await using connector = upload(`${header}<row r="1048577"><c r="A1048577"><v>1</v></c></row>`);
    const error = await failure(connector.readExcel());
    expect(error).toMatchObject({ code: 'TOO_MANY_ROWS' });
    expect(error.message).toMatch(/row 1048577 is past row 1,048,576, the last Excel allows/);
  });

  it('rows that do not ascend are taken as the next row, so they cannot exceed the limit either', async () => {
    await using connector = upload(`${header}<row r="2"><c><v>1</v></c></row><row r="4"><c><v>3</v></c></row><row r="3"><c><v>4</v></c></row>`);
    expect(await connector.readExcel({ skipBlankRows: false })).toEqual([{ a: 1 }, { a: null }, { a: 3 }, { a: 4 }]);
  });

  it('skipBlankRows: false with <row r="1000000000"> fails on the row limit instead of building a billion rows', async () => {
    await using connector = upload(`${header}<row r="2"><c><v>1</v></c></row><row r="1000000000"><c><v>2</v></c></row>`);
    expect((await failure(connector.readExcel({ skipBlankRows: false }))).code).toBe('TOO_MANY_ROWS');
  });

  it('a gap up to the last row is paged: blank rows are made as pages are taken', async () => {
    await using connector = upload(`${header}<row r="2"><c><v>1</v></c></row><row r="1048576"><c><v>2</v></c></row>`);
    let rows = 0;
    let pages = 0;
    let last: Row | undefined;
    for await (const page of connector.read({ skipBlankRows: false, pageSize: 100_000 })) {
      expect(page.length).toBeLessThanOrEqual(100_000);
      rows += page.length;
      pages += 1;
      last = page.at(-1);
    }
    expect(rows).toBe(1_048_575);
    expect(pages).toBe(11);
    expect(last).toEqual({ a: 2 });
    await using limited = upload(`${header}<row r="2"><c><v>1</v></c></row><row r="1048576"><c><v>2</v></c></row>`);
    expect(await limited.readExcel({ skipBlankRows: false, maxRows: 3 })).toEqual([{ a: 1 }, { a: null }, { a: null }]);
  });
});

describe('damaged markup ends the read with a DataError, never a loop or a silent cut', () => {
  it.each([
    ['an attribute without a value', '<row r="2"><c r><v>1</v></c></row>', /cell A2: an attribute of the <c> tag has no quoted value/],
    ['an unterminated attribute value', '<row r="2"><c r="A2><v>1</v></c></row>', /attribute value of the <c> tag does not end/],
    ['an inline string that does not end', '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></c></row>', /cell A2: the inline string \(<is>\) does not end/],
    ['a value that does not end', '<row r="2"><c r="A2"><v>1</row>', /cell A2: the <v> element does not end/],
    ['an element of a cell without its end', '<row r="2"><c r="A2"><extLst><v>1</v></c></row>', /cell A2: an element of the cell is not closed/],
    ['a row that never closes', '<row r="2"><c r="A2"><v>1</v></c>', /row 2 is not closed/],
  ])('%s', async (_name, rows, message) => {
    await using connector = upload(`${header}${rows}`);
    const error = await failure(connector.readExcel());
    expect(error.code).toBe('MALFORMED');
    expect(error.message).toMatch(message);
  });

  it('an unclosed quote in a <row> tag does not loop', async () => {
    await using connector = upload(`${header}<row r="5><c r="A5"><v>1</v></c></row><row r="6"><c r="A6"><v>2</v></c></row>`);
    // The row number is unreadable, so it is the next row; the rest of the sheet reads on.
    expect((await connector.readExcel({ skipBlankRows: false })).at(-1)).toEqual({ a: 2 });
  });
});

describe('the row scanner is linear and bounds a row', () => {
  const context = (limits: ScanContext['limits'] = {}): ScanContext => ({
    sheet: 'S',
    sharedStrings: [],
    dateStyles: new Uint8Array(0),
    date1904: false,
    onCellWarning: () => undefined,
    limits,
  });
  const sheetStart = '<worksheet><sheetData>';

  it('a 2 MB row fed 16 characters at a time is scanned once (was: rejoined and rescanned per chunk)', () => {
    const text = 'x'.repeat(2 * 1024 * 1024);
    const xml = `${sheetStart}<row r="1"><c r="A1" t="inlineStr"><is><t>${text}</t></is></c><c r="B1"><v>5</v></c></row></sheetData></worksheet>`;
    const seen: unknown[][] = [];
    const scanner = new SheetRowScanner(context(), (_row, values, width) => {
      seen.push(values.slice(0, width));
      return true;
    });
    for (let at = 0; at < xml.length; at += 16) scanner.push(xml.slice(at, at + 16));
    scanner.end();
    expect(seen).toHaveLength(1);
    expect((seen[0]![0] as string).length).toBe(text.length);
    expect(seen[0]![1]).toBe(5);
  });

  it('a row larger than maxRowChars, closed or not, is a DataError', () => {
    const scanner = new SheetRowScanner(context({ maxRowChars: 1000 }), () => true);
    const push = () => {
      scanner.push(`${sheetStart}<row r="3">`);
      for (let i = 0; i < 100; i += 1) scanner.push('<c><v>1</v></c>');
    };
    expect(push).toThrow(/row 3 is larger than 1000 bytes of XML/);
    const closed = new SheetRowScanner(context({ maxRowChars: 1000 }), () => true);
    expect(() => closed.push(`${sheetStart}<row r="3">${'<c><v>1</v></c>'.repeat(100)}</row>`)).toThrow(/row 3 is larger than 1000 bytes/);
  });

  it('pauses after a row when the sink asks (a page is ready), and resumes with the rest of the chunk', () => {
    const seen: number[] = [];
    const scanner = new SheetRowScanner(context(), (row) => {
      seen.push(row);
      return row % 2 === 0 ? 'pause' : true;
    });
    scanner.push(`${sheetStart}${'<row><c><v>1</v></c></row>'.repeat(5)}</sheetData>`);
    expect(seen).toEqual([1, 2]);
    expect(scanner.paused).toBe(true);
    scanner.resume();
    expect(seen).toEqual([1, 2, 3, 4]);
    scanner.resume();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(scanner.done).toBe(true);
  });

  it('junk between rows is not kept', () => {
    const scanner = new SheetRowScanner(context({ maxRowChars: 100 }), () => true);
    scanner.push(sheetStart);
    for (let i = 0; i < 1000; i += 1) scanner.push(' '.repeat(1000));
    scanner.push('<row r="1"><c><v>1</v></c></row></sheetData>');
    expect(scanner.done).toBe(true);
  });
});

describe('values found on real workbooks', () => {
  it('an ISO 8601 cell (t="d") holding a time only falls on 1899-12-30, like a time-only serial', async () => {
    await using connector = upload(
      `${header}<row r="2"><c r="A2" t="d"><v>12:30:00</v></c></row><row r="3"><c r="A3" t="d"><v>2024-02-29T08:15:00.250</v></c></row>`,
    );
    expect(await connector.readExcel()).toEqual([{ a: new Date(Date.UTC(1899, 11, 30, 12, 30)) }, { a: new Date(Date.UTC(2024, 1, 29, 8, 15, 0, 250)) }]);
  });

  it('a t="d" cell that is not a date keeps its text', async () => {
    await using connector = upload(`${header}<row r="2"><c r="A2" t="d"><v>soon</v></c></row>`);
    expect(await connector.readExcel()).toEqual([{ a: 'soon' }]);
  });

  it('CDATA in inline strings, shared strings and values is read as its literal text', async () => {
    await using connector = upload(
      `${header}<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[a < b & c]]></t></is></c></row>` +
        '<row r="3"><c r="A3" t="inlineStr"><is><r><t>x </t></r><r><t><![CDATA[</t> &amp;]]> y</t></r></is></c></row>' +
        '<row r="4"><c r="A4" t="s"><v>0</v></c></row><row r="5"><c r="A5" t="str"><v><![CDATA[<b>]]></v></c></row>',
      { sharedStrings: ['<![CDATA[shared <one>]]>'] },
    );
    expect(await connector.readExcel()).toEqual([{ a: 'a < b & c' }, { a: 'x </t> &amp; y' }, { a: 'shared <one>' }, { a: '<b>' }]);
  });
});
