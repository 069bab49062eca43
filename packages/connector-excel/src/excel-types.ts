import type { ConfigInputOf, ReadRequest, Row, WriteRequest } from '@automl/connector-core';
import type { Readable } from 'node:stream';
import type { UseCols } from './options/parse-use-cols.js';

/**
 * What `new ExcelConnector(settings)` takes: core's excel config (`filePath`, `sheetName`,
 * `maxRows`...; snake_case keys accepted) plus, for uploads, the workbook itself as `source`.
 */
export type ExcelSettings = ConfigInputOf<'excel'> & {
  /** The workbook as bytes or a stream (an upload), instead of `filePath`. A stream is spooled to a temporary file. */
  source?: Uint8Array | Readable;
};

/** Options of `readExcel` and `read`, in the specification's names. */
export interface ExcelReadOptions {
  /** Sheet name (matched case-insensitively, as Excel does) or 0-based index; default: config `sheetName`, else the first visible sheet. */
  sheetName?: string | number;
  /** Sheet rows to skip before anything else: the first N rows, or a list of 0-based row indices (row 1 is 0). */
  skipRows?: number | readonly number[];
  /** Columns to read: `'A:E'`, `'A,C,F:H'`, header names, 0-based indices, or a predicate. */
  useCols?: UseCols;
  /** Which non-blank row (0-based, after skipRows) holds the column names; `false` names columns A, B, C... Default 0. */
  headerRow?: number | false;
  /** Stop after this many data rows (default: config `maxRows`, else all). */
  maxRows?: number;
  /** Drop blank rows between data rows (pandas does). Default true; trailing blank rows are always dropped. */
  skipBlankRows?: boolean;
  /** Rows per page of `read()`. Default 10,000. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** `read()`'s request: the contract's keys (`table` = sheet name, `columns` = useCols by name) plus the Excel options. */
export interface ExcelReadRequest extends ReadRequest, Omit<ExcelReadOptions, 'sheetName' | 'maxRows' | 'pageSize' | 'signal'> {}

export type ReadWarningCode = 'error-cell' | 'formula-without-value' | 'bad-shared-string' | 'blank-header' | 'duplicate-header';

/** Something a read accepted but the caller should know: the value was read as null, or a name was changed. */
export interface ReadWarning {
  code: ReadWarningCode;
  sheet: string;
  /** The cell, like "C7", for cell warnings. */
  cell?: string;
  /** The column's final name, for header warnings. */
  column?: string;
  message: string;
}

/** What one read saw: its columns and warnings (at most 1,000 kept; `warningCounts` counts all). */
export interface ReadReport {
  sheet: string;
  columns: string[];
  rowCount: number;
  warnings: ReadWarning[];
  warningCounts: Partial<Record<ReadWarningCode, number>>;
}

export interface ReadResult extends ReadReport {
  rows: Row[];
}

/** `write()`'s request: the contract's keys (`table` = sheet name, `mode` only `overwrite`) and the column order. */
export interface ExcelWriteRequest extends WriteRequest {
  /** Column order; default: the keys of the rows in first-seen order (of all rows of an array, of the first 1,000 of a stream). */
  columns?: string[];
}

export interface ExcelWriteOptions {
  /** Where to write; default: the config's `filePath`. The parent directory must exist. */
  path?: string;
  /** Default "Sheet1". */
  sheetName?: string;
  /**
   * Column order; default: the keys of the rows in first-seen order. JavaScript puts integer-like
   * keys ("1", "2") first in every object, so to keep a sheet's order through a read and a write,
   * pass the read's `columns` (from readExcelWithReport or describe).
   */
  columns?: string[];
  signal?: AbortSignal;
}

/** A worksheet of the workbook, for `listSheets()`. */
export interface ExcelSheet {
  name: string;
  index: number;
  visibility: 'visible' | 'hidden' | 'veryHidden';
}
