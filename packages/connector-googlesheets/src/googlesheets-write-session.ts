import { ConnectorError, estimateBytes, type ConnectorContext, type Row, type WriteSession } from '@automl/connector-core';
import type { sheets_v4 } from '@googleapis/sheets';
import { quoteSheetTitle, rangeOf } from './googlesheets-a1-range.js';
import { BatchMarkers } from './googlesheets-batch-markers.js';
import { fetchSpreadsheetLayout, type SheetProperties, type SheetsTarget } from './googlesheets-layout.js';
import { toCellData } from './convert-googlesheets-value.js';
import type { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';

export interface SheetWriteRequest {
  sheetName: string;
  mode: 'overwrite' | 'append';
}

/** What the write knows of the tab between batches. */
interface WriteState {
  sheet: SheetProperties;
  /** The spreadsheet's time zone: instants are written as its wall clock. */
  timeZone: SpreadsheetTimeZone;
  header: string[];
  /** Header cells already on the tab. */
  headerOnSheet: number;
  /** Columns of the grid, as far as this write knows (another writer may have added some). */
  columnCount: number;
  /** Overwrite: the first batch that lands clears the grid in the same request. */
  clearFirst: boolean;
}

const VALUE_FIELDS = 'userEnteredValue,userEnteredFormat.numberFormat';

/** Creates the tab when missing (a retried addSheet that already succeeded reads the tab back instead); with the spreadsheet's time zone and the tab's markers. */
async function ensureSheet(target: SheetsTarget, context: ConnectorContext, title: string): Promise<{ sheet: SheetProperties; timeZone: SpreadsheetTimeZone }> {
  const { sheets, timeZone } = await fetchSpreadsheetLayout(target, context, 'write', { markers: true });
  const existing = sheets.find((sheet) => sheet.title === title);
  if (existing) return { sheet: existing, timeZone };
  let added: SheetProperties | undefined;
  try {
    added = await context.call('write', async ({ signal }) => {
      const response = await target.api.spreadsheets.batchUpdate(
        { spreadsheetId: target.spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title } } }] } },
        { signal },
      );
      const properties = response.data.replies?.[0]?.addSheet?.properties;
      return {
        sheetId: properties?.sheetId ?? 0,
        title,
        hidden: false,
        rowCount: properties?.gridProperties?.rowCount ?? 1000,
        columnCount: properties?.gridProperties?.columnCount ?? 26,
      };
    });
  } catch (error) {
    // An earlier attempt created it (a lost answer), or another writer did: use the tab.
    if (!(ConnectorError.isInstance(error) && /already exists/.test(error.message))) throw error;
  }
  if (added) return { sheet: added, timeZone };
  const created = (await fetchSpreadsheetLayout(target, context, 'write', { markers: true })).sheets.find((sheet) => sheet.title === title);
  if (!created) throw new ConnectorError({ message: `The tab "${title}" could not be created`, connector: 'googlesheets', operation: 'write' });
  return { sheet: created, timeZone };
}

/** Append: the tab's header row (one values.get of row 1). */
async function readHeader(target: SheetsTarget, context: ConnectorContext, sheet: SheetProperties): Promise<string[]> {
  if (sheet.columnCount === 0 || sheet.rowCount === 0) return [];
  const response = await context.call('write', ({ signal }) =>
    target.api.spreadsheets.values.get(
      { spreadsheetId: target.spreadsheetId, range: rangeOf(sheet.title, 0, 1, 0, sheet.columnCount), valueRenderOption: 'UNFORMATTED_VALUE' },
      { signal },
    ),
  );
  const header = ((response.data.values ?? [])[0] ?? []).map((cell) => String(cell));
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  return header;
}

/**
 * The requests of one batch. Rows go in with `appendCells`, which the server places after the last
 * row holding data and for which it adds the rows the grid lacks: no request names a row index or an
 * absolute row count, so two writers never overwrite each other and no late or repeated request
 * can shrink the grid under later rows. New columns are added with `appendDimension` (a count, never
 * an absolute size). An overwrite's first batch also fits the grid's columns to the header (a
 * spreadsheet holds at most 10,000,000 cells: 26 default columns for 12 of data would cap the tab at
 * a third of the rows it can hold) and clears the grid, all in the same atomic request, so a refused
 * first batch leaves the tab as it was.
 */
function batchRequests(state: WriteState, rows: readonly Row[]): { requests: sheets_v4.Schema$Request[]; columnCount: number } {
  for (const row of rows) for (const key of Object.keys(row)) if (!state.header.includes(key)) state.header.push(key);
  const { sheet, header, timeZone } = state;
  const requests: sheets_v4.Schema$Request[] = [];
  const dataRows = rows.map((row) => ({ values: header.map((name) => toCellData(row[name], timeZone)) }));
  const headerCells = (from: number) => ({ values: header.slice(from).map((name) => toCellData(name, timeZone)) });
  if (state.clearFirst) {
    const columnCount = Math.max(1, header.length);
    if (columnCount !== state.columnCount) {
      requests.push({
        updateSheetProperties: { properties: { sheetId: sheet.sheetId, gridProperties: { columnCount } }, fields: 'gridProperties.columnCount' },
      });
    }
    requests.push({ updateCells: { range: { sheetId: sheet.sheetId }, fields: VALUE_FIELDS } });
    requests.push({ appendCells: { sheetId: sheet.sheetId, rows: [headerCells(0), ...dataRows], fields: VALUE_FIELDS } });
    return { requests, columnCount };
  }
  const columnCount = Math.max(state.columnCount, header.length);
  if (header.length > state.columnCount) {
    requests.push({ appendDimension: { sheetId: sheet.sheetId, dimension: 'COLUMNS', length: header.length - state.columnCount } });
  }
  if (header.length > state.headerOnSheet) {
    requests.push({
      updateCells: {
        start: { sheetId: sheet.sheetId, rowIndex: 0, columnIndex: state.headerOnSheet },
        rows: [headerCells(state.headerOnSheet)],
        fields: VALUE_FIELDS,
      },
    });
  }
  requests.push({ appendCells: { sheetId: sheet.sheetId, rows: dataRows, fields: VALUE_FIELDS } });
  return { requests, columnCount };
}

/** Whether a failure left the request's fate unknown: no answer came (timeout, lost connection). */
function unanswered(error: unknown): boolean {
  return typeof (error as { response?: { status?: unknown } } | null)?.response?.status !== 'number';
}

/**
 * One write to a tab, as core's write loop drives it: one spreadsheets.batchUpdate per batch,
 * exactly once (see BatchMarkers), in input order (the connector declares one batch in flight).
 * Before the first batch: one spreadsheets.get (and, to append, one values.get of the header row).
 */
export async function beginSheetsWrite(
  target: SheetsTarget,
  context: ConnectorContext,
  request: SheetWriteRequest,
  cleanup: Pick<ConnectorContext, 'call'>,
): Promise<WriteSession> {
  const { sheet, timeZone } = await ensureSheet(target, context, request.sheetName);
  const state: WriteState = { sheet, timeZone, header: [], headerOnSheet: 0, columnCount: sheet.columnCount, clearFirst: request.mode === 'overwrite' };
  if (request.mode === 'append') {
    state.header = await readHeader(target, context, sheet);
    state.headerOnSheet = state.header.length;
  }
  const markers = new BatchMarkers(sheet);
  return {
    destination: quoteSheetTitle(sheet.title),
    // Batches are sized by what goes on the wire: CellData wraps each value, about twice the row's JSON.
    prepare: (row) => ({ payload: row, bytes: estimateBytes([row]) * 2 + 64 }),
    writeBatch: async (batch, batchContext) => {
      const header = [...state.header];
      const { requests, columnCount } = batchRequests(
        state,
        batch.map((entry) => entry.row),
      );
      const { marker, request: markerRequest } = markers.next();
      // The body as JSON text: the client library deep-copies an object body twice per attempt
      // (googleapis-common, then gaxios) before serialising it; text is passed through as is.
      const body: unknown = JSON.stringify({ requests: [...requests, markerRequest] });
      let attempts = 0;
      try {
        await batchContext.call(
          'write',
          async ({ signal }) => {
            attempts += 1;
            try {
              return await target.api.spreadsheets.batchUpdate(
                { spreadsheetId: target.spreadsheetId, requestBody: body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest },
                { signal, headers: { 'content-type': 'application/json' } },
              );
            } catch (error) {
              if (unanswered(error)) marker.uncertain = true;
              throw error;
            }
          },
          // Safe to repeat: the marker's id lets at most one attempt apply.
          { idempotent: true },
        );
      } catch (error) {
        // A retry refused because an earlier attempt already applied (its marker exists), or no
        // answer at all: the marker says whether the batch is on the tab.
        const uncertain = attempts > 1 || marker.uncertain;
        if (!(uncertain && !batchContext.signal.aborted && (await markers.landed(target, batchContext, marker).catch(() => false)))) {
          state.header = header;
          throw error;
        }
      }
      state.columnCount = columnCount;
      state.headerOnSheet = state.header.length;
      state.clearFirst = false;
      batchContext.recordBytes('write', (body as string).length);
      return {};
    },
    commit: async (summary, commitContext) => {
      if (state.clearFirst && summary.written === 0 && summary.failed === 0) {
        // Overwrite with no rows at all: the tab is emptied. Never after rows that failed: an
        // overwrite whose batches were all refused leaves the tab as it was.
        await commitContext.call('write', ({ signal }) =>
          target.api.spreadsheets.batchUpdate(
            { spreadsheetId: target.spreadsheetId, requestBody: { requests: [{ updateCells: { range: { sheetId: sheet.sheetId }, fields: VALUE_FIELDS } }] } },
            { signal },
          ),
        );
      }
      // Best effort: the rows are on the tab whatever happens to their markers (a marker left
      // behind is removed by a later write once it is old).
      await markers.remove(target, commitContext).catch((error: unknown) => {
        commitContext.logger.warn(
          { connector: 'googlesheets', error: (error as Error).message },
          'could not remove the write markers; a later write removes them',
        );
      });
    },
    // After a stop or a cancel, through the connector's own calls: the write's context is cancelled.
    abort: async () => {
      await markers.remove(target, cleanup).catch(() => undefined);
    },
  };
}
