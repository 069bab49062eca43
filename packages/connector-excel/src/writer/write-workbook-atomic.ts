import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { RowFailure, RowsInput, Row, Value } from '@automl/connector-core';
import { dateToSerial } from '../reader/cell-value.js';

export interface AtomicWriteOptions {
  path: string;
  sheetName: string;
  columns?: string[] | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each committed row: lets the connector count rows and bytes as they go. */
  onProgress?: (rowsWritten: number) => void;
}

export interface AtomicWriteResult {
  path: string;
  received: number;
  written: number;
  failed: RowFailure[];
  bytes: number;
}

const maxCellText = 32_767; // Excel's limit per cell
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

/**
 * Writes rows as a one-sheet workbook through a temporary file in the target's directory, then
 * renames it over the target: a crash or error leaves either the old file or the complete new one,
 * never half a workbook. exceljs's streaming writer keeps memory to the shared strings.
 */
export async function writeWorkbookAtomic(rows: RowsInput, options: AtomicWriteOptions): Promise<AtomicWriteResult> {
  const target = resolve(options.path);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const { columns, rest } = await resolveColumns(rows, options.columns);
  const output = createWriteStream(temporary, { flags: 'wx' });
  const opened = new Promise<void>((resolveOpen, rejectOpen) => {
    output.once('open', () => resolveOpen());
    output.once('error', rejectOpen);
  });
  let received = 0;
  let written = 0;
  const failed: RowFailure[] = [];
  try {
    await opened;
    // Loaded on first write: exceljs costs ~35 MB of memory that a read-only job should not pay.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: true });
    const sheet = workbook.addWorksheet(options.sheetName);
    sheet.addRow(columns.map(escapeText)).commit();
    for await (const row of rest) {
      const index = received;
      received += 1;
      if ((index & 1023) === 0) options.signal?.throwIfAborted();
      const problem = rowProblem(row, columns);
      if (problem) {
        failed.push({ index, row, reason: problem });
        continue;
      }
      const added = sheet.addRow(columns.map((column) => cellValue(row[column])));
      columns.forEach((column, at) => {
        const value = row[column];
        // Dates are written as serials with a date format: that is all a date is in a workbook.
        if (value instanceof Date && dateToSerial(value) !== undefined) {
          added.getCell(at + 1).numFmt = value.getTime() % 86_400_000 === 0 ? dateFormat : dateTimeFormat;
        }
      });
      added.commit();
      written += 1;
      options.onProgress?.(written);
    }
    options.signal?.throwIfAborted();
    sheet.commit();
    await workbook.commit();
    await syncFile(temporary);
    await rename(temporary, target);
    await syncDirectory(dirname(target));
    const handle = await open(target, 'r');
    const bytes = (await handle.stat()).size;
    await handle.close();
    return { path: target, received, written, failed, bytes };
  } catch (error) {
    output.destroy();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Column names: given, or the keys of the rows in first-seen order (of all rows for an array, of the first 1,000 for a stream). */
async function resolveColumns(rows: RowsInput, given: string[] | undefined): Promise<{ columns: string[]; rest: RowsInput }> {
  if (given) return { columns: [...new Set(given)], rest: rows };
  const keys = new Set<string>();
  const collect = (row: Row) => {
    for (const key of Object.keys(row)) keys.add(key);
  };
  if (Array.isArray(rows)) {
    for (const row of rows as Row[]) collect(row);
    return { columns: [...keys], rest: rows };
  }
  const iterator = (Symbol.asyncIterator in rows ? (rows as AsyncIterable<Row>)[Symbol.asyncIterator]() : (rows as Iterable<Row>)[Symbol.iterator]()) as AsyncIterator<Row> | Iterator<Row>;
  const head: Row[] = [];
  while (head.length < columnSampleRows) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    collect(next.value);
  }
  async function* rest(): AsyncGenerator<Row> {
    yield* head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { columns: [...keys], rest: rest() };
}

/** Why a row cannot be written as is, or undefined. */
function rowProblem(row: Row, columns: readonly string[]): string | undefined {
  if (row === null || typeof row !== 'object') return 'not a row object';
  for (const key of Object.keys(row)) {
    if (!columns.includes(key)) return `column "${key}" is not among the written columns (${columns.length > 20 ? `${columns.slice(0, 20).join(', ')}...` : columns.join(', ')}); pass columns to include it`;
    const value = row[key];
    if (typeof value === 'string' && value.length > maxCellText) return `column "${key}" holds ${value.length} characters; an Excel cell holds at most ${maxCellText}`;
  }
  return undefined;
}

/** A row value as exceljs stores it; JSON values as their JSON text, NaN and Infinity as empty cells. */
function cellValue(value: Value | undefined): string | number | boolean | Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    // exceljs counts days plainly and would shift dates before 1900-03-01 by Excel's phantom leap
    // day; dates Excel cannot hold at all (before 1900) are kept as ISO text rather than lost.
    return dateToSerial(value) ?? value.toISOString();
  }
  return escapeText(JSON.stringify(value));
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
