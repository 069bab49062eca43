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
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorOptions,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type RowsInput,
  type TableSchema,
  type WriteRequest,
  type WriteResult,
  type WriteSession,
} from '@automl/connector-core';
import { classifyExcelError, describeNonZip } from './excel-errors.js';
import type {
  ExcelReadOptions,
  ExcelReadRequest,
  ExcelSettings,
  ExcelSheet,
  ExcelWriteOptions,
  ExcelWriteRequest,
  ReadReport,
  ReadResult,
} from './excel-types.js';
import { parseUseCols } from './options/parse-use-cols.js';
import { BufferByteSource, FileByteSource, type ByteSource } from './reader/byte-source.js';
import { newReadReport, readSheetPages, type SheetReadPlan } from './reader/read-sheet-pages.js';
import { readWorkbookIndex, type SheetInfo, type WorkbookIndex } from './reader/workbook-index.js';
import { ZipFormatError } from './reader/zip-entries.js';
import { firstSeenKeys, openAtomicWorkbook, type AtomicWorkbook } from './writer/atomic-workbook.js';

const describeSampleRows = 1000;
// Rows per write batch: small, since rows held in a batch outlive young-generation collections and
// grow old space (peak RSS); the first 1,000 rows of a stream still name its columns.
const rowsPerWriteBatch = 100;
// Warnings passed on to core's read report (and logged one by one); the rest are counted.
const reportedWarnings = 100;

/** What readExcel and describe pass to readPages beside the contract's keys. */
interface SheetReadExtras {
  sheet?: string | number | undefined;
  report?: ReadReport;
}
const sheetRead = Symbol('excel sheet read');
type PagesRequest = ExcelReadRequest & { [sheetRead]?: SheetReadExtras };

/** What writeExcel passes to the write session beside the contract's keys. */
interface WriteExtras {
  path?: string | undefined;
  columns?: string[] | undefined;
}
const workbookWrite = Symbol('excel workbook write');
type ResolvedExcelWrite = ResolvedWriteRequest & WriteExtras;

interface OpenWorkbook {
  source: ByteSource;
  index: WorkbookIndex;
}

function isReadable(value: unknown): value is Readable {
  return (
    value instanceof Readable ||
    (typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).on === 'function')
  );
}

/** Splits the upload (`source`) off the settings: core validates the rest as the excel config. */
function splitSettings(settings: unknown): [unknown, Uint8Array | Readable | undefined] {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return [settings, undefined];
  const { source, ...config } = settings as Record<string, unknown>;
  if (source !== undefined && !(source instanceof Uint8Array) && !isReadable(source)) {
    throw new ConfigError({
      message: 'Invalid connection config: source: expected a Buffer, Uint8Array or readable stream',
      connector: 'excel',
      operation: 'config',
    });
  }
  return [config, source as Uint8Array | Readable | undefined];
}

/**
 * Reads .xlsx/.xlsm workbooks as typed rows, streaming, and writes rows as a workbook atomically.
 * Reads page through the sheet with bounded memory (see README: only the shared-string table is
 * held whole); `readExcel` is the all-rows convenience with the specification's option names.
 */
export class ExcelConnector extends BaseConnector<'excel'> {
  readonly #upload: Uint8Array | Readable | undefined;
  #opening: Promise<OpenWorkbook> | undefined;
  // Sources replaced after a write to the same file stay open for reads still using them.
  readonly #retired: ByteSource[] = [];
  #spoolDirectory: string | undefined;
  // A stream upload can be read once: when opening it failed, every later open gives that error.
  #uploadFailure: ConnectorError | undefined;

  constructor(settings: ExcelSettings | Record<string, unknown>, options: ConnectorOptions = {}) {
    const [config, upload] = splitSettings(settings);
    // No read-ahead: parsing is local CPU work, which a page read ahead would not overlap with
    // anything, and it would hold one more page in memory.
    super('excel', config, options, {
      read: true,
      write: true,
      writeModes: ['overwrite'],
      maxRecordsPerWrite: rowsPerWriteBatch,
      writeConcurrency: 1,
      readAhead: 0,
    });
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
    // Nothing to open up front: the workbook is opened by the first read, listing or probe (a
    // connector that writes a new file has nothing to open), and its errors surface there.
  }

  protected async closeConnection(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    const sources = [...this.#retired.splice(0)];
    if (opening) sources.push(...(await opening.then((open) => [open.source]).catch(() => [])));
    await Promise.all(sources.map((source) => source.close().catch(() => undefined)));
    await this.#removeSpool();
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

  /** Column names and types from the first 1,000 rows; rowCount only when the sample is the whole sheet. Columns in sheet order. */
  async describe(table?: string): Promise<TableSchema> {
    const report = newReadReport('');
    const rows = await collectPages(
      this.read({ [sheetRead]: { sheet: table, report }, maxRows: describeSampleRows + 1, pageSize: describeSampleRows + 1 } as PagesRequest),
      describeSampleRows + 1,
    );
    const sample = rows.slice(0, describeSampleRows);
    return {
      table: report.sheet,
      columns: inferColumns(sample, report.columns),
      ...(rows.length <= describeSampleRows ? { rowCount: rows.length } : {}),
    };
  }

  /** Pages of rows (about 20,000 cells per page by default), read lazily as the consumer pulls. `table` is the sheet. */
  override read(request: ExcelReadRequest = {}): AsyncIterable<Row[]> {
    return super.read(request);
  }

  /** All rows of a sheet, with the specification's option names (`sheetName`, `skipRows`, `useCols`, `headerRow`). */
  async readExcel(options: ExcelReadOptions = {}): Promise<Row[]> {
    return (await this.readExcelWithReport(options)).rows;
  }

  /** Like readExcel, and returns what the read saw: columns (in sheet order), row count and warnings. */
  async readExcelWithReport(options: ExcelReadOptions = {}): Promise<ReadResult> {
    const report = newReadReport('');
    const { sheetName, maxRows, ...rest } = options;
    const limit = maxRows ?? this.config.maxRows;
    const rows = await collectPages(
      this.read({ ...rest, ...(limit !== undefined ? { maxRows: limit } : {}), [sheetRead]: { sheet: sheetName, report } } as PagesRequest),
      limit,
    );
    return { ...report, rows };
  }

  /** Writes rows as a new one-sheet workbook at `path` (default: filePath) and returns the path. */
  async writeExcel(rows: RowsInput, options: ExcelWriteOptions = {}): Promise<string> {
    const { path, columns, sheetName, signal } = options;
    const result = await this.write(rows, { mode: 'overwrite', table: sheetName, signal, columns, [workbookWrite]: { path } } as ExcelWriteRequest);
    return result.destination!;
  }

  /**
   * The contract's write: replaces the workbook at filePath with one sheet (`table`, default the
   * config's sheetName or "Sheet1"), columns in the order of `columns` or the rows' keys. Rows
   * that cannot be stored are reported in `failed`; the file is replaced only when the write ends.
   */
  override async write(rows: RowsInput, request: ExcelWriteRequest = {}): Promise<WriteResult> {
    // The keys of every row of an array name the columns; a stream's first batch does.
    const columns = request.columns ?? (Array.isArray(rows) ? firstSeenKeys(rows) : undefined);
    const extras = (request as { [workbookWrite]?: WriteExtras })[workbookWrite];
    return super.write(rows, { ...request, [workbookWrite]: { ...extras, columns } } as WriteRequest);
  }

  protected override resolveWriteRequest(request: WriteRequest): ResolvedExcelWrite {
    const extras = (request as { [workbookWrite]?: WriteExtras })[workbookWrite];
    return { table: request.table, mode: request.mode ?? 'overwrite', keyColumn: undefined, path: extras?.path, columns: extras?.columns };
  }

  protected override async beginWrite(request: ResolvedExcelWrite, context: ConnectorContext): Promise<WriteSession> {
    const path = request.path ?? this.config.filePath;
    if (path === undefined) {
      throw new ConfigError({ message: 'Nowhere to write: give a path or configure filePath', connector: this.id, operation: 'write' });
    }
    const sheetName = request.table ?? this.config.sheetName ?? 'Sheet1';
    if (!/^[^\\/?*[\]:]{1,31}$/.test(sheetName) || sheetName.startsWith("'") || sheetName.endsWith("'")) {
      throw new ConfigError({
        message: `Invalid sheet name "${sheetName}": Excel allows 1 to 31 characters, none of \\ / ? * [ ] : and no leading or trailing apostrophe`,
        connector: this.id,
        operation: 'write',
      });
    }
    // Errors name the file being written, not the workbook this connector reads.
    const named = (error: unknown) => ((error as Error | null)?.name === 'AbortError' ? error : classifyExcelError(error, 'write', `"${path}"`));
    let workbook: AtomicWorkbook;
    try {
      workbook = await openAtomicWorkbook({ path, sheetName, columns: request.columns });
    } catch (error) {
      throw named(error);
    }
    return {
      destination: workbook.destination,
      prepare: (row) => ({ payload: row }),
      writeBatch: async (batch) => {
        try {
          const failed = workbook.writeRows(batch);
          return { failed, created: batch.length - failed.length };
        } catch (error) {
          throw named(error);
        }
      },
      commit: async (summary) => {
        let bytes: number;
        try {
          bytes = await workbook.commit();
        } catch (error) {
          throw named(error);
        }
        context.recordBytes('write', bytes);
        if (summary.failed > 0) this.logger.warn({ connector: this.id, operation: 'write', failed: summary.failed }, 'some rows could not be written');
        if (this.config.filePath !== undefined && resolve(this.config.filePath) === workbook.destination) this.#forgetWorkbook();
      },
      abort: () => workbook.abort(),
    };
  }

  /** The next read opens the file again (it was just replaced); reads in flight keep their handle. */
  #forgetWorkbook(): void {
    const opening = this.#opening;
    this.#opening = undefined;
    opening?.then((open) => this.#retired.push(open.source)).catch(() => undefined);
  }

  /** The sheet's rows as pages; core cuts them at maxRows, meters them and handles cancellation. */
  protected override async *readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    const extras = (request as PagesRequest)[sheetRead];
    const report = extras?.report ?? newReadReport('');
    const { source, index } = await this.#workbook();
    const sheet = this.#resolveSheet(index, extras ? extras.sheet : request.table);
    report.sheet = sheet.name;
    const plan = this.#plan(request as ExcelReadRequest);
    let passed = 0;
    try {
      yield* readSheetPages(
        source,
        index,
        sheet,
        plan,
        report,
        (compressed) => context.recordBytes('read', compressed),
        (warning) => {
          if (passed < reportedWarnings) context.warn(warning.code, warning.message);
          passed += 1;
        },
      );
    } finally {
      if (passed > reportedWarnings) {
        const counts = Object.entries(report.warningCounts).map(([code, count]) => `${count} ${code}`);
        context.warn('more-warnings', `read of sheet "${report.sheet}": ${passed - reportedWarnings} more warnings (${counts.join(', ')} in all)`);
      }
    }
  }

  #plan(request: Omit<ExcelReadRequest, 'table'>): SheetReadPlan {
    const headerRow = request.headerRow ?? 0;
    if (headerRow !== false && (!Number.isInteger(headerRow) || headerRow < 0)) {
      throw new ConfigError({ message: `Invalid headerRow ${String(headerRow)}: use a 0-based row index or false`, connector: this.id, operation: 'read' });
    }
    const skipRows = request.skipRows ?? 0;
    const skipValid =
      typeof skipRows === 'number'
        ? Number.isInteger(skipRows) && skipRows >= 0
        : Array.isArray(skipRows) && skipRows.every((row) => Number.isInteger(row) && row >= 0);
    if (!skipValid) {
      throw new ConfigError({ message: 'Invalid skipRows: use a number of rows or a list of 0-based row indices', connector: this.id, operation: 'read' });
    }
    const pageSize = request.pageSize;
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1))
      throw new ConfigError({ message: `Invalid pageSize ${pageSize}`, connector: this.id, operation: 'read' });
    const useCols = request.useCols ?? (request.columns && request.columns.length > 0 ? request.columns : undefined);
    return {
      skipRows,
      headerRow,
      selector: parseUseCols(useCols),
      // Core cuts the stream at maxRows; the plan stops scanning there too.
      maxRows: request.maxRows ?? Number.POSITIVE_INFINITY,
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
      if (!sheet)
        throw new NotFoundError({
          message: `Sheet index ${wanted} is out of range: ${this.#label} has ${sheets.length} sheet(s): ${available()}`,
          connector: this.id,
          operation: 'read',
        });
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

  #workbook(): Promise<OpenWorkbook> {
    if (this.#uploadFailure) return Promise.reject(this.#uploadFailure);
    this.#opening ??= this.#openWorkbook().catch(async (error: unknown) => {
      this.#opening = undefined;
      const typed = this.classifyError(error, 'connect');
      if (this.#upload !== undefined && !(this.#upload instanceof Uint8Array)) {
        // The stream is consumed: keep its error for later opens, and remove the spooled copy now,
        // since close() has nothing to release after a failed connect.
        this.#uploadFailure = typed;
        await this.#removeSpool();
      }
      throw typed;
    });
    return this.#opening;
  }

  async #removeSpool(): Promise<void> {
    const directory = this.#spoolDirectory;
    this.#spoolDirectory = undefined;
    if (directory) await rm(directory, { recursive: true, force: true });
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
