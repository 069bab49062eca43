import type { ConnectorOptions, WriteResult } from '@automl/connector-core';

/** Runtime settings of the Google Sheets connector, beside the connection config. */
export interface GoogleSheetsConnectorOptions extends ConnectorOptions {
  /** Rows per values.get request, and per page yielded by read(). Default 5,000. */
  pageSize?: number;
  /** Most rows per write request. Default 10,000. */
  writeBatchRows?: number;
  /** Most (estimated) bytes per write request, under the API's recommended 2 MB payload. Default 2,000,000. */
  writeBatchBytes?: number;
}

/** readGoogleSheet(): the specification's read, by tab name and A1 range. */
export interface ReadGoogleSheetOptions {
  /** The tab; the config's sheetName, else the first visible tab. */
  sheetName?: string;
  /** An A1 range inside the tab (`A1:E500`, `B:D`, `3:100`); the whole tab when omitted. */
  range?: string;
  /** Whether the first row of the range names the columns (default true); false names them A, B, C... */
  headerRow?: boolean;
  maxRows?: number;
  pageSize?: number;
  columns?: string[];
  signal?: AbortSignal;
}

export interface WriteGoogleSheetOptions {
  /** The tab to write; created when missing. The config's sheetName, else `Sheet1`. */
  sheetName?: string;
  /** overwrite (default) replaces the tab's content; append adds rows after the last non-empty row. */
  mode?: 'overwrite' | 'append';
  signal?: AbortSignal;
}

export type GoogleSheetsWriteResult = WriteResult;

export const defaultPageSize = 5_000;
export const defaultWriteBatchRows = 10_000;
export const defaultWriteBatchBytes = 2_000_000;
/** Data rows sampled after the header to learn which columns are dates. */
export const formatSampleRows = 20;
