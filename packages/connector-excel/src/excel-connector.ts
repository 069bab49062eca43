import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BaseConnector,
  collectPages,
  inferColumns,
  ConfigError,
  NotFoundError,
  UnsupportedOperationError,
  type ConnectionTestResult,
  type ConnectorError,
  type ConnectorOptions,
  type Row,
  type RowsInput,
  type TableSchema,
  type WriteRequest,
  type WriteResult,
} from '@automl/connector-core';
import { classifyExcelError, describeNonZip } from './excel-errors.js';
import type {
  ExcelReadOptions,
  ExcelReadRequest,
  ExcelSettings,
  ExcelSheet,
  ExcelWriteOptions,
  ReadReport,
  ReadResult,
  ReadWarning,
} from './excel-types.js';
import { parseUseCols } from './options/parse-use-cols.js';
import { BufferByteSource, FileByteSource, type ByteSource } from './reader/byte-source.js';
import { newReadReport, readSheetPages, type SheetReadPlan } from './reader/read-sheet-pages.js';
import { readWorkbookIndex, type SheetInfo, type WorkbookIndex } from './reader/workbook-index.js';
import { ZipFormatError } from './reader/zip-entries.js';
import { writeWorkbookAtomic } from './writer/write-workbook-atomic.js';

const describeSampleRows = 1000;

interface OpenWorkbook {
  source: ByteSource;
  index: WorkbookIndex;
}

function isReadable(value: unknown): value is Readable {
  return value instanceof Readable || (typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).on === 'function');
}

/** Splits the upload (`source`) off the settings: core validates the rest as the excel config. */
function splitSettings(settings: unknown): [unknown, Uint8Array | Readable | undefined] {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return [settings, undefined];
  const { source, ...config } = settings as Record<string, unknown>;
  if (source !== undefined && !(source instanceof Uint8Array) && !isReadable(source)) {
    throw new ConfigError({ message: 'Invalid connection config: source: expected a Buffer, Uint8Array or readable stream', connector: 'excel', operation: 'config' });
  }
  return [config, source as Uint8Array | Readable | undefined];
}

/**
 * Reads .xlsx/.xlsm workbooks as typed rows, streaming, and writes rows as a workbook atomically.
 * Reads page through the sheet with bounded memory (see README: only the shared-string table is
 * held whole); `readExcel` is the all-rows convenience with the specification's option names.
 */
export class ExcelConnector extends BaseConnector<'excel'> {
  /** The warnings of the most recent read (`read`, `readAll`, `readExcel`); `readExcelWithReport` returns its own. */
  lastReadWarnings: ReadWarning[] = [];
  /** The report of the most recent read: sheet, columns, rows, warnings and their counts. */
  lastReadReport: ReadReport | undefined;
  readonly #upload: Uint8Array | Readable | undefined;
  #opening: Promise<OpenWorkbook> | undefined;
  // Sources replaced after a write to the same file stay open for reads still using them.
  readonly #retired: ByteSource[] = [];
  #spoolDirectory: string | undefined;

  constructor(settings: ExcelSettings | Record<string, unknown>, options: ConnectorOptions = {}) {
    const [config, upload] = splitSettings(settings);
    super('excel', config, options, { read: true, write: true });
    if (upload !== undefined && this.config.filePath !== undefined) {
      throw new ConfigError({ message: 'Invalid connection config: give filePath or source, not both', connector: 'excel', operation: 'config' });
    }
    this.#upload = upload;
  }

  /** How the workbook is named in messages. */
  get #label(): string {
    return this.config.filePath ? `"${this.config.filePath}"` : 'the uploaded workbook';
  }

  protected async openConnection(): Promise<void> {
    // A connector configured only to write has nothing to open.
    if (this.config.filePath !== undefined || this.#upload !== undefined) await this.#workbook();
  }

  protected async closeConnection(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    const sources = [...this.#retired.splice(0)];
    if (opening) sources.push(...(await opening.then((open) => [open.source]).catch(() => [])));
    await Promise.all(sources.map((source) => source.close().catch(() => undefined)));
    if (this.#spoolDirectory) await rm(this.#spoolDirectory, { recursive: true, force: true });
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const { source, index } = await this.#workbook();
    return {
      identity: this.config.filePath ? resolve(this.config.filePath) : 'uploaded workbook',
      details: {
        sheets: index.sheets.length,
        hiddenSheets: index.sheets.filter((sheet) => sheet.visibility !== 'visible').length,
        date1904: index.date1904,
        bytes: source.size,
      },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifyExcelError(error, operation, this.#label);
  }

  /** Sheet names in workbook (tab) order, hidden sheets included. */
  async listTables(): Promise<string[]> {
    return (await this.listSheets()).map((sheet) => sheet.name);
  }

  /** The worksheets with their position and visibility. */
  async listSheets(): Promise<ExcelSheet[]> {
    await this.connect();
    const { index } = await this.#workbook();
    return index.sheets.map(({ name, index: position, visibility }) => ({ name, index: position, visibility }));
  }

  /** Column names and types from the first 1,000 rows; rowCount only when the sample is the whole sheet. */
  async describe(table?: string): Promise<TableSchema> {
    const report = newReadReport('');
    const rows = await collectPages(this.#pages({ table, maxRows: describeSampleRows + 1, pageSize: describeSampleRows + 1 }, report), describeSampleRows + 1);
    const sample = rows.slice(0, describeSampleRows);
    return {
      table: report.sheet,
      columns: inferColumns(sample, report.columns),
      ...(rows.length <= describeSampleRows ? { rowCount: rows.length } : {}),
    };
  }

  /** Pages of rows (default 10,000 per page), read lazily as the consumer pulls. `table` is the sheet. */
  async *read(request: ExcelReadRequest = {}): AsyncGenerator<Row[]> {
    const report = newReadReport('');
    this.lastReadReport = report;
    this.lastReadWarnings = report.warnings;
    yield* this.#pages(request, report);
  }

  /** All rows of a sheet, with the specification's option names (`sheetName`, `skipRows`, `useCols`, `headerRow`). */
  async readExcel(options: ExcelReadOptions = {}): Promise<Row[]> {
    return (await this.readExcelWithReport(options)).rows;
  }

  /** Like readExcel, and returns what the read saw: columns, row count and warnings. */
  async readExcelWithReport(options: ExcelReadOptions = {}): Promise<ReadResult> {
    const report = newReadReport('');
    this.lastReadReport = report;
    this.lastReadWarnings = report.warnings;
    const { sheetName, maxRows, ...rest } = options;
    const limit = maxRows ?? this.config.maxRows ?? Number.POSITIVE_INFINITY;
    const rows = await collectPages(this.#pages({ ...rest, table: sheetName, maxRows: limit }, report), limit);
    return { ...report, rows };
  }

  /** Writes rows as a new one-sheet workbook at `path` (default: filePath) and returns the path. */
  async writeExcel(rows: RowsInput, options: ExcelWriteOptions = {}): Promise<string> {
    const result = await this.#write(rows, options);
    return result.destination!;
  }

  /**
   * The contract's write: replaces the workbook at filePath with one sheet (`table`, default the
   * config's sheetName or "Sheet1"). Rows that cannot be stored are reported in `failed`.
   */
  override async write(rows: RowsInput, request: WriteRequest = {}): Promise<WriteResult> {
    if (request.mode !== undefined && request.mode !== 'overwrite') {
      throw new UnsupportedOperationError({
        message: `The excel connector writes whole workbooks (mode "overwrite"); mode "${request.mode}" is not supported`,
        connector: this.id,
        operation: 'write',
        hint: 'Read the existing rows, combine them, and write the result.',
      });
    }
    return this.#write(rows, { sheetName: request.table, signal: request.signal });
  }

  async #write(rows: RowsInput, options: ExcelWriteOptions): Promise<WriteResult> {
    const path = options.path ?? this.config.filePath;
    if (path === undefined) {
      throw new ConfigError({ message: 'Nowhere to write: give a path or configure filePath', connector: this.id, operation: 'write' });
    }
    const sheetName = options.sheetName ?? this.config.sheetName ?? 'Sheet1';
    if (!/^[^\\/?*[\]:]{1,31}$/.test(sheetName) || sheetName.startsWith("'") || sheetName.endsWith("'")) {
      throw new ConfigError({
        message: `Invalid sheet name "${sheetName}": Excel allows 1 to 31 characters, none of \\ / ? * [ ] : and no leading or trailing apostrophe`,
        connector: this.id,
        operation: 'write',
      });
    }
    const result = await this.call(
      'write',
      ({ signal }) => writeWorkbookAtomic(rows, { path, sheetName, columns: options.columns, signal: options.signal ? AbortSignal.any([signal, options.signal]) : signal }),
      { idempotent: false, timeout: false, ...(options.signal ? { signal: options.signal } : {}) },
    );
    this.metrics.recordRows(this.id, 'write', result.written);
    this.metrics.recordBytes(this.id, 'write', result.bytes);
    if (result.failed.length > 0) this.logger.warn({ connector: this.id, operation: 'write', failed: result.failed.length, firstReason: result.failed[0]?.reason }, 'some rows could not be written');
    if (this.config.filePath !== undefined && resolve(this.config.filePath) === result.path) this.#forgetWorkbook();
    return { received: result.received, written: result.written, created: result.written, failed: result.failed, destination: result.path };
  }

  /** The next read opens the file again (it was just replaced); reads in flight keep their handle. */
  #forgetWorkbook(): void {
    const opening = this.#opening;
    this.#opening = undefined;
    opening?.then((open) => this.#retired.push(open.source)).catch(() => undefined);
  }

  async *#pages(request: Omit<ExcelReadRequest, 'table'> & { table?: string | number | undefined }, report: ReadReport): AsyncGenerator<Row[]> {
    await this.connect();
    const { source, index } = await this.#workbook();
    const sheet = this.#resolveSheet(index, request.table);
    report.sheet = sheet.name;
    const plan = this.#plan(request);
    const pages = readSheetPages(source, index, sheet, plan, report, (compressed) => this.metrics.recordBytes(this.id, 'read', compressed));
    try {
      // One request per read operation, however many pages it took (see README, Metrics).
      yield* this.meterPages('read', pages);
    } finally {
      this.#logWarnings(report);
    }
  }

  #plan(request: Omit<ExcelReadRequest, 'table'>): SheetReadPlan {
    const headerRow = request.headerRow ?? 0;
    if (headerRow !== false && (!Number.isInteger(headerRow) || headerRow < 0)) {
      throw new ConfigError({ message: `Invalid headerRow ${String(headerRow)}: use a 0-based row index or false`, connector: this.id, operation: 'read' });
    }
    const skipRows = request.skipRows ?? 0;
    const skipValid = typeof skipRows === 'number' ? Number.isInteger(skipRows) && skipRows >= 0 : Array.isArray(skipRows) && skipRows.every((row) => Number.isInteger(row) && row >= 0);
    if (!skipValid) {
      throw new ConfigError({ message: 'Invalid skipRows: use a number of rows or a list of 0-based row indices', connector: this.id, operation: 'read' });
    }
    const pageSize = request.pageSize;
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) throw new ConfigError({ message: `Invalid pageSize ${pageSize}`, connector: this.id, operation: 'read' });
    const useCols = request.useCols ?? (request.columns && request.columns.length > 0 ? request.columns : undefined);
    return {
      skipRows,
      headerRow,
      selector: parseUseCols(useCols),
      maxRows: request.maxRows ?? this.config.maxRows ?? Number.POSITIVE_INFINITY,
      pageSize,
      skipBlankRows: request.skipBlankRows ?? true,
      signal: request.signal,
    };
  }

  #resolveSheet(index: WorkbookIndex, requested: string | number | undefined): SheetInfo {
    const { sheets } = index;
    if (sheets.length === 0) throw new NotFoundError({ message: `${this.#label} has no worksheets`, connector: this.id, operation: 'read' });
    const wanted = requested ?? this.config.sheetName;
    const available = () => sheets.map((sheet) => `"${sheet.name}"${sheet.visibility === 'visible' ? '' : ` (${sheet.visibility})`}`).join(', ');
    if (wanted === undefined) return sheets.find((sheet) => sheet.visibility === 'visible') ?? sheets[0]!;
    if (typeof wanted === 'number') {
      const sheet = Number.isInteger(wanted) ? sheets[wanted] : undefined;
      if (!sheet) throw new NotFoundError({ message: `Sheet index ${wanted} is out of range: ${this.#label} has ${sheets.length} sheet(s): ${available()}`, connector: this.id, operation: 'read' });
      return sheet;
    }
    // Excel treats sheet names case-insensitively (it refuses "Data" and "DATA" in one workbook).
    const sheet = sheets.find((candidate) => candidate.name === wanted) ?? sheets.find((candidate) => candidate.name.toLowerCase() === wanted.toLowerCase());
    if (!sheet) {
      throw new NotFoundError({
        message: `Sheet "${wanted}" not found in ${this.#label}; available sheets: ${available()}`,
        connector: this.id,
        operation: 'read',
        hint: 'Sheet names are the tab names; call listTables() to see them.',
      });
    }
    return sheet;
  }

  #logWarnings(report: ReadReport): void {
    const counts = Object.entries(report.warningCounts);
    if (counts.length === 0) return;
    this.logger.warn(
      { connector: this.id, operation: 'read', sheet: report.sheet, warnings: report.warningCounts, examples: report.warnings.slice(0, 5).map((warning) => warning.message) },
      `read of sheet "${report.sheet}" finished with ${counts.map(([code, count]) => `${count} ${code}`).join(', ')}`,
    );
  }

  #workbook(): Promise<OpenWorkbook> {
    this.#opening ??= this.#openWorkbook().catch((error: unknown) => {
      this.#opening = undefined;
      throw this.classifyError(error, 'connect');
    });
    return this.#opening;
  }

  async #openWorkbook(): Promise<OpenWorkbook> {
    const source = await this.#openSource();
    try {
      return { source, index: await readWorkbookIndex(source) };
    } catch (error) {
      const notZip = error instanceof ZipFormatError && error.reason === 'not-zip' && !(await startsWithZipSignature(source));
      const described = notZip ? await describeNonZip(source, capitalise(this.#label)) : error;
      await source.close().catch(() => undefined);
      throw described;
    }
  }

  async #openSource(): Promise<ByteSource> {
    if (this.config.filePath !== undefined) return FileByteSource.open(this.config.filePath);
    const upload = this.#upload;
    if (upload instanceof Uint8Array) return new BufferByteSource(upload);
    if (upload !== undefined) {
      // A zip is read from its end, so a stream is spooled to a private temporary file (bounded memory).
      this.#spoolDirectory ??= await mkdtemp(join(tmpdir(), 'automl-excel-'));
      const path = join(this.#spoolDirectory, 'upload.xlsx');
      await pipeline(upload, createWriteStream(path));
      return FileByteSource.open(path);
    }
    throw new ConfigError({
      message: 'Invalid connection config: filePath: is required to read (or pass the workbook as source)',
      connector: this.id,
      operation: 'connect',
    });
  }
}

async function startsWithZipSignature(source: ByteSource): Promise<boolean> {
  const head = await source.read(0, 4);
  return head.length === 4 && head[0] === 0x50 && head[1] === 0x4b;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
