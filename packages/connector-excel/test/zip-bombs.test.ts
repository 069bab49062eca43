import { DataError } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { ExcelConnector } from '../src/index.js';
import { craftWorkbook, type ZipPart } from './crafted-workbook.js';

const styles = '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>';
const sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>';

function connector(parts: ZipPart[]): ExcelConnector {
  return new ExcelConnector({ connectionType: 'excel', source: craftWorkbook({ sheet, sharedStrings: ['n'], styles, parts }) }, { metricsRegistry: null });
}

async function failure(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(DataError.isInstance(error), `expected a DataError, got ${String(error)}`).toBe(true);
  return error as DataError;
}

describe('every zip part is inflated within bounds (a zip bomb is a DataError naming the part)', () => {
  it('a part declaring a size past its limit is refused before it is inflated', async () => {
    await using excel = connector([{ name: 'xl/styles.xml', data: styles, declaredSize: 500_000_000 }]);
    const error = await failure(excel.listTables());
    expect(error).toMatchObject({ code: 'PART_TOO_LARGE', connector: 'excel' });
    expect(error.message).toBe(
      'Cannot read the uploaded workbook: xl/styles.xml inflates to more than 64 MB (476.8 MB declared), more than a workbook part may hold',
    );
    expect(error.hint).toMatch(/zip bomb/);
  });

  it('a part that inflates past the size its entry declares is corrupt', async () => {
    await using excel = connector([
      {
        name: 'xl/workbook.xml',
        data: `<workbook xmlns:r="r"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>${' '.repeat(5000)}</workbook>`,
        declaredSize: 100,
      },
    ]);
    const error = await failure(excel.listTables());
    expect(error).toMatchObject({ code: 'CORRUPT' });
    expect(error.message).toMatch(/xl\/workbook.xml inflates to more than the 100 bytes its zip entry declares/);
  });

  it('a part without a declared size stops at its limit', async () => {
    // 70 MB of spaces deflate to about 70 KB: the classic bomb, here in styles.xml.
    const bomb = Buffer.concat([Buffer.from(styles.slice(0, -13)), Buffer.alloc(70 * 1024 * 1024, 32), Buffer.from('</styleSheet>')]);
    await using excel = connector([{ name: 'xl/styles.xml', data: bomb, declaredSize: 0 }]);
    expect((await failure(excel.listTables())).message).toMatch(/xl\/styles.xml inflates to more than 64 MB, more than a workbook part may hold/);
  });

  it('the shared strings and the sheet are bounded the same way, when read', async () => {
    await using strings = connector([{ name: 'xl/sharedStrings.xml', data: '<sst><si><t>n</t></si></sst>', declaredSize: 2_000_000_000 }]);
    expect(await strings.listTables()).toEqual(['Sheet1']);
    expect((await failure(strings.readExcel())).message).toMatch(/xl\/sharedStrings.xml inflates to more than 1 GB \(1.9 GB declared\)/);
    await using lying = connector([{ name: 'xl/worksheets/sheet1.xml', data: `<worksheet><sheetData>${sheet}</sheetData></worksheet>`, declaredSize: 10 }]);
    expect((await failure(lying.readExcel())).message).toMatch(/xl\/worksheets\/sheet1.xml inflates to more than the 10 bytes/);
  });

  it('a shared string that never closes is a DataError, not a silent cut', async () => {
    await using excel = connector([{ name: 'xl/sharedStrings.xml', data: '<sst><si><t>n</t></si><si><t>cut' }]);
    const error = await failure(excel.readExcel());
    expect(error).toMatchObject({ code: 'MALFORMED' });
    expect(error.message).toBe('Cannot read the shared strings (xl/sharedStrings.xml): string 1 is not closed (no </si> before the end of the part)');
  });
});
