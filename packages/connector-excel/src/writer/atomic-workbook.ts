import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, open, readdir, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Row } from '@automl/connector-core';
import { dateToSerial } from '../reader/cell-value.js';

export interface AtomicWorkbookOptions {
  path: string;
  sheetName: string;
  /** Column order; when omitted, the keys of the first rows written, in first-seen order. */
  columns?: string[] | undefined;
}

/** One row to write, with its 0-based index in the input. */
export interface IndexedRow {
  index: number;
  row: Row;
}

/**
 * A workbook being written to a temporary file beside its target: rows go in as they come, then
 * `commit` renames the file over the target (the old file or the complete new one, never half a
 * workbook) and `abort` removes it. exceljs's streaming writer keeps memory to the shared strings.
 */
export interface AtomicWorkbook {
  /** The path the caller gave, resolved (a symbolic link stays the destination; its file is replaced). */
  readonly destination: string;
  /** Writes rows; returns those that cannot be stored as they are, with the reason. */
  writeRows(rows: readonly IndexedRow[]): Array<{ index: number; reason: string }>;
  /** Finishes the workbook, makes it durable and renames it over the target; returns its size. */
  commit(): Promise<number>;
  abort(): Promise<void>;
}

const maxCellText = 32_767; // Excel's limit per cell
// Without given columns, the keys of this many first rows name them (a stream is not read twice).
const columnSampleRows = 1000;
const dateTimeFormat = 'yyyy-mm-dd hh:mm:ss';
const dateFormat = 'yyyy-mm-dd';
// Characters XML 1.0 cannot carry, and a literal "_xHHHH_" that a reader would unescape: written
// as Excel's own _xHHHH_ escapes so the text reads back exactly.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const unsafeText = /[\x00-\x08\x0B-\x1F\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)/g;

function escapeText(text: string): string {
  return text.replace(unsafeText, (char) => `_x${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

export async function openAtomicWorkbook(options: AtomicWorkbookOptions): Promise<AtomicWorkbook> {
  const destination = resolve(options.path);
  const target = await regularFileTarget(destination);
  await removeStaleTemporaries(target);
  const temporary = join(dirname(target), `${temporaryPrefix(target)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  inFlight.add(temporary);
  const output = createWriteStream(temporary, { flags: 'wx' });
  const abort = async () => {
    output.destroy();
    await unlink(temporary).catch(() => undefined);
    inFlight.delete(temporary);
  };
  try {
    await new Promise<void>((resolveOpen, rejectOpen) => {
      output.once('open', () => resolveOpen());
      output.once('error', rejectOpen);
    });
    // Loaded on first write: exceljs costs ~35 MB of memory that a read-only job should not pay.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: true });
    const sheet = workbook.addWorksheet(options.sheetName);
    let columns: string[] | undefined;
    let columnSet = new Set<string>();
    const start = (names: string[]) => {
      columns = names;
      columnSet = new Set(names);
      sheet.addRow(names.map(escapeText)).commit();
    };
    if (options.columns) start([...new Set(options.columns)]);
    const add = (row: Row, cells: Cell[]) => {
      const added = sheet.addRow(cells);
      cells.forEach((cell, at) => {
        // Dates are written as serials with a date format: that is all a date is in a workbook.
        const value = row[columns![at]!];
        if (typeof cell === 'number' && value instanceof Date) added.getCell(at + 1).numFmt = value.getTime() % 86_400_000 === 0 ? dateFormat : dateTimeFormat;
      });
      added.commit();
    };
    // Until the columns are known: the first rows, checked (a value no cell holds fails now), kept.
    let sample: Row[] = [];
    let sampled = 0;
    const sampleKeys = new Set<string>();
    const endSample = () => {
      start([...sampleKeys]);
      for (const row of sample) add(row, rowCells(row, columns!, columnSet) as Cell[]);
      sample = [];
    };
    return {
      destination,
      writeRows(rows) {
        const failed: Array<{ index: number; reason: string }> = [];
        if (columns === undefined) {
          for (const { index, row } of rows) {
            const keys = isRowObject(row) ? Object.keys(row) : [];
            for (const key of keys) sampleKeys.add(key);
            // The sample's keys become the columns, so only the values can make a sampled row fail.
            const cells = rowCells(row, keys, new Set(keys));
            if (typeof cells === 'string') failed.push({ index, reason: cells });
            else sample.push(row);
          }
          sampled += rows.length;
          if (sampled >= columnSampleRows) endSample();
          return failed;
        }
        for (const { index, row } of rows) {
          const cells = rowCells(row, columns, columnSet);
          if (typeof cells === 'string') failed.push({ index, reason: cells });
          else add(row, cells);
        }
        return failed;
      },
      async commit() {
        try {
          if (columns === undefined) endSample();
          sheet.commit();
          await workbook.commit();
          await syncFile(temporary);
          await rename(temporary, target);
          inFlight.delete(temporary);
          await syncDirectory(dirname(target));
          return (await stat(target)).size;
        } catch (error) {
          await abort();
          throw error;
        }
      },
      abort,
    };
  } catch (error) {
    await abort();
    throw error;
  }
}

/** The keys of these rows, in first-seen order. */
export function firstSeenKeys(rows: readonly unknown[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) if (isRowObject(row)) for (const key of Object.keys(row)) keys.add(key);
  return [...keys];
}

/**
 * The file to replace. A symbolic link is written through (the file it points to is replaced and
 * the link stays a link), as editors and `cp` do; a directory, FIFO, socket or device is refused,
 * never replaced by a regular file.
 */
async function regularFileTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops <= maxLinkHops; hops += 1) {
    const stats = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined; // a new file (or the target of a dangling link)
      throw error;
    });
    if (stats === undefined || stats.isFile()) return current;
    if (!stats.isSymbolicLink()) {
      const kind = stats.isDirectory()
        ? 'a directory'
        : stats.isFIFO()
          ? 'a FIFO (named pipe)'
          : stats.isSocket()
            ? 'a socket'
            : stats.isCharacterDevice() || stats.isBlockDevice()
              ? 'a device'
              : 'not a regular file';
      throw Object.assign(new Error(`${current} is ${kind}`), { code: stats.isDirectory() ? 'EISDIR' : 'ENOTREGULAR', kind, path: current });
    }
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP', path });
}

const maxLinkHops = 40; // Linux's own limit

// Temporary files of writes running in this process, which a stale-file sweep must not touch.
const inFlight = new Set<string>();

function temporaryPrefix(target: string): string {
  return `.${basename(target)}.`;
}

/**
 * Removes what killed writes to this target left behind: temporary files named after the target
 * whose process is gone, or of this process (a reused pid: a container's pid 1) but not in flight.
 */
async function removeStaleTemporaries(target: string): Promise<void> {
  const prefix = temporaryPrefix(target);
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      if (!name.startsWith(prefix)) return;
      const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
      if (!match) return;
      const path = join(dirname(target), name);
      const pid = Number(match[1]);
      if (pid === process.pid ? inFlight.has(path) : isAlive(pid)) return;
      await unlink(path).catch(() => undefined);
    }),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A plain object (or one with a null prototype): not a string, an array, a Date, undefined... */
export function isRowObject(row: unknown): row is Row {
  if (typeof row !== 'object' || row === null) return false;
  const prototype = Object.getPrototypeOf(row);
  return prototype === Object.prototype || prototype === null;
}

type Cell = string | number | boolean | Date | null;

/** The row's cells in column order, or why the row cannot be written as is. */
function rowCells(row: unknown, columns: readonly string[], columnSet: ReadonlySet<string>): Cell[] | string {
  if (!isRowObject(row)) return `not a row object (got ${describeValue(row)})`;
  for (const key of Object.keys(row)) {
    if (!columnSet.has(key))
      return `column "${key}" is not among the written columns (${columns.length > 20 ? `${columns.slice(0, 20).join(', ')}...` : columns.join(', ')}); pass columns to include it`;
  }
  const cells: Cell[] = new Array(columns.length);
  for (let at = 0; at < columns.length; at += 1) {
    const column = columns[at]!;
    const value = row[column];
    if (typeof value === 'string' && value.length > maxCellText)
      return `column "${column}" holds ${value.length} characters; an Excel cell holds at most ${maxCellText}`;
    const cell = cellValue(value);
    if (typeof cell === 'object' && cell !== null && !(cell instanceof Date)) return `column "${column}" ${cell.problem}`;
    cells[at] = cell;
  }
  return cells;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

/**
 * A row value as exceljs stores it; JSON values as their JSON text, NaN and Infinity as empty
 * cells; `{ problem }` for what no cell can hold (a BigInt, a function, a symbol, a circular object).
 */
function cellValue(value: unknown): Cell | { problem: string } {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
      return escapeText(value);
    case 'boolean':
      return value;
    case 'bigint':
      return { problem: 'holds a BigInt, which a cell cannot hold exactly; convert it to a number or a string' };
    case 'function':
    case 'symbol':
      return { problem: `holds a ${typeof value}, which a cell cannot hold` };
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    // exceljs counts days plainly and would shift dates before 1900-03-01 by Excel's phantom leap
    // day; dates Excel cannot hold at all (before 1900) are kept as ISO text rather than lost.
    return dateToSerial(value) ?? value.toISOString();
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return { problem: `cannot be written as JSON text (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  if (json === undefined) return { problem: 'cannot be written as JSON text' };
  if (json.length > maxCellText) return { problem: `holds ${json.length} characters of JSON text; an Excel cell holds at most ${maxCellText}` };
  return escapeText(json);
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename durable; not every platform can open a directory, which is harmless. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some file systems refuse: the rename itself is still atomic.
  }
}
