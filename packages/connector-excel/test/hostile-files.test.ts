import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, DataError, NotFoundError, type Row, writeResultOf } from '@automl/connector-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExcelConnector } from '../src/index.js';
import { fixture, temporaryDirectory } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await temporaryDirectory()));
afterEach(() => cleanup());

const options = { metricsRegistry: null };
const reader = (filePath: string) => new ExcelConnector({ connectionType: 'excel', filePath }, options);
const posix = process.platform !== 'win32';

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('paths that are not regular files', () => {
  it.runIf(posix)('a FIFO as filePath is refused at once (it used to block for good)', async () => {
    const fifo = join(dir, 'pipe.xlsx');
    execFileSync('mkfifo', [fifo]);
    await using connector = reader(fifo);
    const error = await caught(connector.listTables());
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`"${fifo}" is a FIFO (named pipe), not a workbook file`);
    expect(error.hint).toMatch(/pass the stream as `source`/);
  });

  it.runIf(posix)('a device is refused', async () => {
    await using connector = reader('/dev/zero');
    expect((await caught(connector.readExcel())).message).toBe('"/dev/zero" is a device, not a workbook file');
  });

  it.runIf(posix)('a symbolic link loop is a ConfigError with a hint', async () => {
    const loop = join(dir, 'loop.xlsx');
    await symlink(loop, loop);
    await using connector = reader(loop);
    const error = await caught(connector.listTables());
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/is a symbolic link that leads back to itself \(a loop\)/);
    expect(error.hint).toMatch(/readlink -f/);
    const write = await caught(new ExcelConnector({ connectionType: 'excel' }, options).writeExcel([{ a: 1 }], { path: loop }));
    expect(write.message).toMatch(/^"[^"]*loop.xlsx" cannot be opened: it is a symbolic link that leads back to itself/);
  });
});

describe('uploads', () => {
  it('a stream upload that fails to open leaves no spooled copy, and a second open gives the same error', async () => {
    const spool = join(dir, 'tmp');
    await mkdir(spool);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = spool;
    try {
      const truncated = await readFile(fixture('truncated.xlsx'));
      const connector = new ExcelConnector({ connectionType: 'excel', source: Readable.from([truncated]) }, options);
      const first = await caught(connector.listTables());
      expect(DataError.isInstance(first)).toBe(true);
      expect(first.message).toMatch(/truncated or corrupt/);
      expect(await readdir(spool)).toEqual([]);
      const second = await caught(connector.readExcel());
      expect(second.message).toBe(first.message);
      await connector.close();
      expect(await readdir(spool)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});

describe('write targets', () => {
  const writer = () => new ExcelConnector({ connectionType: 'excel', filePath: fixture('sheetjs-written.xlsx') }, options);

  it('errors name the file being written, not the workbook the connector reads', async () => {
    const target = join(dir, 'missing', 'out.xlsx');
    const error = await caught(writer().writeExcel([{ a: 1 }], { path: target }));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`Cannot write "${target}": its directory does not exist`);
    expect(error.message).not.toContain('sheetjs-written');
  });

  it.runIf(posix)('writes through a symbolic link: the link stays, the file it points to is replaced', async () => {
    const real = join(dir, 'real.xlsx');
    const link = join(dir, 'link.xlsx');
    await writeFile(real, 'old');
    await symlink(real, link);
    const path = await writer().writeExcel([{ a: 1 }], { path: link });
    expect(path).toBe(link);
    expect(await readlink(link)).toBe(real);
    await using connector = reader(real);
    expect(await connector.readExcel()).toEqual([{ a: 1 }]);
    // A dangling link creates the file it names.
    const dangling = join(dir, 'dangling.xlsx');
    await symlink(join(dir, 'created.xlsx'), dangling);
    await writer().writeExcel([{ b: 2 }], { path: dangling });
    await using created = reader(join(dir, 'created.xlsx'));
    expect(await created.readExcel()).toEqual([{ b: 2 }]);
  });

  it.runIf(posix)('refuses to replace a FIFO, a device or a directory', async () => {
    const fifo = join(dir, 'pipe.xlsx');
    execFileSync('mkfifo', [fifo]);
    expect((await caught(writer().writeExcel([{ a: 1 }], { path: fifo }))).message).toBe(`"${fifo}" is a FIFO (named pipe), not a workbook file`);
    expect((await caught(writer().writeExcel([{ a: 1 }], { path: '/dev/null' }))).message).toBe('"/dev/null" is a device, not a workbook file');
    expect((await caught(writer().writeExcel([{ a: 1 }], { path: dir }))).message).toMatch(/is a directory, not a workbook/);
    expect((await readdir(dir)).sort()).toEqual(['pipe.xlsx']);
  });

  it("removes what a killed write to the same target left behind, and nobody else's files", async () => {
    const target = join(dir, 'out.xlsx');
    // A pid that no process holds (pid_max is at most 2^22 on Linux), and a live one.
    const stale = join(dir, '.out.xlsx.4194999.0a1b2c3d.tmp');
    const live = join(dir, `.out.xlsx.${process.ppid}.0a1b2c3d.tmp`);
    const other = join(dir, '.other.xlsx.4194999.0a1b2c3d.tmp');
    for (const file of [stale, live, other]) await writeFile(file, 'partial');
    await writer().writeExcel([{ a: 1 }], { path: target });
    expect((await readdir(dir)).sort()).toEqual([`.out.xlsx.${process.ppid}.0a1b2c3d.tmp`, '.other.xlsx.4194999.0a1b2c3d.tmp', 'out.xlsx'].sort());
  });
});

describe('rows that cannot be written fail alone', () => {
  it('unserialisable values, undefined and non-object rows are failed entries; the others are written', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const rows = [
      { id: 1, v: 'ok' },
      { id: 2, v: 10n },
      { id: 3, v: circular },
      { id: 4, v: () => 1 },
      { id: 5, v: Symbol('s') },
      undefined,
      'hello',
      { id: 8, v: { nested: [1, 2] } },
    ] as unknown as Row[];
    const path = join(dir, 'mixed.xlsx');
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, options);
    const result = await connector.write(rows);
    expect(result.received).toBe(8);
    expect(result.written).toBe(2);
    expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual([
      [1, expect.stringMatching(/column "v" holds a BigInt/)],
      [2, expect.stringMatching(/column "v" cannot be written as JSON text \(.*circular/i)],
      [3, 'column "v" holds a function, which a cell cannot hold'],
      [4, 'column "v" holds a symbol, which a cell cannot hold'],
      [5, expect.stringMatching(/Not a row/)],
      [6, expect.stringMatching(/Not a row/)],
    ]);
    expect(await connector.readAll()).toEqual([
      { id: 1, v: 'ok' },
      { id: 8, v: '{"nested":[1,2]}' },
    ]);
  });

  it('a string row is not written as columns "0".."4"', async () => {
    const path = join(dir, 'strings.xlsx');
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, options);
    const result = await connector.write(['hello', { a: 1 }] as unknown as Row[]);
    expect(result.failed).toHaveLength(1);
    expect((await connector.describe()).columns.map((column) => column.name)).toEqual(['a']);
  });
});

describe('column order through a read and a write', () => {
  it('numeric header names keep their sheet position when the read columns are passed on', async () => {
    const source = join(dir, 'numeric.xlsx');
    await new ExcelConnector({ connectionType: 'excel' }, options).writeExcel([{ name: 'a', '2': 2, '1': 1 }], { path: source, columns: ['name', '2', '1'] });
    await using connector = reader(source);
    const { rows, columns } = await connector.readExcelWithReport();
    expect(columns).toEqual(['name', '2', '1']);
    expect(Object.keys(rows[0]!)).toEqual(['1', '2', 'name']); // JavaScript's key order, whatever the sheet says
    expect((await connector.describe()).columns.map((column) => column.name)).toEqual(['name', '2', '1']);
    const copy = join(dir, 'copy.xlsx');
    await connector.writeExcel(rows, { path: copy, columns });
    await using back = reader(copy);
    expect((await back.readExcelWithReport()).columns).toEqual(['name', '2', '1']);
  });
});

describe('a cancelled write', () => {
  it('rejects with the AbortError, carries the partial result and leaves neither the file nor a temporary', async () => {
    const path = join(dir, 'cancelled.xlsx');
    const controller = new AbortController();
    async function* rows() {
      for (let i = 0; i < 5000; i += 1) {
        if (i === 2500) controller.abort();
        yield { i };
      }
    }
    await using connector = new ExcelConnector({ connectionType: 'excel', filePath: path }, options);
    const error = await caught(connector.write(rows(), { signal: controller.signal }));
    expect(error.name).toBe('AbortError');
    const result = writeResultOf(error);
    expect(result?.received).toBeGreaterThanOrEqual(2500);
    expect((result?.written ?? 0) + (result?.failed.length ?? 0)).toBe(result?.received);
    expect(await readdir(dir)).toEqual([]);
  });
});
