import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError, createConnector, DataError, NotFoundError } from '@automl/connector-core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ExcelConnector, createConnector as createExcelConnector } from '../src/index.js';
import { fixture, open } from './helpers.js';

describe('broken and unsupported files give typed errors', () => {
  it.each([
    ['encrypted.xlsx', 'ENCRYPTED', /is password-protected \(an encrypted workbook\)/],
    ['truncated.xlsx', 'CORRUPT', /truncated or corrupt/],
    ['csv-named.xlsx', 'NOT_XLSX', /not an \.xlsx workbook \(not a zip archive; it looks like a text\/CSV file\)/],
  ])('%s -> DataError %s', async (file, code, message) => {
    await using connector = open(file);
    const error = await connector.listTables().catch((caught: unknown) => caught);
    expect(DataError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, connector: 'excel' });
    expect((error as Error).message).toMatch(message);
    expect((error as DataError).hint).toBeTruthy();
  });

  it('a missing file is a NotFoundError, and testConnection reports it without throwing', async () => {
    await using connector = open('does-not-exist.xlsx');
    await expect(connector.readExcel()).rejects.toSatisfy((error) => NotFoundError.isInstance(error));
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, error: { name: 'NotFoundError' } });
  });

  it('a zip that is not a workbook is a DataError', async () => {
    await using connector = new ExcelConnector({ connectionType: 'excel', source: await zipOf('hello.txt', 'hi') }, { metricsRegistry: null });
    await expect(connector.listTables()).rejects.toThrow(/not an \.xlsx workbook/);
  });

  it('a directory is a ConfigError; no filePath and no source is a ConfigError', async () => {
    await using directory = new ExcelConnector({ connectionType: 'excel', filePath: fixture('') }, { metricsRegistry: null });
    await expect(directory.listTables()).rejects.toSatisfy((error) => ConfigError.isInstance(error));
    await using nothing = new ExcelConnector({ connectionType: 'excel' }, { metricsRegistry: null });
    await expect(nothing.listTables()).rejects.toThrow(/filePath: is required/);
  });
});

describe('sources and factory', () => {
  it('reads an upload given as a Buffer or a readable stream', async () => {
    const buffer = await readFile(fixture('sheetjs-written.xlsx'));
    await using fromBuffer = new ExcelConnector({ connectionType: 'excel', source: buffer }, { metricsRegistry: null });
    await using fromStream = new ExcelConnector(
      { connectionType: 'excel', source: createReadStream(fixture('sheetjs-written.xlsx')) },
      { metricsRegistry: null },
    );
    const expected = await fromBuffer.readExcel();
    expect(expected).toHaveLength(2);
    expect(await fromStream.readExcel()).toEqual(expected);
    expect(await fromStream.listTables()).toEqual(['Prices']); // the spooled copy is read again
  });

  it("takes snake_case config keys and is what core's createConnector builds", async () => {
    const viaCore = await createConnector({ connection_type: 'excel', file_path: fixture('openpyxl-1904.xlsx'), sheet_name: 'Mac' }, { metricsRegistry: null });
    expect(viaCore).toBeInstanceOf(ExcelConnector);
    expect(await viaCore.readAll()).toHaveLength(2);
    await viaCore.close();
    expect(createExcelConnector({ connectionType: 'excel' }, { metricsRegistry: null })).toBeInstanceOf(ExcelConnector);
  });

  it('rejects both filePath and source, and a source of the wrong type', () => {
    expect(() => new ExcelConnector({ connectionType: 'excel', filePath: 'a.xlsx', source: Buffer.from('x') })).toThrow(/not both/);
    expect(() => new ExcelConnector({ connectionType: 'excel', source: 'a.xlsx' } as never)).toThrow(/source: expected a Buffer/);
  });

  it('probes the file and records read metrics', async () => {
    const registry = new Registry();
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: fixture('libreoffice-features.xlsx') }, { metricsRegistry: registry });
    const probe = await connector.testConnection();
    expect(probe).toMatchObject({ ok: true, identity: fixture('libreoffice-features.xlsx'), details: { sheets: 5, hiddenSheets: 1, date1904: false } });
    await connector.readAll();
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/ml_connectors_requests_total\{connector="excel",operation="read.stream",outcome="success"\} 1/);
    expect(metrics).toMatch(/ml_connectors_rows_total\{connector="excel",operation="read"\} 5|operation="read"\} 5/);
  });
});

/** A minimal stored (uncompressed) zip with one file. */
async function zipOf(name: string, content: string): Promise<Buffer> {
  const { crc32 } = await import('node:zlib');
  const data = Buffer.from(content);
  const nameBytes = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + data.length, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
