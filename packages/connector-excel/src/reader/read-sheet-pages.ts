import { NotFoundError, type Row, type Value } from '@automl/connector-core';
import type { ReadReport, ReadWarning, ReadWarningCode } from '../excel-types.js';
import { ColumnNamer, headerText } from '../options/header-names.js';
import type { ColumnSelector } from '../options/parse-use-cols.js';
import type { ByteSource } from './byte-source.js';
import { columnLetters } from './cell-value.js';
import { PendingRows } from './pending-rows.js';
import { excelLimits } from './read-limits.js';
import { readSharedStrings } from './shared-strings.js';
import { SheetRowScanner } from './sheet-row-scanner.js';
import type { SheetInfo, WorkbookIndex } from './workbook-index.js';
import { entryTextChunks } from './zip-entries.js';

/** How to turn a sheet's rows into records (the resolved ExcelReadOptions). */
export interface SheetReadPlan {
  skipRows: number | readonly number[];
  headerRow: number | false;
  selector: ColumnSelector;
  maxRows: number;
  skipBlankRows: boolean;
  /** Rows per page; by default a budget of about 20,000 cells (1,000 rows of 20 columns, at most 10,000 rows). */
  pageSize?: number | undefined;
  signal?: AbortSignal | undefined;
}

const columnDiscoveryRows = 1000;
// The discovery window also ends at this many cells: 1,000 rows of a 16,384-column sheet would be 16M.
const columnDiscoveryCells = 1_000_000;
const pageCellBudget = 20_000;

/**
 * Pages sized by cells, not rows: rows of a page outlive several young-generation collections and
 * get promoted, so a page of wide rows costs old-space growth (peak RSS) in proportion to its cells.
 */
export function defaultPageSize(columns: number): number {
  return Math.min(10_000, Math.max(100, Math.floor(pageCellBudget / Math.max(1, columns))));
}

const maxKeptWarnings = 1000;

/** A report that keeps the first warnings and counts all of them, so an error-ridden sheet cannot exhaust memory. */
export function newReadReport(sheet: string): ReadReport {
  return { sheet, columns: [], rowCount: 0, warnings: [], warningCounts: {} };
}

function addWarning(report: ReadReport, warning: ReadWarning): void {
  report.warningCounts[warning.code] = (report.warningCounts[warning.code] ?? 0) + 1;
  if (report.warnings.length < maxKeptWarnings) report.warnings.push(warning);
}

/**
 * Streams one sheet as pages of rows. Memory holds the shared strings, one inflated chunk and at
 * most a page of rows: the first page is gathered before any row is emitted, so columns that
 * only data rows reach (no header) are known; a later row that reaches further adds its column
 * from then on.
 */
export async function* readSheetPages(
  source: ByteSource,
  workbook: WorkbookIndex,
  sheet: SheetInfo,
  plan: SheetReadPlan,
  report: ReadReport,
  onBytes?: (compressed: number) => void,
  onWarning?: (warning: ReadWarning) => void,
): AsyncGenerator<Row[]> {
  const warn = (report: ReadReport, warning: ReadWarning) => {
    addWarning(report, warning);
    onWarning?.(warning);
  };
  const { signal, selector, maxRows, headerRow, skipBlankRows } = plan;
  // Until the columns are known, rows wait in a discovery window; then pages are cut at pageSize.
  let pageSize = plan.pageSize ?? columnDiscoveryRows;
  signal?.throwIfAborted();
  if (maxRows <= 0) return;
  const sharedStrings = await readSharedStrings(source, workbook.sharedStringsEntry, signal);

  const skipFirst = typeof plan.skipRows === 'number' ? plan.skipRows : 0;
  const skipSet = typeof plan.skipRows === 'number' ? undefined : new Set(plan.skipRows);
  let headerPending = headerRow !== false;
  let nonBlankBeforeHeader = 0;
  const namer = new ColumnNamer();
  let headerNames: Array<string | undefined> = [];

  // Columns: final once the first page is gathered (or the sheet ends).
  let columnsFinal = false;
  const names: string[] = [];
  const selected: number[] = [];
  let columnCount = 0;
  // Rows of the discovery window; a number is a run of blank rows.
  let firstPage: Array<Array<Value | undefined> | number> = [];
  let firstPageRows = 0;
  let firstPageCells = 0;
  let firstPageWidth = 0;

  const pending = new PendingRows();
  let emitted = 0;
  let blankRun = 0;
  let lastRowNumber = 0;
  let seenData = false;

  const nameColumn = (index: number): string => {
    if (headerRow === false) return columnLetters(index);
    const { name, blank, duplicate } = namer.name(headerNames[index], index);
    if (blank && (selector.kind === 'all' || isSelected(index, name))) {
      warn(report, { code: 'blank-header', sheet: sheet.name, column: name, message: `column ${columnLetters(index)} has no header; named "${name}"` });
    } else if (duplicate) {
      warn(report, {
        code: 'duplicate-header',
        sheet: sheet.name,
        column: name,
        message: `header "${headerNames[index]}" in column ${columnLetters(index)} repeats an earlier one; named "${name}"`,
      });
    }
    return name;
  };
  const isSelected = (index: number, name: string): boolean => {
    switch (selector.kind) {
      case 'all':
        return true;
      case 'positions':
        return selector.positions.has(index);
      case 'names':
        return selector.names.includes(name);
      case 'predicate':
        return selector.test(name, index);
    }
  };
  const addColumns = (upTo: number) => {
    for (let index = columnCount; index < upTo; index += 1) {
      const name = nameColumn(index);
      names.push(name);
      if (isSelected(index, name)) selected.push(index);
    }
    columnCount = Math.max(columnCount, upTo);
    columnNames = selected.map((index) => names[index]!);
    report.columns = columnNames;
  };
  let columnNames: string[] = [];
  const toRow = (values: ReadonlyArray<Value | undefined> | null): Row => {
    const row: Row = {};
    const count = selected.length;
    if (values === null) for (let at = 0; at < count; at += 1) row[columnNames[at]!] = null;
    else for (let at = 0; at < count; at += 1) row[columnNames[at]!] = values[selected[at]!] ?? null;
    return row;
  };
  const finaliseColumns = () => {
    columnsFinal = true;
    addColumns(Math.max(headerNames.length, firstPageWidth));
    checkSelection();
    pageSize = plan.pageSize ?? defaultPageSize(selected.length);
    for (const values of firstPage) {
      if (typeof values === 'number') pending.pushBlanks(values);
      else pending.pushRow(toRow(values));
    }
    firstPage = [];
  };
  const checkSelection = () => {
    if (selector.kind === 'names') {
      const missing = selector.names.filter((name) => !names.includes(name));
      if (missing.length > 0) {
        throw new NotFoundError({
          message: `Column${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')} not found in sheet "${sheet.name}"; it has ${names.length ? names.map((name) => `"${name}"`).join(', ') : 'no columns'}`,
          connector: 'excel',
          operation: 'read',
          hint:
            headerRow === false
              ? 'With headerRow: false, columns are named by letter (A, B, ...).'
              : 'Check skipRows/headerRow: the header row may not be the one you expect.',
        });
      }
    } else if (selector.kind === 'positions' && selector.strict) {
      const outside = [...selector.positions].filter((index) => index >= columnCount);
      if (outside.length > 0) {
        throw new NotFoundError({
          message: `Column index ${outside.join(', ')} is outside sheet "${sheet.name}", which has ${columnCount} column${columnCount === 1 ? '' : 's'} (0-based indices 0 to ${columnCount - 1})`,
          connector: 'excel',
          operation: 'read',
        });
      }
    }
  };
  const emit = (values: ReadonlyArray<Value | undefined>, width: number): boolean => {
    if (!columnsFinal) {
      firstPage.push(values.slice(0, width));
      firstPageRows += 1;
      firstPageCells += width;
      if (width > firstPageWidth) firstPageWidth = width;
      if (firstPageRows >= columnDiscoveryRows || firstPageCells >= columnDiscoveryCells) finaliseColumns();
    } else {
      if (width > columnCount) addColumns(width);
      pending.pushRow(toRow(values));
    }
    emitted += 1;
    return emitted < maxRows;
  };
  /** A run of blank rows proven to lie between data rows: counted now, built as pages are cut. */
  const emitBlanks = (count: number): boolean => {
    const blanks = Math.min(count, maxRows - emitted);
    if (!columnsFinal) {
      firstPage.push(blanks);
      firstPageRows += blanks;
      if (firstPageRows >= columnDiscoveryRows) finaliseColumns();
    } else pending.pushBlanks(blanks);
    emitted += blanks;
    return emitted < maxRows;
  };
  const blankRow = () => toRow(null);

  const scanner = new SheetRowScanner(
    {
      sheet: sheet.name,
      sharedStrings,
      dateStyles: workbook.dateStyles,
      date1904: workbook.date1904,
      onCellWarning: (code, cell, detail) =>
        warn(report, { code: code as ReadWarningCode, sheet: sheet.name, cell, message: `${cell}: ${detail}; read as null` }),
    },
    (rowNumber, values, width, blank) => {
      const gap = rowNumber - lastRowNumber - 1;
      lastRowNumber = rowNumber;
      const rowIndex = rowNumber - 1;
      if (rowIndex < skipFirst || skipSet?.has(rowIndex)) return true;
      if (headerPending) {
        if (blank) return true;
        if (nonBlankBeforeHeader < (headerRow as number)) {
          nonBlankBeforeHeader += 1;
          return true;
        }
        headerPending = false;
        headerNames = Array.from({ length: width }, (_, index) => headerText(values[index]));
        applyHeaderSelection(scanner, selector, headerNames);
        applyPositionSelection(scanner, selector);
        return true;
      }
      if (!skipBlankRows && seenData) blankRun += Math.max(0, gap);
      if (blank) {
        if (!skipBlankRows && seenData) blankRun += 1;
        return true;
      }
      // Blank rows become data only once a later row proves they are not trailing.
      if (blankRun > 0) {
        const more = emitBlanks(blankRun);
        blankRun = 0;
        if (!more) return false;
      }
      seenData = true;
      if (!emit(values, width)) return false;
      // A page is ready: let the consumer take it before more rows are built.
      return pending.count >= pageSize ? 'pause' : true;
    },
  );
  if (headerRow === false) applyPositionSelection(scanner, selector);

  for await (const chunk of entryTextChunks(source, sheet.entry, excelLimits.maxSheetBytes, onBytes)) {
    signal?.throwIfAborted();
    scanner.push(chunk);
    for (;;) {
      while (pending.count >= pageSize) {
        report.rowCount += pageSize;
        yield pending.take(pageSize, blankRow);
        signal?.throwIfAborted();
      }
      if (!scanner.paused) break;
      scanner.resume();
    }
    if (scanner.done) break;
  }
  scanner.end();
  if (!columnsFinal) {
    // A header row alone still defines the columns; a sheet with neither has none.
    finaliseColumns();
  }
  while (pending.count > 0) {
    const page = pending.take(pageSize, blankRow);
    report.rowCount += page.length;
    yield page;
    signal?.throwIfAborted();
  }
}

/** Columns chosen by position: after the header (whose names are all needed), only they are converted. */
function applyPositionSelection(scanner: SheetRowScanner, selector: ColumnSelector): void {
  if (selector.kind !== 'positions') return;
  const wanted = new Uint8Array(Math.max(...selector.positions, -1) + 1);
  for (const index of selector.positions) wanted[index] = 1;
  scanner.wanted = wanted;
  scanner.wantBeyond = false;
}

/** Once the header is known, columns selected by name need no conversion elsewhere. */
function applyHeaderSelection(scanner: SheetRowScanner, selector: ColumnSelector, headerNames: ReadonlyArray<string | undefined>): void {
  if (selector.kind !== 'names') return;
  const wanted = new Uint8Array(headerNames.length);
  let found = 0;
  headerNames.forEach((name, index) => {
    if (name !== undefined && selector.names.includes(name)) {
      wanted[index] = 1;
      found += 1;
    }
  });
  // Deduplicated names (`x.1`) and unnamed columns are only known later: then convert everything.
  if (found < selector.names.length) return;
  scanner.wanted = wanted;
  scanner.wantBeyond = false;
}
