import { type ConnectorError, estimateBytes, iterateRows, type Row, type RowFailure, type RowsInput, type WriteResult } from '@automl/connector-core';
import type { sheets_v4 } from '@googleapis/sheets';
import { rangeOf } from './googlesheets-a1-range.js';
import { toCellData } from './convert-googlesheets-value.js';
import { fetchSpreadsheetLayout, type SheetProperties, type SheetsSession } from './googlesheets-session.js';
import type { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';

export interface SheetWriteRequest {
  sheetName: string;
  mode: 'overwrite' | 'append';
  batchRows: number;
  batchBytes: number;
  signal?: AbortSignal;
}

/** Where the next batch goes, and what the tab already has. */
interface WriteState {
  sheet: SheetProperties;
  /** The spreadsheet's time zone: instants are written as its wall clock. */
  timeZone: SpreadsheetTimeZone;
  header: string[];
  /** Header cells already on the tab. */
  headerOnSheet: number;
  /** 0-based row the next data row lands on. */
  nextRow: number;
  /** Overwrite: the first batch clears the whole grid in the same request. */
  clearFirst: boolean;
}

const VALUE_FIELDS = 'userEnteredValue,userEnteredFormat.numberFormat';

/** Creates the tab when missing (a retried addSheet that already succeeded reads the tab back instead); with the spreadsheet's time zone. */
async function ensureSheet(session: SheetsSession, title: string, signal?: AbortSignal): Promise<{ sheet: SheetProperties; timeZone: SpreadsheetTimeZone }> {
  const { sheets, timeZone } = await fetchSpreadsheetLayout(session, 'write', signal);
  const existing = sheets.find((sheet) => sheet.title === title);
  if (existing) return { sheet: existing, timeZone };
  const sheet = await session.call(
    'write',
    async ({ signal: attemptSignal, attempt }) => {
      try {
        const response = await session.api.spreadsheets.batchUpdate(
          { spreadsheetId: session.spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title } } }] } },
          { signal: attemptSignal },
        );
        const properties = response.data.replies?.[0]?.addSheet?.properties;
        return {
          sheetId: properties?.sheetId ?? 0,
          title,
          hidden: false,
          rowCount: properties?.gridProperties?.rowCount ?? 1000,
          columnCount: properties?.gridProperties?.columnCount ?? 26,
        };
      } catch (error) {
        const message = (error as { response?: { data?: { error?: { message?: string } } } }).response?.data?.error?.message ?? '';
        if (attempt > 1 && /already exists/.test(message)) {
          const created = (await fetchSpreadsheetLayout(session, 'write', signal)).sheets.find((sheet) => sheet.title === title);
          if (created) return created;
        }
        throw error;
      }
    },
    { signal },
  );
  return { sheet, timeZone };
}

/** Rows of the grid's tail an append looks at first for the last row; each further look doubles. */
const APPEND_SCAN_ROWS = 1000;

/** Index in `values` of the last row holding a value, -1 when none does. */
function lastNonEmptyRow(values: unknown[][]): number {
  let last = values.length - 1;
  while (last >= 0 && values[last]!.every((cell) => cell === '' || cell === null)) last -= 1;
  return last;
}

/**
 * Append: the tab's header and its last non-empty row, without downloading the tab. One
 * values.batchGet of the header row and the grid's last 1,000 rows finds both in the usual case
 * (grids end within a few hundred rows of their data); a longer blank tail is searched backwards in
 * steps that double, so even 100,000 blank rows take a handful of small requests.
 */
async function existingContent(session: SheetsSession, sheet: SheetProperties, signal?: AbortSignal): Promise<{ header: string[]; lastRow: number }> {
  const rangeRows = (start: number, end: number) => rangeOf(sheet.title, start, end, 0, sheet.columnCount);
  let end = sheet.rowCount;
  let size = APPEND_SCAN_ROWS;
  let start = Math.max(1, end - size);
  const first = await session.call(
    'write',
    ({ signal: attemptSignal }) =>
      session.api.spreadsheets.values.batchGet(
        { spreadsheetId: session.spreadsheetId, ranges: [rangeRows(0, 1), ...(start < end ? [rangeRows(start, end)] : [])], valueRenderOption: 'UNFORMATTED_VALUE' },
        { signal: attemptSignal },
      ),
    { signal },
  );
  const [headerRange, tailRange] = first.data.valueRanges ?? [];
  const header = ((headerRange?.values ?? [])[0] ?? []).map((cell) => String(cell));
  let tail = (tailRange?.values ?? []) as unknown[][];
  while (start < end) {
    const last = lastNonEmptyRow(tail);
    if (last >= 0) return { header, lastRow: start + last };
    end = start;
    size *= 2;
    start = Math.max(1, end - size);
    if (start >= end) break;
    const range = rangeRows(start, end);
    const response = await session.call(
      'write',
      ({ signal: attemptSignal }) =>
        session.api.spreadsheets.values.get({ spreadsheetId: session.spreadsheetId, range, valueRenderOption: 'UNFORMATTED_VALUE' }, { signal: attemptSignal }),
      { signal },
    );
    tail = (response.data.values ?? []) as unknown[][];
  }
  // Nothing below the header row: the append starts right under it.
  return { header, lastRow: 0 };
}

/** Splits the input into request-sized batches: at most `batchRows` rows and about `batchBytes` of JSON. */
async function* batches(rows: RowsInput, batchRows: number, batchBytes: number): AsyncGenerator<Array<{ index: number; row: Row }>> {
  let batch: Array<{ index: number; row: Row }> = [];
  let bytes = 0;
  let index = 0;
  for await (const row of iterateRows(rows)) {
    batch.push({ index, row });
    index += 1;
    bytes += estimateBytes([row]) * 2 + 64; // CellData wraps each value: about twice the row's JSON
    if (batch.length >= batchRows || bytes >= batchBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The requests of one batch, and the grid size they leave: size the grid (to an absolute size), new
 * header cells, the rows at an explicit start. An overwrite also fits the grid's columns to the
 * header: a spreadsheet holds at most 10,000,000 cells, so 26 default columns for 12 of data would
 * cap the tab at a third of the rows it can hold. The columns shrink in a request of their own
 * before the rows grow, so no step of the batch is larger than its end.
 */
function batchRequests(state: WriteState, batch: Array<{ row: Row }>): { requests: sheets_v4.Schema$Request[]; grid: { rowCount: number; columnCount: number } } {
  for (const { row } of batch) for (const key of Object.keys(row)) if (!state.header.includes(key)) state.header.push(key);
  const requests: sheets_v4.Schema$Request[] = [];
  const { sheet } = state;
  const rowCount = Math.max(sheet.rowCount, state.nextRow + batch.length);
  const columnCount = state.clearFirst ? Math.max(1, state.header.length) : Math.max(sheet.columnCount, state.header.length);
  const resize = (gridProperties: { rowCount?: number; columnCount?: number }) =>
    requests.push({
      updateSheetProperties: {
        properties: { sheetId: sheet.sheetId, gridProperties },
        fields: Object.keys(gridProperties)
          .map((name) => `gridProperties.${name}`)
          .join(','),
      },
    });
  if (columnCount < sheet.columnCount) {
    resize({ columnCount });
    if (rowCount !== sheet.rowCount) resize({ rowCount });
  } else if (rowCount !== sheet.rowCount || columnCount !== sheet.columnCount) {
    resize({ rowCount, columnCount });
  }
  const grid = { rowCount, columnCount };
  const dataRows = batch.map(({ row }) => ({ values: state.header.map((name) => toCellData(row[name], state.timeZone)) }));
  if (state.clearFirst) {
    const headerRow = { values: state.header.map((name) => toCellData(name, state.timeZone)) };
    requests.push({
      updateCells: {
        range: { sheetId: sheet.sheetId, startRowIndex: 0, endRowIndex: rowCount, startColumnIndex: 0, endColumnIndex: columnCount },
        rows: [headerRow, ...dataRows],
        fields: VALUE_FIELDS,
      },
    });
    return { requests, grid };
  }
  if (state.header.length > state.headerOnSheet) {
    requests.push({
      updateCells: {
        start: { sheetId: sheet.sheetId, rowIndex: 0, columnIndex: state.headerOnSheet },
        rows: [{ values: state.header.slice(state.headerOnSheet).map((name) => toCellData(name, state.timeZone)) }],
        fields: VALUE_FIELDS,
      },
    });
  }
  if (dataRows.length > 0) {
    requests.push({ updateCells: { start: { sheetId: sheet.sheetId, rowIndex: state.nextRow, columnIndex: 0 }, rows: dataRows, fields: VALUE_FIELDS } });
  }
  return { requests, grid };
}

/**
 * Writes rows to a tab in as few requests as the API allows: one spreadsheets.batchUpdate per batch
 * (atomic), after one spreadsheets.get (and, to append, one values.batchGet to find the last row). Every
 * request writes an explicit range and sets the grid to an absolute size, so core may retry it
 * without duplicating a row; values.append, which a retry would apply twice, is never used.
 * A batch that fails for good is reported row by row, and the rows after it as not written.
 */
export async function writeSheetRows(session: SheetsSession, rows: RowsInput, request: SheetWriteRequest): Promise<WriteResult> {
  const { sheet, timeZone } = await ensureSheet(session, request.sheetName, request.signal);
  const state: WriteState = { sheet, timeZone, header: [], headerOnSheet: 0, nextRow: 1, clearFirst: request.mode === 'overwrite' };
  if (request.mode === 'append') {
    const existing = await existingContent(session, sheet, request.signal);
    state.header = [...existing.header];
    state.headerOnSheet = existing.header.length;
    state.nextRow = Math.max(1, existing.lastRow + 1);
  }
  const firstDataRow = state.nextRow;
  const failed: RowFailure[] = [];
  let received = 0;
  let written = 0;
  let failure: ConnectorError | undefined;
  for await (const batch of batches(rows, request.batchRows, request.batchBytes)) {
    received += batch.length;
    if (failure) {
      for (const { index, row } of batch) failed.push({ index, row, reason: `Not written: an earlier batch failed (${failure.message})`, code: 'SKIPPED' });
      continue;
    }
    const { requests, grid } = batchRequests(state, batch);
    const body: unknown = JSON.stringify({ requests });
    try {
      await session.call(
        'write',
        ({ signal }) =>
          session.api.spreadsheets.batchUpdate(
            // The body as JSON text: the client library deep-copies an object body twice per attempt
            // (googleapis-common, then gaxios) before serialising it; text is passed through as is.
            { spreadsheetId: session.spreadsheetId, requestBody: body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest },
            { signal, headers: { 'content-type': 'application/json' } },
          ),
        { idempotent: true, signal: request.signal },
      );
    } catch (error) {
      const typed = error as ConnectorError;
      // Nothing stored yet and not a problem of the data itself: the whole write failed, say so.
      if (written === 0 && typed.kind !== 'data') throw error;
      failure = typed;
      const reason = typed.hint ? `${typed.message} (${typed.hint})` : typed.message;
      for (const { index, row } of batch) failed.push({ index, row, reason, code: typed.code ?? typed.kind });
      continue;
    }
    state.sheet = { ...state.sheet, ...grid };
    state.headerOnSheet = state.header.length;
    state.clearFirst = false;
    state.nextRow += batch.length;
    written += batch.length;
    session.recordRows('write', batch.length);
  }
  if (state.clearFirst && received === 0) {
    // Overwrite with no rows at all: the tab is emptied. Never after rows that failed: an overwrite
    // whose first batch was refused leaves the tab as it was.
    await session.call(
      'write',
      ({ signal }) =>
        session.api.spreadsheets.batchUpdate(
          { spreadsheetId: session.spreadsheetId, requestBody: { requests: [{ updateCells: { range: { sheetId: sheet.sheetId }, fields: VALUE_FIELDS } }] } },
          { signal },
        ),
      { signal: request.signal },
    );
  }
  const lastColumn = Math.max(1, state.header.length);
  return {
    received,
    written,
    ...(request.mode === 'append' ? { created: written } : {}),
    failed,
    destination: written > 0 ? rangeOf(sheet.title, firstDataRow, firstDataRow + written, 0, lastColumn) : rangeOf(sheet.title, 0, 1, 0, lastColumn),
  };
}
